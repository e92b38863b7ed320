/// The GS1 mod-10 check digit shared by GLN (13 digits) and GSRN (18 digits).
///
/// One implementation for both, because the two differ only in length and a second copy of the
/// weighting is where an off-by-one (weighting from the left instead of the right) would hide.
/// It catches every single-digit error and most adjacent transpositions, but not a swap of two
/// digits that differ by 5 (`16` ↔ `61`); such typos pass as valid numbers.
public enum GS1CheckDigit {
    /// The check digit for `body` (all digits except the check digit), or `nil` if `body` is empty
    /// or not all ASCII digits. Weights 3,1,3,… from the rightmost body digit;
    /// check = (10 − sum mod 10) mod 10.
    public static func compute(forBody body: String) -> Int? {
        let scalars = Array(body.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        var sum = 0
        for (offsetFromRight, scalar) in scalars.reversed().enumerated() {
            guard let digit = IdentifierText.digitValue(scalar) else { return nil }
            sum += digit * (offsetFromRight % 2 == 0 ? 3 : 1)
        }
        return (10 - sum % 10) % 10
    }

    /// The shared parse for GS1 keys of a fixed length; returns the validated digits.
    static func validate(_ text: String, length: Int, kind: IdentifierKind) throws(IdentifierError) -> String {
        // As feeds write them: exactly `length` ASCII digits with a right check digit. Anything else, wrong
        // check digits included, takes the general path below, which explains what is wrong.
        if isValidPlain(text, length: length) { return text }
        let input = IdentifierText(text)
        try input.requireCount(length, of: kind)
        for offset in 0..<length where input.digit(at: offset) == nil {
            throw IdentifierError(kind, .invalidCharacter(position: offset + 1, expected: .digit))
        }
        let digits = input.string
        guard let expected = compute(forBody: String(digits.dropLast())),
            input.digit(at: length - 1) == expected
        else { throw IdentifierError(kind, .checksumMismatch) }
        return digits
    }

    /// Exactly `length` ASCII digits whose last is the check digit of the others, checked on the bytes.
    static func isValidPlain(_ text: String, length: Int) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count == length else { return false }
            var sum = 0
            for (offset, byte) in bytes.dropLast().enumerated() {
                guard byte >= 0x30, byte <= 0x39 else { return false }
                // Weights 3,1,3,… from the rightmost body digit.
                sum += Int(byte &- 0x30) * ((length - 2 - offset) % 2 == 0 ? 3 : 1)
            }
            let check = bytes[length - 1]
            return check >= 0x30 && check <= 0x39 && Int(check &- 0x30) == (10 - sum % 10) % 10
        }
    }
}
