/// A record the reader could not accept, with everything needed to quarantine it.
///
/// Errors belong to one record, never to the file: the reader reports this and carries on with the
/// next record, because one corrupt row in a 2-million-row vendor delivery must not stop the other
/// 1,999,999 from loading.
///
/// **Privacy:** ``description`` names positions, counts and (for encoding errors) the single invalid
/// byte, never field content, since records hold names, addresses and henkilötunnus values and error
/// messages end up in logs. The content is in ``rawBytes`` for the quarantine table only.
public struct CSVRecordError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the record was rejected.
    ///
    /// Offsets are 0-based within the record's raw bytes and field
    /// indexes are 0-based (messages print them 1-based, as a spreadsheet user counts columns).
    ///
    /// A record gets one reason, the first that applies in this order: unterminated quote, too long,
    /// the first quote or NUL problem in the record, invalid encoding, wrong field count.
    public enum Reason: Sendable, Hashable {
        /// The input ended inside a quoted field; `offset` is where that field's opening quote is.
        /// Everything from the record start to the end of the input is this one record.
        case unterminatedQuote(offset: Int, field: Int)
        /// The record, without its line end, is longer than ``CSVDialect/maxRecordBytes``; the reader
        /// skipped to the next line end outside quotes without buffering the rest.
        case recordTooLong(limit: Int)
        /// A quote inside an unquoted field (`ab"c`), or whitespace before an opening quote
        /// (`a; "b"`). RFC 4180 does not allow it; accepting it would mean guessing whether the writer
        /// meant a literal quote or forgot to quote the field, and a wrong guess shifts columns.
        case strayQuote(offset: Int, field: Int)
        /// Something other than a delimiter or line end right after a closing quote (`"ab"c`).
        case textAfterClosingQuote(offset: Int, field: Int)
        /// A NUL byte. No legitimate text feed contains one; it means binary garbage, a UTF-16 file
        /// read as 8-bit, or an attempt to truncate strings in C code further down the line.
        case nulByte(offset: Int, field: Int)
        /// A byte the declared encoding does not define; for UTF-8 the lead byte of the broken
        /// sequence.
        case invalidEncoding(TextEncoding, byte: UInt8, offset: Int, field: Int)
        /// The field count differs from ``CSVDialect/expectedFieldCount`` or the header's. A
        /// truncated last line usually shows up as this.
        case wrongFieldCount(expected: Int, actual: Int)
    }

    public let reason: Reason
    public let location: CSVLocation
    /// The record's bytes exactly as in the file, line end included, except that a record longer
    /// than ``CSVDialect/maxRecordBytes`` keeps only its first `maxRecordBytes` bytes.
    public let rawBytes: [UInt8]
    /// The record's full length in the file, line end included.
    public let rawByteCount: Int

    public init(reason: Reason, location: CSVLocation, rawBytes: [UInt8], rawByteCount: Int) {
        self.reason = reason
        self.location = location
        self.rawBytes = rawBytes
        self.rawByteCount = rawByteCount
    }

    /// Whether ``rawBytes`` is only a prefix of the record.
    public var isTruncated: Bool { rawBytes.count < rawByteCount }

    public var description: String {
        "line \(location.line): \(reason.message)"
    }
}

extension CSVRecordError.Reason {
    var message: String {
        switch self {
        case .unterminatedQuote(let offset, let field):
            "unterminated quoted field: the quote opening field \(field + 1) at byte \(offset) of the record is never "
                + "closed before the end of the input"
        case .recordTooLong(let limit):
            "record longer than the limit of \(limit) bytes; skipped to the next line end outside quotes"
        case .strayQuote(let offset, let field):
            "quote character inside unquoted field \(field + 1) at byte \(offset) of the record "
                + "(RFC 4180: quote the whole field and double the quote)"
        case .textAfterClosingQuote(let offset, let field):
            "data after the closing quote of field \(field + 1) at byte \(offset) of the record "
                + "(expected a delimiter or a line end)"
        case .nulByte(let offset, let field):
            "NUL byte in field \(field + 1) at byte \(offset) of the record"
        case .invalidEncoding(let encoding, let byte, let offset, let field):
            "invalid \(encoding) byte \(hexByte(byte)) at byte \(offset) of the record (field \(field + 1))"
        case .wrongFieldCount(let expected, let actual):
            "expected \(expected) fields, found \(actual)"
        }
    }
}
