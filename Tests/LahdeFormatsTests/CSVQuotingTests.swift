import _LahdeTestSupport
import Testing

@testable import LahdeFormats

@Suite("CSV quoting (RFC 4180)")
struct CSVQuotingTests {
    @Test(
        "quoted fields keep delimiters, doubled quotes and line breaks",
        arguments: [
            ("a;b;c\n", [["a", "b", "c"]]),
            ("\"a;b\";c\n", [["a;b", "c"]]),
            ("\"say \"\"hi\"\"\";x\n", [["say \"hi\"", "x"]]),
            ("\"\"\"\"\n", [["\""]]),
            ("\"\"\"a;b\"\"\"\n", [["\"a;b\""]]),
            ("\"line1\nline2\";x\n", [["line1\nline2", "x"]]),
            ("\"cr\ronly\";x\n", [["cr\ronly", "x"]]),
            ("\"crlf\r\nkept\";x\r\n", [["crlf\r\nkept", "x"]]),
            ("\"\";x\n", [["", "x"]]),
            (";;\n", [["", "", ""]]),
            ("a;\n", [["a", ""]]),
            ("a;\"\"\n", [["a", ""]]),
            ("\"a\";\"b\"\n\"c\";\"d\"", [["a", "b"], ["c", "d"]]),
            ("\"ends with quote\"\"\"\n", [["ends with quote\""]]),
            ("\"\n\";\"\r\n\"\n", [["\n", "\r\n"]]),
            (" a ; b \n", [[" a ", " b "]]),
        ] as [(String, [[String]])]
    )
    func quoting(_ input: String, _ expected: [[String]]) throws {
        #expect(fields(try readAll(input)) == expected)
    }

    @Test("fields found eight bytes at a time: quotes opening, stray quotes, control bytes and line ends at every offset of a word and every chunk size")
    func everyWordOffset() throws {
        var text = ""
        var expected: [[String]] = []
        for pad in 0..<10 {
            let plain = String(repeating: "x", count: pad)
            text += [plain, "\"q;\"\"\(pad)\"", "", "\"\"", plain + "y", "\"a\r\nb\"", plain].joined(separator: ";") + "\r\n"
            expected.append([plain, "q;\"\(pad)", "", "", plain + "y", "a\r\nb", plain])
            text += [plain, ";;", plain, "\n"].joined()
            expected.append([plain, "", plain])
            // Tabs and other control bytes are ordinary data that the word mask flags for a second look.
            text += [plain + "\t", "\u{0B}\u{0C}" + plain, "\u{01}", "\"\t\""].joined(separator: ";") + "\n"
            expected.append([plain + "\t", "\u{0B}\u{0C}" + plain, "\u{01}", "\t"])
        }
        let stray = "abcdefgh;ij\"k;l\n"
        for maxReadSize in [1, 2, 3, 5, 7, 8, 9, 13, 64, .max] {
            let results = try readAll(Array(text.utf8), maxReadSize: maxReadSize, readSize: min(maxReadSize, 4096))
            #expect(fields(results) == expected, "maxReadSize \(maxReadSize)")
            let strayResults = try readAll(Array(stray.utf8), maxReadSize: maxReadSize, readSize: min(maxReadSize, 4096))
            #expect(strayResults.first?.failure?.reason == .strayQuote(offset: 11, field: 1), "maxReadSize \(maxReadSize)")
        }
    }

    @Test("an empty quoted field differs from an empty field only in isQuoted")
    func emptyVersusQuotedEmpty() throws {
        let record = try #require(try readAll(";\"\";x;\"y\"\n").first?.success)
        #expect(record.fieldCount == 4)
        #expect((0..<4).map(record.isQuoted(at:)) == [false, true, false, true])
        #expect((0..<4).map(record.isEmpty(at:)) == [true, true, false, false])
        #expect(record.strings() == ["", "", "x", "y"])
    }

    @Test("byteRange points inside the quotes and leaves doubled quotes doubled")
    func byteRanges() throws {
        let record = try #require(try readAll("ab;\"c\"\"d\";\"\";\n").first?.success)
        #expect(record.byteRange(at: 0) == 0..<2)
        #expect(record.byteRange(at: 1) == 4..<8)
        #expect(Array(record.rawBytes[record.byteRange(at: 1)]) == bytes("c\"\"d"))
        #expect(record.byteRange(at: 2) == 11..<11)
        #expect(record.byteRange(at: 3) == 13..<13)
        #expect(record.string(at: 1) == "c\"d")
    }

    @Test(
        "any ASCII delimiter; the others are plain data",
        arguments: [UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: "|")])
    func delimiters(_ delimiter: UInt8) throws {
        let row = ["a,b", "c;d", "e|f", "g\th", "plain", "quote \" inside"]
        let input = csvLine(row, delimiter: delimiter) + csvLine(["1", "2", "3", "4", "5", "6"], delimiter: delimiter)
        let results = try readAll(input, dialect: CSVDialect(delimiter: delimiter, hasHeader: false))
        #expect(fields(results) == [row, ["1", "2", "3", "4", "5", "6"]])
        let first = try #require(results.first?.success)
        // Exactly the field holding this delimiter, and the one with the quote, were quoted.
        let quoted = (0..<row.count).filter(first.isQuoted(at:))
        let holder = row.firstIndex { $0.utf8.contains(delimiter) } ?? -1
        #expect(quoted == [holder, 5])
    }

    @Test("the quote byte is configurable; the double quote is then ordinary data")
    func singleQuote() throws {
        let dialect = CSVDialect(quote: UInt8(ascii: "'"), hasHeader: false)
        let results = try readAll(bytes("'a;b';'it''s';\"x\n"), dialect: dialect)
        #expect(fields(results) == [["a;b", "it's", "\"x"]])
    }

    @Test("without a quote byte every byte but the delimiter and line ends is data")
    func noQuote() throws {
        let results = try readAll(bytes("\"a;b\";\"\"\n"), dialect: CSVDialect(quote: nil, hasHeader: false))
        #expect(fields(results) == [["\"a", "b\"", "\"\""]])
        #expect(results.first?.success?.isQuoted(at: 0) == false)
    }

    /// Fields drawn from the characters that break naive parsers, written by the independent
    /// writer in the test support, must come back exactly.
    @Test("500 generated records round-trip through an independent writer", arguments: [UInt64(1), 2, 3])
    func generatedRoundTrip(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let pieces = ["a", "Ö", "€", "𝄞", ";", ",", "\"", "\"\"", "\r", "\n", "\r\n", " ", "\t", "x y", ""]
        var rows: [[String]] = []
        var input: [UInt8] = []
        for _ in 0..<500 {
            let row = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                (0..<Int.random(in: 0...4, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? ""
                }
                .joined()
            }
            rows.append(row)
            let forced = Set((0..<row.count).filter { _ in Bool.random(using: &generator) })
            input += csvLine(row, forceQuote: forced, lineEnd: Bool.random(using: &generator) ? [0x0A] : [0x0D, 0x0A])
        }
        #expect(fields(try readAll(input)) == rows)
        #expect(fields(try readAll(input, maxReadSize: 5, readSize: 3)) == rows)
    }
}
