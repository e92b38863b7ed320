import Testing

@testable import LahdeFormats

@Suite("CSVDialect")
struct CSVDialectTests {
    @Test("defaults suit Finnish feeds: semicolon, double quote, header, UTF-8, 1 MiB records")
    func defaults() {
        let dialect = CSVDialect()
        #expect(dialect.delimiter == UInt8(ascii: ";"))
        #expect(dialect.quote == UInt8(ascii: "\""))
        #expect(dialect.hasHeader)
        #expect(dialect.encoding == .utf8)
        #expect(dialect.maxRecordBytes == 1 << 20)
        #expect(dialect.expectedFieldCount == nil)
    }

    @Test(
        "ambiguous settings are refused before reading",
        arguments: [
            CSVDialect(delimiter: 0x0A), CSVDialect(delimiter: 0x0D), CSVDialect(delimiter: 0x00),
            CSVDialect(delimiter: 0xE4), CSVDialect(quote: 0x0A), CSVDialect(quote: 0xA4),
            CSVDialect(delimiter: UInt8(ascii: "'"), quote: UInt8(ascii: "'")), CSVDialect(maxRecordBytes: 0),
            CSVDialect(maxRecordBytes: CSVDialect.maximumRecordLimit + 1), CSVDialect(expectedFieldCount: 0),
        ])
    func invalid(_ dialect: CSVDialect) {
        let error = #expect(throws: CSVReaderError.self) { try CSVReader(MemoryByteSource("a;b\n"), dialect: dialect) }
        guard case .invalidDialect = error else {
            Issue.record("expected invalidDialect, got \(String(describing: error))")
            return
        }
    }

    @Test("the limits of the valid range are accepted")
    func validEdges() throws {
        for dialect in [
            CSVDialect(delimiter: 0x7F, quote: 0x01, hasHeader: false, maxRecordBytes: 1),
            CSVDialect(hasHeader: false, maxRecordBytes: CSVDialect.maximumRecordLimit, expectedFieldCount: 1),
        ] {
            #expect(throws: Never.self) { try CSVReader(MemoryByteSource(""), dialect: dialect, readSize: 1) }
        }
    }

    @Test("the message says what is wrong")
    func message() {
        #expect(
            CSVReaderError.invalidDialect("the quote and the delimiter must differ").description
                == "invalid CSV dialect: the quote and the delimiter must differ")
        #expect(
            CSVReaderError.byteOrderMarkMismatch(found: "UTF-16LE", declared: .windows1252).description
                == "the file starts with a UTF-16LE byte order mark but is declared Windows-1252")
    }
}
