/// An ENTSO-E Energy Identification Code: 16 characters from `0-9`, `A-Z` and `-`; two
/// characters of issuing office, one object-type letter, twelve characters of object code and a
/// check character.
///
/// DataHub uses EIC Y-codes for metering grid areas (`44Y…`, `schemeAgencyIdentifier="305"`),
/// and its XSD checks only the length.
///
/// Check character, as implemented by python-stdnum (`stdnum/eu/eic.py`) and the JavaScript
/// validators derived from ENTSO-E's reference (`sigod/eic`, `samzlab/eic-modern`): map each of
/// the first 15 characters to 0–36 (digits as themselves, `A`–`Z` as 10–35, `-` as 36), weight
/// them 16, 15, …, 2, and take `alphabet[36 − ((sum − 1) mod 37)]`. A check character of `-` is
/// not allowed, so bodies whose computation yields `-` never receive a code.
///
/// Lowercase input is accepted and uppercased: the alphabet is case-insensitive, and the
/// canonical form is uppercase.
public struct EICCode: FinnishIdentifier {
    public static let kind = IdentifierKind.eic

    public let value: String

    private init(value: String) { self.value = value }

    /// The two-character code of the issuing office (`10` ENTSO-E, `44` Fingrid).
    public var issuingOffice: String { String(value.prefix(2)) }

    /// The object type: `X` party, `Y` area, `Z` measurement point, `V` location, `W` resource,
    /// `T` tie line, `A` substation. Kept as a character because issuing offices have used others.
    public var objectType: Character { value[value.index(value.startIndex, offsetBy: 2)] }

    public var description: String { value }

    public static func parse(_ text: String) throws(IdentifierError) -> EICCode {
        let input = IdentifierText(text)
        try input.requireCount(16, of: kind)
        for offset in 0..<15 where alphabet.firstIndex(of: input[offset]) == nil {
            throw IdentifierError(kind, .invalidCharacter(position: offset + 1, expected: .eicCharacter))
        }
        guard input[15] != "-", alphabet.contains(input[15]) else {
            throw IdentifierError(kind, .invalidCharacter(position: 16, expected: .eicCheckCharacter))
        }
        let value = input.string
        guard checkCharacter(forBody: String(value.prefix(15))) == Character(input[15]) else {
            throw IdentifierError(kind, .checksumMismatch)
        }
        return EICCode(value: value)
    }

    /// The check character for the first 15 characters, or `nil` if `body` is not 15 characters
    /// of the EIC alphabet (uppercase). May return `-`, which means no valid code has this body.
    public static func checkCharacter(forBody body: String) -> Character? {
        let scalars = Array(body.unicodeScalars)
        guard scalars.count == 15 else { return nil }
        var sum = 0
        for (offset, scalar) in scalars.enumerated() {
            guard let value = alphabet.firstIndex(of: scalar) else { return nil }
            sum += value * (16 - offset)
        }
        return Character(alphabet[36 - (sum - 1) % 37])
    }

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-".unicodeScalars)

    public init(from decoder: any Decoder) throws { self = try Self.decodeValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeValue(to: encoder) }
}
