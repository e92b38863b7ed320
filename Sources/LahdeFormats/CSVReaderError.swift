/// A problem with the feed as a whole, found before any data record is read.
///
/// Deliberately few cases: everything that can be pinned to one record is a ``CSVRecordError``
/// instead. What remains makes every record meaningless (no usable header, a configuration that
/// cannot be parsed, a file in an encoding other than the declared one).
public enum CSVReaderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The dialect cannot be parsed unambiguously (for example the quote equals the delimiter).
    case invalidDialect(String)
    /// A header was expected but the input has no records.
    case missingHeader
    /// The header record itself is broken; nothing after it can be mapped to columns.
    case malformedHeader(CSVRecordError)
    /// The file starts with a byte order mark that contradicts the declared encoding: a UTF-8 mark
    /// on a file declared 8-bit, or a UTF-16 mark (Excel's "Unicode text" export) on any file.
    /// Decoding anyway would turn every non-ASCII character into mojibake.
    case byteOrderMarkMismatch(found: String, declared: TextEncoding)

    public var description: String {
        switch self {
        case .invalidDialect(let reason):
            "invalid CSV dialect: \(reason)"
        case .missingHeader:
            "the input is empty, but a header row was expected"
        case .malformedHeader(let error):
            "malformed header: \(error)"
        case .byteOrderMarkMismatch(let found, let declared):
            "the file starts with a \(found) byte order mark but is declared \(declared)"
        }
    }
}
