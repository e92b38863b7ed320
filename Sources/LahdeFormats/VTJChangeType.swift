/// How a population-register data group relates to the person's previous state (*muutostapa*,
/// *muutosattribuutti*).
///
/// The legacy files and the change API use the same six meanings; the raw values are the legacy digits
/// (there is no `2`). Readers keep the kind rather than dropping groups, because whether `0` and `5`
/// groups matter depends on what the consumer is rebuilding: a current-state register skips them, an
/// audit of corrections needs them.
public enum VTJChangeType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Context for the change (e.g. the other current citizenships); not itself a change.
    case additionalInformation = 0
    /// The group was added, or the person is new to this customer.
    case added = 1
    /// The group as it stands after a change.
    case changed = 3
    /// The group was removed from the register.
    case removed = 4
    /// The wrong version that a correction replaces; it describes the old state.
    case beingCorrected = 5
    /// The corrected version; follows its `beingCorrected` group.
    case corrected = 6

    /// The legacy file's digit (`'0'` … `'6'`).
    public init?(legacyDigit byte: UInt8) {
        guard byte >= 0x30, byte <= 0x39 else { return nil }
        self.init(rawValue: byte - 0x30)
    }

    /// The change API's `muutosattribuutti`.
    public init?(apiName: String) {
        switch apiName {
        case "LISATIETO": self = .additionalInformation
        case "LISATTY": self = .added
        case "MUUTETTU": self = .changed
        case "POISTETTU": self = .removed
        case "KORJATTAVA", "KORJATTAVAA": self = .beingCorrected
        case "KORJATTU": self = .corrected
        default: return nil
        }
    }

    /// True for the kinds that state the person's current value.
    public var statesCurrentValue: Bool { self == .added || self == .changed || self == .corrected }

    public var description: String {
        switch self {
        case .additionalInformation: "additional information"
        case .added: "added"
        case .changed: "changed"
        case .removed: "removed"
        case .beingCorrected: "being corrected"
        case .corrected: "corrected"
        }
    }
}
