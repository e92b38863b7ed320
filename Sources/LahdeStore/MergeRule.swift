/// The survivorship rules the merge can decide by, as recorded in provenance.
///
/// The order of precedence (see `MergeStatements.decide`): protection first, then a ban from any source,
/// then the source's trust rank for the field, then the feed's own validity time, then arrival order.
public enum MergeRule: String, Sendable, CaseIterable {
    // A new value is written.
    case firstValue = "first-value"
    case higherTrust = "higher-trust"
    case newerValidity = "newer-validity"
    case laterArrival = "later-arrival"
    case banWins = "ban-wins"
    // The value stays; its provenance moves to a more trusted or more recent source.
    case confirmed
    // Nothing changes.
    case unchanged
    // The current value stays and the observation loses.
    case lowerTrust = "lower-trust"
    case olderValidity = "older-validity"
    case banKept = "ban-kept"
    case protected

    public enum Outcome: String, Sendable {
        case applied, confirmed, unchanged, superseded, protected
    }

    public var outcome: Outcome {
        switch self {
        case .firstValue, .higherTrust, .newerValidity, .laterArrival, .banWins: .applied
        case .confirmed: .confirmed
        case .unchanged: .unchanged
        case .lowerTrust, .olderValidity, .banKept: .superseded
        case .protected: .protected
        }
    }

    static func sqlList(_ outcomes: Set<Outcome>) -> String {
        allCases.filter { outcomes.contains($0.outcome) }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }
}
