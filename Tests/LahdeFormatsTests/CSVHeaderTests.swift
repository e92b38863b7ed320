import Testing

@testable import LahdeFormats

@Suite("CSV header and column mapping")
struct CSVHeaderTests {
    @Test("the header is read once, kept verbatim, and not returned as a record")
    func headerRead() throws {
        let reader = try CSVReader(MemoryByteSource(" Hetu ;POSTINUMERO;\"Nimi; koko\"\n010101-123N;00100;Matti\n"))
        #expect(reader.header?.names == [" Hetu ", "POSTINUMERO", "Nimi; koko"])
        #expect(reader.expectedFieldCount == 3)
        let first = try #require(try reader.next()?.success)
        #expect(first.string(at: 0) == "010101-123N")
        #expect(first.location.line == 2)
        #expect(try reader.next() == nil)
    }

    @Test(
        "lookups trim and ignore case",
        arguments: [("hetu", 0), ("HETU", 0), ("  Hetu\t", 0), ("postinumero", 1), ("nimi; KOKO", 2)] as [(String, Int)]
    )
    func lookup(_ name: String, _ index: Int) {
        let header = CSVHeader(names: [" Hetu ", "POSTINUMERO", "Nimi; koko"])
        #expect(header.index(of: name) == index)
    }

    @Test("a name with a decomposed ö matches the precomposed one")
    func unicodeEquivalence() {
        let header = CSVHeader(names: ["Yhteyshenkilo\u{0308}", "Kunta"])
        #expect(header.index(of: "YHTEYSHENKILÖ") == 0)
        #expect(header.index(of: "yhteyshenkilo") == nil)
    }

    @Test("required columns come back in the order asked")
    func requiredIndexes() throws {
        let header = CSVHeader(names: ["a", "B", "c"])
        #expect(try header.indexes(of: ["c", "a", "b"]) == [2, 0, 1])
        #expect(try header.indexes(of: []) == [])
    }

    @Test("missing required columns are all named at once, with what the header has")
    func missingColumns() {
        let header = CSVHeader(names: ["hetu", "nimi"])
        let expected = CSVHeaderError.missingColumns(["osoite", "kunta"], available: ["hetu", "nimi"])
        #expect(throws: expected) { try header.indexes(of: ["hetu", "osoite", "kunta"]) }
        #expect(
            expected.description
                == "missing required columns \"osoite\", \"kunta\"; the header has \"hetu\", \"nimi\"")
        #expect(header.index(of: "osoite") == nil)
    }

    @Test("a name matching two columns is ambiguous, not silently the first")
    func ambiguous() {
        let header = CSVHeader(names: ["Nimi", "x", "NIMI "])
        #expect(header.index(of: "nimi") == nil)
        #expect(throws: CSVHeaderError.ambiguousColumn("nimi", indexes: [0, 2])) {
            try header.indexes(of: ["x", "nimi"])
        }
        #expect(
            CSVHeaderError.ambiguousColumn("nimi", indexes: [0, 2]).description
                == "column name \"nimi\" matches several columns (fields 1, 3)")
    }

    @Test("the header's field count is enforced on every record")
    func headerFieldCount() throws {
        let results = try readAll("a;b;c\n1;2;3\n1;2\n1;2;3;4\n", dialect: CSVDialect())
        #expect(
            results.map { $0.failure?.reason } == [
                nil, .wrongFieldCount(expected: 3, actual: 2), .wrongFieldCount(expected: 3, actual: 4),
            ])
        #expect(results.map(\.location.line) == [2, 3, 4])
    }

    @Test("a header contradicting the configured field count stops the file")
    func headerContradictsDialect() {
        #expect(
            throws: CSVReaderError.malformedHeader(
                CSVRecordError(
                    reason: .wrongFieldCount(expected: 3, actual: 2), location: CSVLocation(line: 1, byteOffset: 0),
                    rawBytes: bytes("a;b\n"), rawByteCount: 4))
        ) {
            try CSVReader(MemoryByteSource("a;b\n1;2\n"), dialect: CSVDialect(expectedFieldCount: 3))
        }
    }

    @Test("a header with invalid bytes stops the file")
    func malformedHeader() throws {
        let error = #expect(throws: CSVReaderError.self) {
            try CSVReader(MemoryByteSource([0x61, 0x3B, 0xE4, 0x0A]))
        }
        guard case .malformedHeader(let recordError) = error else {
            Issue.record("expected malformedHeader, got \(String(describing: error))")
            return
        }
        #expect(recordError.reason == .invalidEncoding(.utf8, byte: 0xE4, offset: 2, field: 1))
        #expect(
            "\(try #require(error))"
                == "malformed header: line 1: invalid UTF-8 byte 0xE4 at byte 2 of the record (field 2)")
    }

    @Test("an empty file with a header expected is an error; blank lines before the header are skipped")
    func missingHeader() throws {
        #expect(throws: CSVReaderError.missingHeader) { try CSVReader(MemoryByteSource("")) }
        #expect(throws: CSVReaderError.missingHeader) { try CSVReader(MemoryByteSource("\n\r\n")) }
        let reader = try CSVReader(MemoryByteSource("\na;b\n1;2\n"))
        #expect(reader.header?.names == ["a", "b"])
        #expect(try reader.next()?.location.line == 3)
    }

    @Test("a header-only file has no records")
    func headerOnly() throws {
        let reader = try CSVReader(MemoryByteSource("a;b"))
        #expect(reader.header?.names == ["a", "b"])
        #expect(try reader.next() == nil)
    }
}
