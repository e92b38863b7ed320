import Testing

@testable import LahdeFormats

@Suite("CSV record errors")
struct CSVRecordErrorTests {
    @Test(
        "malformed records are reported with reason, offset and field, and reading carries on",
        arguments: [
            ("ab\"c;d\n", CSVRecordError.Reason.strayQuote(offset: 2, field: 0)),
            ("a; \"b\"\n", .strayQuote(offset: 3, field: 1)),
            ("a;b\"\n", .strayQuote(offset: 3, field: 1)),
            ("\"ab\"c;d\n", .textAfterClosingQuote(offset: 4, field: 0)),
            ("x;\"ab\" ;d\n", .textAfterClosingQuote(offset: 6, field: 1)),
            ("a\u{0}b;c\n", .nulByte(offset: 1, field: 0)),
            ("x;\"a\u{0}\"\n", .nulByte(offset: 4, field: 1)),
            ("x;y;\u{0}\n", .nulByte(offset: 4, field: 2)),
        ] as [(String, CSVRecordError.Reason)]
    )
    func malformed(_ line: String, _ reason: CSVRecordError.Reason) throws {
        let input = "ok;1\n" + line + "fine;2\n"
        let results = try readAll(input)
        #expect(results.count == 3)
        #expect(results[0].success?.strings() == ["ok", "1"])
        let error = try #require(results[1].failure)
        #expect(error.reason == reason)
        #expect(error.location == CSVLocation(line: 2, byteOffset: 5))
        #expect(error.rawBytes == bytes(line))
        #expect(error.rawByteCount == bytes(line).count)
        #expect(!error.isTruncated)
        #expect(results[2].success?.strings() == ["fine", "2"])
        #expect(results[2].location.line == 3)
    }

    @Test("a record gets the first of several problems, in the documented order")
    func precedence() throws {
        let input: [UInt8] =
            bytes("a\"b;") + [0xFF] + bytes("\n")  // stray quote beats invalid encoding
            + [0xFF] + bytes(";\u{0}\n")  // NUL beats invalid encoding even though it comes later
            + [0xFF] + bytes("\n")  // invalid encoding beats wrong field count
            + bytes("a;b;\"c\u{0}\n")  // unterminated quote beats everything
        let results = try readAll(input, dialect: CSVDialect(hasHeader: false, expectedFieldCount: 2))
        #expect(
            results.map { $0.failure?.reason } == [
                .strayQuote(offset: 1, field: 0), .nulByte(offset: 2, field: 1),
                .invalidEncoding(.utf8, byte: 0xFF, offset: 0, field: 0), .unterminatedQuote(offset: 4, field: 2),
            ])
    }

    @Test("an unterminated quote at the end of input swallows the rest and reports where it started")
    func unterminatedQuote() throws {
        let input = "ok;1\nbad;\"never closed\nmore;2\r\nlast;3"
        let results = try readAll(input)
        #expect(results.count == 2)
        #expect(results[0].success?.strings() == ["ok", "1"])
        let error = try #require(results[1].failure)
        #expect(error.reason == .unterminatedQuote(offset: 4, field: 1))
        #expect(error.location == CSVLocation(line: 2, byteOffset: 5))
        #expect(error.rawBytes == bytes("bad;\"never closed\nmore;2\r\nlast;3"))
        #expect(
            "\(error)"
                == "line 2: unterminated quoted field: the quote opening field 2 at byte 4 of the record is never "
                + "closed before the end of the input")
    }

    @Test("a truncated file: short last record and an open quote are errors; earlier records are intact")
    func truncatedFile() throws {
        let header = "hetu;nimi;postinumero\n"
        let good = "010101-123N;Virtanen;00100\n"
        let shortLast = try readAll(header + good + "020202-2", dialect: CSVDialect())
        #expect(shortLast.count == 2)
        #expect(shortLast[0].success?.strings() == ["010101-123N", "Virtanen", "00100"])
        #expect(shortLast[1].failure?.reason == .wrongFieldCount(expected: 3, actual: 1))
        #expect(shortLast[1].failure?.rawBytes == bytes("020202-2"))
        #expect(shortLast[1].location == CSVLocation(line: 3, byteOffset: 49))

        let openQuote = try readAll(header + good + "020202-2;\"Mäki", dialect: CSVDialect())
        #expect(openQuote.count == 2)
        #expect(openQuote[0].success != nil)
        #expect(openQuote[1].failure?.reason == .unterminatedQuote(offset: 9, field: 1))
        #expect(openQuote[1].location.line == 3)
    }

    @Test("expectedFieldCount applies without a header", arguments: [1, 2, 4])
    func wrongFieldCount(_ count: Int) throws {
        let line = Array(repeating: "v", count: count).joined(separator: ";") + "\n"
        let results = try readAll("a;b;c\n" + line, dialect: CSVDialect(hasHeader: false, expectedFieldCount: 3))
        #expect(results[0].success != nil)
        #expect(results[1].failure?.reason == .wrongFieldCount(expected: 3, actual: count))
        #expect("\(try #require(results[1].failure))" == "line 2: expected 3 fields, found \(count)")
    }

    @Test("without an expected count, records may differ in length")
    func raggedAllowed() throws {
        #expect(fields(try readAll("a\nb;c\nd;e;f\n")) == [["a"], ["b", "c"], ["d", "e", "f"]])
    }

    @Test(
        "messages say where and why but never echo field content",
        arguments: [
            (
                CSVRecordError.Reason.strayQuote(offset: 3, field: 1),
                "line 9: quote character inside unquoted field 2 at byte 3 of the record "
                    + "(RFC 4180: quote the whole field and double the quote)"
            ),
            (
                .textAfterClosingQuote(offset: 7, field: 0),
                "line 9: data after the closing quote of field 1 at byte 7 of the record "
                    + "(expected a delimiter or a line end)"
            ),
            (.nulByte(offset: 0, field: 4), "line 9: NUL byte in field 5 at byte 0 of the record"),
            (
                .invalidEncoding(.utf8, byte: 0xFF, offset: 5, field: 1),
                "line 9: invalid UTF-8 byte 0xFF at byte 5 of the record (field 2)"
            ),
            (
                .invalidEncoding(.windows1252, byte: 0x9D, offset: 0, field: 0),
                "line 9: invalid Windows-1252 byte 0x9D at byte 0 of the record (field 1)"
            ),
            (
                .recordTooLong(limit: 1024),
                "line 9: record longer than the limit of 1024 bytes; skipped to the next line end outside quotes"
            ),
        ] as [(CSVRecordError.Reason, String)]
    )
    func descriptions(_ reason: CSVRecordError.Reason, _ expected: String) {
        let error = CSVRecordError(
            reason: reason, location: CSVLocation(line: 9, byteOffset: 400), rawBytes: bytes("Virtanen;Matti"),
            rawByteCount: 14)
        #expect(error.description == expected)
        #expect(!error.description.contains("Virtanen"))
    }

    @Test("I/O failures are thrown, not turned into record errors, and end the stream")
    func ioFailure() throws {
        let source = FailingByteSource(
            inner: MemoryByteSource(bytes("a;b\nc;d\n"), maxReadSize: 4), readsBeforeFailure: 1)
        let reader = try CSVReader(source, dialect: CSVDialect(hasHeader: false))
        #expect(try reader.next()?.success?.strings() == ["a", "b"])
        #expect(throws: FailingByteSource.Failure()) { try reader.next() }
        #expect(try reader.next() == nil)
    }
}
