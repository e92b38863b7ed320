/// What every identifier type in this module promises, so that importers and the register can
/// treat them generically (parse a column, store a value, label a rejection).
///
/// "Finnish" in the sense of "used in Finnish registers": GS1 and EIC numbers are international.
///
/// `Codable` encodes the full `value` as a single string. Codable is for storage and transport
/// between our own components, where the full value is required; it is not a display form. Use
/// `description` for anything a person or a log will read.
public protocol FinnishIdentifier: Sendable, Hashable, Codable, CustomStringConvertible {
    static var kind: IdentifierKind { get }

    /// Validates and normalises user or file input. Surrounding whitespace is trimmed and ASCII
    /// letters are uppercased; nothing else is rewritten.
    static func parse(_ text: String) throws(IdentifierError) -> Self

    /// The full canonical string: what is stored, compared and sent to other systems.
    var value: String { get }
}

extension FinnishIdentifier {
    /// Shared by the types' `init(from:)`. The decoding error carries only the privacy-safe
    /// `IdentifierError` description, never the stored string.
    static func decodeValue(from decoder: any Decoder) throws -> Self {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            return try parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    func encodeValue(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
