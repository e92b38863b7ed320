/// A Finnish personal identity code (henkilötunnus, hetu): `DDMMYY`, century sign, individual
/// number `ZZZ`, check character.
///
/// **Privacy.** A hetu identifies a person, so this type never prints itself: `description`,
/// `debugDescription`, string interpolation and `dump` all show the masked form (`010594Y****`,
/// birth date and separator kept, individual number and check character hidden), and parse
/// errors never contain the input. `value` is the only way to get the full code; reaching for it
/// should be a deliberate act (storage, matching, sending to DVV). For the same reason the type is
/// not `LosslessStringConvertible`: its description is not the value.
///
/// **The separator is part of the identity.** Since 2023 the 1900s have five extra separators
/// (`Y X W V U`) and the 2000s five (`B C D E F`); `010594-9032` and `010594Y9032` are different
/// people. The separator is therefore kept exactly as given and never normalised to `-` or `A`.
///
/// Accepted: surrounding whitespace, lowercase letters. Individual numbers 002–999 are accepted,
/// including the 900–999 range used for temporary and test identifiers (see `isTemporary`):
/// nearly every public test fixture is in that range, and the register must be able to hold
/// the temporary codes hospitals send.
public struct Henkilotunnus: FinnishIdentifier, CustomDebugStringConvertible, CustomReflectable {
    public static let kind = IdentifierKind.henkilotunnus

    public let value: String
    /// Derived from the date digits and the century sign. Leap days are validated against the full
    /// year, so `290200-…` (1900) is rejected while `290200A…` (2000) is accepted.
    public let birthDate: CalendarDate
    /// The three digits `ZZZ`, 2–999. Do not derive sex from its parity: from 2027 new codes stop
    /// encoding it (vm.fi).
    public let individualNumber: Int

    private init(value: String, birthDate: CalendarDate, individualNumber: Int) {
        self.value = value
        self.birthDate = birthDate
        self.individualNumber = individualNumber
    }

    /// The century sign exactly as issued; see the type's note on why it is identity.
    public var centurySign: Character { value[value.index(value.startIndex, offsetBy: 6)] }

    /// 900–999: temporary identifiers (hospitals, children not yet registered) and test data. DVV
    /// never records these in the population register, so one can never be matched against VTJ.
    public var isTemporary: Bool { individualNumber >= 900 }

    /// Birth date and separator, then `****`: enough to tell records apart on screen, not enough
    /// to use the code.
    public var masked: String { String(value.prefix(7)) + "****" }

    public var description: String { masked }
    public var debugDescription: String { "Henkilotunnus(\(masked))" }
    /// Without this, `dump` and debuggers would reflect the stored `value`.
    public var customMirror: Mirror { Mirror(self, children: ["masked": masked], displayStyle: .struct) }

    public static func parse(_ text: String) throws(IdentifierError) -> Henkilotunnus {
        if let valid = parseCanonical(text) { return valid }
        let input = IdentifierText(text)
        try input.requireCount(11, of: kind)
        let day = try input.digits(0..<2, of: kind)
        let month = try input.digits(2..<4, of: kind)
        let yearInCentury = try input.digits(4..<6, of: kind)
        guard let century = century(forSign: input[6]) else { throw IdentifierError(kind, .invalidCenturySign) }
        let individualNumber = try input.digits(7..<10, of: kind)
        guard let checkIndex = checkAlphabet.firstIndex(of: input[10]) else {
            throw IdentifierError(kind, .invalidCharacter(position: 11, expected: .hetuCheckCharacter))
        }
        guard let birthDate = CalendarDate(year: century + yearInCentury, month: month, day: day) else {
            throw IdentifierError(kind, .impossibleDate)
        }
        guard individualNumber >= 2 else { throw IdentifierError(kind, .neverIssued(.hetuIndividualNumberBelow002)) }
        let checked = ((day * 100 + month) * 100 + yearInCentury) * 1000 + individualNumber
        guard checked % 31 == checkIndex else { throw IdentifierError(kind, .checksumMismatch) }
        return Henkilotunnus(value: input.string, birthDate: birthDate, individualNumber: individualNumber)
    }

    /// The code as bulk feeds write it — eleven ASCII bytes, upper case, no padding — checked on its
    /// bytes without building scalar arrays; `nil` for anything else, valid or not, which the full
    /// parse then reads (and explains, if it is wrong). Same rules, a tenth of the work per row.
    static func parseCanonical(_ text: String) -> Henkilotunnus? {
        var utf8 = text
        return utf8.withUTF8 { bytes in parseCanonical(bytes: bytes) { text } }
    }

    /// ``parseCanonical(_:)`` on bytes a reader has not turned into a `String` yet: `text` makes the
    /// value only once the bytes have passed.
    package static func parseCanonical(bytes: UnsafeBufferPointer<UInt8>, text: () -> String) -> Henkilotunnus? {
        guard bytes.count == 11 else { return nil }
        // Each digit byte minus "0" must be 0–9; any other byte wraps to 10 or above.
        @inline(__always) func digit(_ offset: Int) -> Int { Int(bytes[offset] &- 0x30) }
        let d0 = digit(0), d1 = digit(1), d2 = digit(2), d3 = digit(3), d4 = digit(4), d5 = digit(5)
        let d7 = digit(7), d8 = digit(8), d9 = digit(9)
        guard d0 < 10, d1 < 10, d2 < 10, d3 < 10, d4 < 10, d5 < 10, d7 < 10, d8 < 10, d9 < 10
        else { return nil }
        let day = d0 * 10 + d1, month = d2 * 10 + d3, yearInCentury = d4 * 10 + d5
        let individualNumber = (d7 * 10 + d8) * 10 + d9
        guard individualNumber >= 2, let century = century(forSign: Unicode.Scalar(bytes[6])),
            let birthDate = CalendarDate(year: century + yearInCentury, month: month, day: day)
        else { return nil }
        let checked = ((day * 100 + month) * 100 + yearInCentury) * 1000 + individualNumber
        guard checkBytes[checked % 31] == bytes[10] else { return nil }
        return Henkilotunnus(value: text(), birthDate: birthDate, individualNumber: individualNumber)
    }

    /// The check character for nine digits `DDMMYYZZZ` (the separator does not take part), or
    /// `nil` if the input is not exactly nine ASCII digits. Public so that fixtures and fake data
    /// can be generated with the same rule that validates them.
    public static func checkCharacter(forDigits digits: String) -> Character? {
        let scalars = Array(digits.unicodeScalars)
        guard scalars.count == 9 else { return nil }
        var number = 0
        for scalar in scalars {
            guard let digit = IdentifierText.digitValue(scalar) else { return nil }
            number = number * 10 + digit
        }
        return Character(checkAlphabet[number % 31])
    }

    /// The first year of the century a sign denotes (VN asetus 128/2010 as amended for 2023).
    static func century(forSign sign: Unicode.Scalar) -> Int? {
        switch sign {
        case "+": 1800
        case "-", "Y", "X", "W", "V", "U": 1900
        case "A", "B", "C", "D", "E", "F": 2000
        default: nil
        }
    }

    /// The 31 check characters (Finlex table): digits, then letters without G, I, O, Q and Z.
    private static let checkAlphabet = Array("0123456789ABCDEFHJKLMNPRSTUVWXY".unicodeScalars)
    /// ``checkAlphabet`` as bytes, for the byte-level parse.
    private static let checkBytes = Array("0123456789ABCDEFHJKLMNPRSTUVWXY".utf8)

    public init(from decoder: any Decoder) throws { self = try Self.decodeValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeValue(to: encoder) }
}
