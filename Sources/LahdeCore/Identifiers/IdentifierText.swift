/// The normalised form every parser works on.
///
/// Identifiers reach us from spreadsheets, web forms, fixed-width files and XML text nodes, where
/// surrounding whitespace and lowercase letters are noise, not meaning. Everything else is kept
/// exactly as typed so that each parser decides for itself what a character means (a hetu's
/// separator, for one, must never be rewritten).
///
/// Scalars rather than `Character`s: a combining mark must not merge with a digit into one
/// "character" that then slips past a digit check. Only ASCII letters are uppercased; a non-ASCII
/// letter stays as it is and fails the character checks, so positions in error messages always
/// match what the user typed after trimming.
struct IdentifierText {
    let scalars: [Unicode.Scalar]
    /// The input itself when trimming and uppercasing changed nothing — the usual case in bulk feeds — so
    /// `string` need not rebuild it scalar by scalar (that rebuild was over a third of a CSV import's
    /// parsing time).
    private let unchanged: String?

    init(_ text: String) {
        var scalars = Array(text.unicodeScalars)
        let originalCount = scalars.count
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        let leading = scalars.prefix { $0.properties.isWhitespace }.count
        scalars.removeFirst(leading)
        var changed = scalars.count != originalCount
        self.scalars = scalars.map { scalar in
            guard scalar >= "a", scalar <= "z", let upper = Unicode.Scalar(scalar.value - 0x20) else { return scalar }
            changed = true
            return upper
        }
        self.unchanged = changed ? nil : text
    }

    var count: Int { scalars.count }

    var string: String {
        if let unchanged { return unchanged }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }

    subscript(offset: Int) -> Unicode.Scalar { scalars[offset] }

    /// The ASCII digit value at `offset`, or `nil`; other Unicode digits (Arabic-Indic, full-width)
    /// are deliberately not digits here, because no register issues them.
    func digit(at offset: Int) -> Int? {
        Self.digitValue(scalars[offset])
    }

    static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        guard scalar >= "0", scalar <= "9" else { return nil }
        return Int(scalar.value - 0x30)
    }

    /// The number formed by the digits at `range`; a non-digit is reported at its 1-based position.
    func digits(_ range: Range<Int>, of kind: IdentifierKind) throws(IdentifierError) -> Int {
        var result = 0
        for offset in range {
            guard let digit = digit(at: offset) else {
                throw IdentifierError(kind, .invalidCharacter(position: offset + 1, expected: .digit))
            }
            result = result * 10 + digit
        }
        return result
    }

    /// Length is checked before content because "wrong length" is the more useful message when a
    /// value landed in the wrong column; an empty value gets its own message for the same reason.
    func requireCount(_ expected: Int, of kind: IdentifierKind) throws(IdentifierError) {
        if scalars.isEmpty { throw IdentifierError(kind, .empty) }
        if scalars.count != expected {
            throw IdentifierError(kind, .wrongLength(expected: expected, actual: scalars.count))
        }
    }
}
