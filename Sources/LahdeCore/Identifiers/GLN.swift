/// A GS1 Global Location Number: 13 digits, the last a GS1 mod-10 check digit.
///
/// DataHub identifies market parties (DSOs, retailers, the original sender) by GLN
/// (`schemeAgencyIdentifier="9"`). The XSD checks only the length, so the check digit is
/// verified here, before a typo becomes a party the register has never heard of.
public struct GLN: FinnishIdentifier {
    public static let kind = IdentifierKind.gln

    public let value: String

    private init(value: String) { self.value = value }

    public var description: String { value }

    public static func parse(_ text: String) throws(IdentifierError) -> GLN {
        GLN(value: try GS1CheckDigit.validate(text, length: 13, kind: kind))
    }

    public init(from decoder: any Decoder) throws { self = try Self.decodeValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeValue(to: encoder) }
}
