/// A GS1 Global Service Relation Number: 18 digits, the last a GS1 mod-10 check digit.
///
/// Finnish accounting points (käyttöpaikka) are GSRNs, starting with the DSO's GS1 company
/// prefix (typically `643…`). The accounting point is the key that ties a customer to a
/// delivery, so a single mistyped digit would attach a customer to someone else's meter; the
/// check digit is what catches that. DataHub's XSD only checks the length.
public struct GSRN: FinnishIdentifier {
    public static let kind = IdentifierKind.gsrn

    public let value: String

    private init(value: String) { self.value = value }

    public var description: String { value }

    public static func parse(_ text: String) throws(IdentifierError) -> GSRN {
        GSRN(value: try GS1CheckDigit.validate(text, length: 18, kind: kind))
    }

    public init(from decoder: any Decoder) throws { self = try Self.decodeValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeValue(to: encoder) }
}
