/// A Finnish postal code: exactly five digits, kept as a string because leading zeros are
/// significant (`00100` Helsinki) and arithmetic on it is meaningless.
public struct PostalCode: FinnishIdentifier {
    public static let kind = IdentifierKind.postalCode

    public let value: String

    private init(value: String) { self.value = value }

    /// Heuristic: PO-box postal codes end in 1 (VTJ, kielitoimiston ohjepankki). Company postal
    /// codes such as Posti's `00011` end in 1 too and are not PO boxes, so treat this as a hint
    /// for address cleaning, not a fact; the authoritative type code is in Posti's postal-code
    /// file (`PCF_*.dat`).
    public var isPOBox: Bool { value.hasSuffix("1") }

    public var description: String { value }

    public static func parse(_ text: String) throws(IdentifierError) -> PostalCode {
        let input = IdentifierText(text)
        try input.requireCount(5, of: kind)
        _ = try input.digits(0..<5, of: kind)
        return PostalCode(value: input.string)
    }

    public init(from decoder: any Decoder) throws { self = try Self.decodeValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeValue(to: encoder) }
}
