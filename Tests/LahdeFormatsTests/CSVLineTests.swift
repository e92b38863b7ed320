import Testing

@testable import LahdeFormats

@Suite("CSV line ends, byte order mark and locations")
struct CSVLineTests {
    @Test(
        "LF, CRLF and CR all end records, mixed freely",
        arguments: [
            ("a\nb\nc\n", [1, 2, 3]),
            ("a\r\nb\r\nc\r\n", [1, 2, 3]),
            ("a\rb\rc\r", [1, 2, 3]),
            ("a\nb\r\nc\rd", [1, 2, 3, 4]),
        ] as [(String, [Int])]
    )
    func lineEnds(_ input: String, _ lines: [Int]) throws {
        let results = try readAll(input)
        #expect(fields(results) == ["a", "b", "c", "d"].prefix(lines.count).map { [$0] })
        #expect(results.map(\.location.line) == lines)
    }

    @Test("a last line without a line end is a record, and its raw bytes have no line end")
    func noFinalLineEnd() throws {
        let results = try readAll("a;b\nc;d")
        #expect(fields(results) == [["a", "b"], ["c", "d"]])
        #expect(results.last?.rawBytes == bytes("c;d"))
        #expect(results.first?.rawBytes == bytes("a;b\n"))
    }

    @Test("a trailing delimiter at the end of input is a trailing empty field")
    func trailingDelimiterAtEnd() throws {
        #expect(fields(try readAll("a;")) == [["a", ""]])
    }

    @Test("empty input yields no records")
    func emptyInput() throws {
        #expect(try readAll("").isEmpty)
        #expect(try readAll([0xEF, 0xBB, 0xBF]).isEmpty)
    }

    @Test("blank lines are skipped but still counted as lines")
    func blankLines() throws {
        let results = try readAll("a\n\n\r\n\rb\n\n")
        #expect(fields(results) == [["a"], ["b"]])
        #expect(results.map(\.location.line) == [1, 5])
        #expect(results.map(\.location.byteOffset) == [0, 6])
    }

    @Test(
        "line breaks inside quotes advance the line number once each",
        arguments: [
            ("\"x\ny\";z\nnext\n", 3), ("\"x\r\ny\"\r\nnext\r\n", 3), ("\"x\ry\"\nnext\n", 3),
            ("\"\n\n\r\n\r\"\nnext", 6),
        ]
            as [(String, Int)]
    )
    func embeddedLineBreaks(_ input: String, _ lineOfNext: Int) throws {
        let results = try readAll(input)
        #expect(results.count == 2)
        #expect(results.map(\.location.line) == [1, lineOfNext])
        #expect(results.last?.success?.strings() == ["next"])
    }

    @Test("a UTF-8 byte order mark is skipped, and offsets still count it")
    func byteOrderMark() throws {
        let input: [UInt8] = [0xEF, 0xBB, 0xBF] + bytes("nimi;kunta\nÄijä;Espoo\n")
        let reader = try CSVReader(MemoryByteSource(input))
        #expect(reader.header?.names == ["nimi", "kunta"])
        let record = try #require(try reader.next()?.success)
        #expect(record.strings() == ["Äijä", "Espoo"])
        #expect(record.location == CSVLocation(line: 2, byteOffset: 14))

        let noHeader = try readAll(input)
        #expect(noHeader.first?.location == CSVLocation(line: 1, byteOffset: 3))
        #expect(noHeader.first?.success?.string(at: 0) == "nimi")
    }

    @Test("a BOM is only skipped at the very start")
    func byteOrderMarkInside() throws {
        let results = try readAll(bytes("a\n") + [0xEF, 0xBB, 0xBF] + bytes("b\n"))
        #expect(results.last?.success?.string(at: 0) == "\u{FEFF}b")
    }

    @Test(
        "a byte order mark contradicting the declared encoding stops the file",
        arguments: [
            ([0xEF, 0xBB, 0xBF], TextEncoding.iso8859_1, "UTF-8"),
            ([0xEF, 0xBB, 0xBF], .windows1252, "UTF-8"),
            ([0xFF, 0xFE], .utf8, "UTF-16LE"),
            ([0xFE, 0xFF], .windows1252, "UTF-16BE"),
        ] as [([UInt8], TextEncoding, String)]
    )
    func byteOrderMarkMismatch(_ mark: [UInt8], _ encoding: TextEncoding, _ found: String) {
        #expect(throws: CSVReaderError.byteOrderMarkMismatch(found: found, declared: encoding)) {
            try CSVReader(
                MemoryByteSource(mark + bytes("a;b\n")), dialect: CSVDialect(hasHeader: false, encoding: encoding))
        }
    }

    /// The raw bytes are the quarantine's copy of the input, so together they must be the input.
    @Test("BOM plus every record's and error's raw bytes reproduce the input, and offsets add up")
    func rawBytesReproduceInput() throws {
        let input: [UInt8] =
            [0xEF, 0xBB, 0xBF]
            + bytes("a;b\r\n\"q;\r\nq\";c\nbad\"quote;x\n\"after\"x;y\r\n") + [0x41, 0xFF, 0x0A]
            + bytes("nul\u{0};z\rlast;\"unterminated\n")
        let results = try readAll(input)
        #expect(results.count == 7)
        #expect(results.filter { $0.failure != nil }.count == 5)
        #expect([0xEF, 0xBB, 0xBF] + results.flatMap(\.rawBytes) == input)
        var offset = 3
        for result in results {
            #expect(result.location.byteOffset == offset)
            offset += result.rawBytes.count
        }
    }
}
