/// The identifier families the register knows about, for labelling values whose kind is not
/// implied by their column (provenance look-ups, reject reports, DataHub `schemeAgencyIdentifier`
/// mapping).
public enum IdentifierKind: String, Sendable, Hashable, Codable, CaseIterable {
    case henkilotunnus
    case yTunnus
    case gln
    case gsrn
    case eic
    case postalCode
    /// A company's own customer number. It has no format of its own, so nothing here parses it;
    /// it exists so that callers can label a value that matched no other kind.
    case customerNumber

    public var displayName: String {
        switch self {
        case .henkilotunnus: "henkilötunnus"
        case .yTunnus: "Y-tunnus"
        case .gln: "GLN"
        case .gsrn: "GSRN"
        case .eic: "EIC code"
        case .postalCode: "postal code"
        case .customerNumber: "customer number"
        }
    }

    /// The layout quoted in length errors, so that a user can see what was meant without us
    /// echoing what they typed.
    var shape: String {
        switch self {
        case .henkilotunnus: "DDMMYY, century sign, 3-digit individual number, check character"
        case .yTunnus: "7 digits, '-', check digit"
        case .gln: "13 digits"
        case .gsrn: "18 digits"
        case .eic: "16 letters, digits or '-'"
        case .postalCode: "5 digits"
        case .customerNumber: "free form"
        }
    }

    /// Guesses what a user-typed identifier is (`lahde provenance IDENTIFIER`), by shape only.
    ///
    /// Shape, not validity: a hetu with a typo must still be recognised as a hetu so that the
    /// caller parses it and reports the real problem (say, a checksum mismatch) instead of
    /// silently searching customer numbers for it. EIC codes and postal codes are not guessed:
    /// a 16-character or 5-digit string is just as likely to be a company's customer number, and
    /// that decision belongs to the caller. Returns `nil` for anything else.
    public static func detect(_ text: String) -> IdentifierKind? {
        let input = IdentifierText(text)
        let allDigits = input.scalars.allSatisfy { IdentifierText.digitValue($0) != nil }
        switch input.count {
        case 11 where looksLikeHenkilotunnus(input):
            return .henkilotunnus
        case 9
        where (0..<7).allSatisfy({ input.digit(at: $0) != nil }) && input[7] == "-"
            && input.digit(at: 8) != nil:
            return .yTunnus
        case 18 where allDigits:
            return .gsrn
        case 13 where allDigits:
            return .gln
        default:
            return nil
        }
    }

    private static func looksLikeHenkilotunnus(_ input: IdentifierText) -> Bool {
        let digitOffsets = [0, 1, 2, 3, 4, 5, 7, 8, 9]
        guard digitOffsets.allSatisfy({ input.digit(at: $0) != nil }) else { return false }
        guard Henkilotunnus.century(forSign: input[6]) != nil else { return false }
        let last = input[10]
        return IdentifierText.digitValue(last) != nil || (last >= "A" && last <= "Z")
    }
}
