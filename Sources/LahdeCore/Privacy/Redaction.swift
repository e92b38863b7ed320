/// Masks personal identity codes in free text before it reaches a log, a terminal or an error report.
///
/// Messages from PostgreSQL and from parsers can quote the values they choke on; Lähde's promise that a
/// henkilötunnus never appears in full outside the register is kept by passing all such text through here.
public enum Redaction {
    /// Replaces the individual number and check character of anything shaped like a henkilötunnus
    /// (`DDMMYY`, a century sign, three digits, a check character) with `*`, keeping the birth date part.
    public static func maskingHenkilotunnus(in text: String) -> String {
        var bytes = Array(text.utf8)
        guard bytes.count >= 11 else { return text }
        var changed = false
        var index = 0
        while index + 11 <= bytes.count {
            if looksLikeHenkilotunnus(bytes, at: index) {
                for offset in 7..<11 { bytes[index + offset] = UInt8(ascii: "*") }
                changed = true
                index += 11
            } else {
                index += 1
            }
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    private static let centurySigns = Set("+-ABCDEFUVWXYabcdefuvwxy".utf8)
    private static let checkCharacters = Set("0123456789ABCDEFHJKLMNPRSTUVWXYabcdefhjklmnprstuvwxy".utf8)

    private static func looksLikeHenkilotunnus(_ bytes: [UInt8], at start: Int) -> Bool {
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        // Not in the middle of a longer run of digits or letters (a GSRN, an IBAN).
        if start > 0, isDigit(bytes[start - 1]) || isLetter(bytes[start - 1]) { return false }
        for offset in 0..<6 where !isDigit(bytes[start + offset]) { return false }
        guard centurySigns.contains(bytes[start + 6]) else { return false }
        for offset in 7..<10 where !isDigit(bytes[start + offset]) { return false }
        guard checkCharacters.contains(bytes[start + 10]) else { return false }
        if start + 11 < bytes.count, isDigit(bytes[start + 11]) || isLetter(bytes[start + 11]) { return false }
        return true
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}
