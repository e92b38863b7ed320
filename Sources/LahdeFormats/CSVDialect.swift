/// How one vendor writes its CSV files.
///
/// There is no public specification for any Finnish address-update delivery, so every feed is
/// configured explicitly instead of sniffed: a guessed delimiter or encoding that happens to work on
/// the first thousand rows is how a register fills up with mojibake.
///
/// ```swift
/// let dialect = CSVDialect(delimiter: UInt8(ascii: ";"), encoding: .windows1252, expectedFieldCount: 12)
/// ```
public struct CSVDialect: Sendable, Hashable {
    /// The field separator.
    ///
    /// Semicolon by default, as Finnish spreadsheets write it (the comma is the decimal separator).
    /// Must be ASCII and not CR, LF, NUL or the quote.
    public var delimiter: UInt8
    /// The byte that opens and closes quoted fields.
    ///
    /// `nil` for files that never quote; then a quote byte is ordinary data. Must be ASCII and not
    /// CR, LF or NUL.
    public var quote: UInt8?
    /// Whether the first record names the columns.
    public var hasHeader: Bool
    public var encoding: TextEncoding
    /// The longest record accepted, counted without its line end.
    ///
    /// Longer records are reported as ``CSVRecordError/Reason/recordTooLong(limit:)`` and skipped
    /// without being buffered, which is what keeps memory constant on hostile or corrupt input. At
    /// most ``maximumRecordLimit``.
    public var maxRecordBytes: Int
    /// The field count every record must have.
    ///
    /// When `nil` and the file has a header, the header's count is used; when both are given the
    /// header must match too.
    public var expectedFieldCount: Int?

    /// The upper bound for ``maxRecordBytes`` (field offsets are stored in 30 bits).
    public static let maximumRecordLimit = 256 << 20

    public init(
        delimiter: UInt8 = UInt8(ascii: ";"),
        quote: UInt8? = UInt8(ascii: "\""),
        hasHeader: Bool = true,
        encoding: TextEncoding = .utf8,
        maxRecordBytes: Int = 1 << 20,
        expectedFieldCount: Int? = nil
    ) {
        self.delimiter = delimiter
        self.quote = quote
        self.hasHeader = hasHeader
        self.encoding = encoding
        self.maxRecordBytes = maxRecordBytes
        self.expectedFieldCount = expectedFieldCount
    }

    /// Rejects settings that would make records ambiguous; called by the reader before it reads.
    func validate() throws(CSVReaderError) {
        func isUsable(_ byte: UInt8) -> Bool {
            byte < 0x80 && byte != 0x00 && byte != 0x0A && byte != 0x0D
        }
        guard isUsable(delimiter) else {
            throw .invalidDialect("the delimiter \(hexByte(delimiter)) must be an ASCII byte other than CR, LF and NUL")
        }
        if let quote {
            guard isUsable(quote) else {
                throw .invalidDialect("the quote \(hexByte(quote)) must be an ASCII byte other than CR, LF and NUL")
            }
            guard quote != delimiter else { throw .invalidDialect("the quote and the delimiter must differ") }
        }
        guard (1...Self.maximumRecordLimit).contains(maxRecordBytes) else {
            throw .invalidDialect("maxRecordBytes must be between 1 and \(Self.maximumRecordLimit)")
        }
        if let expectedFieldCount, expectedFieldCount < 1 {
            throw .invalidDialect("expectedFieldCount must be at least 1")
        }
    }
}
