/// Why a string was rejected as an identifier.
///
/// One error type for every identifier so that importers, the CLI and the register can report
/// rejections uniformly (and `parse` can use typed throws).
///
/// **Privacy:** neither the error nor its description ever contains the input or any character of
/// it, only positions, lengths and rules. A rejected henkilötunnus is still personal data, and
/// errors end up in logs, reject files and terminal scroll-back. The same rule applies to every
/// kind, because a hetu typed into the wrong field arrives as "an invalid Y-tunnus".
public struct IdentifierError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of identifier the input was parsed as.
    public let kind: IdentifierKind
    public let code: Code

    public init(_ kind: IdentifierKind, _ code: Code) {
        self.kind = kind
        self.code = code
    }

    public enum Code: Sendable, Hashable {
        /// Nothing but whitespace; kept apart from `wrongLength` because an empty cell usually means
        /// "missing", not "mistyped".
        case empty
        /// Character count after trimming surrounding whitespace.
        case wrongLength(expected: Int, actual: Int)
        /// `position` is 1-based and counted after trimming, as a person would count on screen.
        case invalidCharacter(position: Int, expected: CharacterClass)
        /// The henkilötunnus separator is not one of the 13 century signs.
        case invalidCenturySign
        /// The henkilötunnus date part is not a real calendar date in the century its separator names.
        case impossibleDate
        /// The check character or digit does not match the rest of the identifier.
        case checksumMismatch
        /// Well-formed and checksum-consistent, but of a form the issuer never hands out.
        case neverIssued(NeverIssuedReason)
    }

    /// What was expected at the position of an invalid character; used instead of echoing the
    /// character itself.
    public enum CharacterClass: Sendable, Hashable {
        case digit
        case hyphen
        case hetuCheckCharacter
        case eicCharacter
        case eicCheckCharacter
        /// A printable character (customer numbers: no control characters).
        case printable
    }

    public enum NeverIssuedReason: Sendable, Hashable {
        /// Individual numbers 000 and 001 have never been assigned (python-stdnum rejects them too).
        case hetuIndividualNumberBelow002
        /// A weighted sum with remainder 1 has no check digit, so the Y-tunnus cannot exist.
        case yTunnusRemainderOne
    }

    public var description: String {
        "invalid \(kind.displayName): \(code.message(for: kind))"
    }
}

extension IdentifierError.Code {
    func message(for kind: IdentifierKind) -> String {
        switch self {
        case .empty:
            "the value is empty"
        case .wrongLength(let expected, let actual):
            "expected \(expected) characters (\(kind.shape)), got \(actual)"
        case .invalidCharacter(let position, let expected):
            "character \(position) must be \(expected.phrase)"
        case .invalidCenturySign:
            "character 7 must be a century sign: '+' (1800s), '-' or U–Y (1900s), A–F (2000s)"
        case .impossibleDate:
            "the first six digits are not a real date (DDMMYY) in the century given by the separator"
        case .checksumMismatch:
            "the check \(kind == .henkilotunnus || kind == .eic ? "character" : "digit") does not match"
        case .neverIssued(.hetuIndividualNumberBelow002):
            "individual numbers 000 and 001 are never issued"
        case .neverIssued(.yTunnusRemainderOne):
            "the weighted sum leaves remainder 1, for which no check digit exists, so the number is never issued"
        }
    }
}

extension IdentifierError.CharacterClass {
    var phrase: String {
        switch self {
        case .digit: "a digit 0–9"
        case .hyphen: "a hyphen '-'"
        case .hetuCheckCharacter: "a check character: a digit or a letter A–Y other than G, I, O or Q"
        case .eicCharacter: "a digit, a letter A–Z or '-'"
        case .eicCheckCharacter: "a digit or a letter A–Z (the check character is never '-')"
        case .printable: "a printable character, at most 64 in all"
        }
    }
}
