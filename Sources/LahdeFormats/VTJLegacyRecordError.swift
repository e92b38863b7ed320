/// A record of a legacy change file that cannot be used, with its place and exact bytes.
///
/// Record errors never stop the file: the reader reports one and goes on with the next line. The
/// reason never quotes the record's content, which is personal data.
public struct VTJLegacyRecordError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// Shorter than the 26-byte identification part.
        case truncatedIdentification(length: Int)
        /// The bytes after the last `|` do not end a group: the line was cut.
        case unterminatedGroup(line: Int)
        case groupCountNotNumeric(line: Int)
        case groupCountMismatch(line: Int, declared: Int, found: Int)
        case invalidGroupHeader(line: Int, group: Int)
        case unknownGroupCode(line: Int, code: String)
        case unknownChangeType(line: Int, code: String, byte: UInt8)
        case groupLength(line: Int, code: String, length: Int, expected: Int)
        case impossibleDate(line: Int, code: String, offset: Int)
        case impossibleRegistrationDate(line: Int)
        case continuationWithoutRecord
        case continuationOfOtherPerson(line: Int)
        case invalidEncoding(line: Int, encoding: TextEncoding, byte: UInt8, offset: Int)
        /// Valid multi-byte UTF-8 in a file declared in a single-byte encoding: it would decode to
        /// mojibake (`Ã¤` for `ä`) and shift every fixed position after it.
        case utf8InSingleByteFile(line: Int, declared: TextEncoding)
        case lineTooLong(line: Int, limit: Int)

        public var description: String {
            switch self {
            case .truncatedIdentification(let length):
                "the line is \(length) bytes, shorter than the 26-byte identification part"
            case .unterminatedGroup(let line): "line \(line) ends inside a data group (no closing '|'): the line is truncated"
            case .groupCountNotNumeric(let line): "line \(line): the group count (bytes 25–26) is not a number"
            case .groupCountMismatch(let line, let declared, let found):
                "line \(line) declares \(declared) data groups but holds \(found)"
            case .invalidGroupHeader(let line, let group): "line \(line), data group \(group): the header is not a 3-digit code and a change digit"
            case .unknownGroupCode(let line, let code): "line \(line): unknown data group code \(code)"
            case .unknownChangeType(let line, let code, let byte): "line \(line), group \(code): unknown change type \(printable(byte))"
            case .groupLength(let line, let code, let length, let expected):
                "line \(line), group \(code) is \(length) bytes, its layout is \(expected)"
            case .impossibleDate(let line, let code, let offset): "line \(line), group \(code): impossible date at offset \(offset)"
            case .impossibleRegistrationDate(let line): "line \(line): impossible registration date"
            case .continuationWithoutRecord: "a continuation line ('J') with no record before it"
            case .continuationOfOtherPerson(let line): "continuation line \(line) names another person than the line it continues"
            case .invalidEncoding(let line, let encoding, let byte, let offset):
                "line \(line): invalid \(encoding) byte \(hexByte(byte)) at byte offset \(offset)"
            case .utf8InSingleByteFile(let line, let declared):
                "line \(line) is UTF-8 text but the file is declared \(declared)"
            case .lineTooLong(let line, let limit): "line \(line) is longer than \(limit) bytes"
            }
        }
    }

    public let reason: Reason
    /// The line the record starts on (1-based).
    public let line: Int
    public let byteRange: Range<Int64>
    public let raw: [UInt8]

    public var description: String { "line \(line): \(reason)" }
}

private func printable(_ byte: UInt8) -> String {
    byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : hexByte(byte)
}
