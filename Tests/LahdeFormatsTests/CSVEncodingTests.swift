import Testing

@testable import LahdeFormats

@Suite("CSV declared encodings")
struct CSVEncodingTests {
    @Test("an invalid UTF-8 byte is an error for its record only, located by line, byte and field")
    func invalidUTF8() throws {
        let input =
            bytes("nimi;kunta\nMatti;Espoo\n") + bytes("Liisa;") + [0xFF] + bytes("Vantaa\n") + bytes("Åke;Öja\n")
        let results = try readAll(input, dialect: CSVDialect())
        #expect(results.count == 3)
        #expect(results[0].success?.strings() == ["Matti", "Espoo"])
        let error = try #require(results[1].failure)
        #expect(error.reason == .invalidEncoding(.utf8, byte: 0xFF, offset: 6, field: 1))
        #expect(error.location == CSVLocation(line: 3, byteOffset: 23))
        #expect(error.rawBytes == bytes("Liisa;") + [0xFF] + bytes("Vantaa\n"))
        #expect("\(error)" == "line 3: invalid UTF-8 byte 0xFF at byte 6 of the record (field 2)")
        #expect(results[2].success?.strings() == ["Åke", "Öja"])
    }

    @Test("a truncated UTF-8 sequence at the end of a field is invalid even though the delimiter follows")
    func truncatedSequenceBeforeDelimiter() throws {
        let results = try readAll([0x61, 0xC3, 0x3B, 0xA4, 0x0A])
        #expect(results.first?.failure?.reason == .invalidEncoding(.utf8, byte: 0xC3, offset: 1, field: 0))
    }

    @Test("ISO-8859-1 decodes every byte, including the C1 range")
    func latin1() throws {
        let input: [UInt8] = [
            0x4D, 0xE4, 0x6B, 0x69, 0x3B, 0xC5, 0x6B, 0x65, 0x3B, 0x80, 0x9D, 0x3B, 0x22, 0xE4, 0x22, 0x22, 0x22, 0x0A,
        ]
        let results = try readAll(input, dialect: CSVDialect(hasHeader: false, encoding: .iso8859_1))
        #expect(fields(results) == [["Mäki", "Åke", "\u{80}\u{9D}", "ä\""]])
    }

    @Test("Windows-1252 decodes the typographic range and refuses its undefined bytes")
    func windows1252() throws {
        let input: [UInt8] =
            [0x80, 0x20, 0x31, 0x30, 0x30, 0x3B, 0x8A, 0x61, 0x6C, 0x92, 0x73, 0x0A]  // "€ 100;Šal’s"
            + [0x6F, 0x6B, 0x3B, 0x8D, 0x0A]  // 0x8D is undefined
            + [0x22, 0xE4, 0x3B, 0x96, 0x22, 0x0A]  // "ä;–"
        let results = try readAll(input, dialect: CSVDialect(hasHeader: false, encoding: .windows1252))
        #expect(results.count == 3)
        #expect(results[0].success?.strings() == ["€ 100", "Šal’s"])
        #expect(results[1].failure?.reason == .invalidEncoding(.windows1252, byte: 0x8D, offset: 3, field: 1))
        #expect(results[1].location.line == 2)
        #expect(results[2].success?.strings() == ["ä;–"])
    }

    @Test(
        "the same bytes mean different text under each declared encoding",
        arguments: [(TextEncoding.utf8, "ä€"), (.iso8859_1, "Ã¤â\u{82}¬"), (.windows1252, "Ã¤â‚¬")]
            as [(TextEncoding, String)])
    func declaredEncodingDecides(_ encoding: TextEncoding, _ expected: String) throws {
        let results = try readAll(
            [0xC3, 0xA4, 0xE2, 0x82, 0xAC, 0x0A], dialect: CSVDialect(hasHeader: false, encoding: encoding))
        #expect(fields(results) == [[expected]])
    }

    @Test("multi-byte characters next to doubled quotes decode correctly")
    func utf8WithEscapes() throws {
        #expect(fields(try readAll("\"ä\"\"€\"\"\";\"\"\"𝄞\"\n")) == [["ä\"€\"", "\"𝄞"]])
    }
}
