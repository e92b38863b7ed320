import _LahdeTestSupport
import Testing

@testable import LahdeFormats

@Suite("TextEncoding")
struct TextEncodingTests {
    @Test("valid UTF-8 decodes unchanged", arguments: ["", "abc", "Hämäläinen", "€ 100", "𝄞", "Åke Öhman", "a\u{0}b"])
    func validUTF8(_ text: String) throws {
        #expect(try TextEncoding.utf8.decode(Array(text.utf8)) == text)
    }

    /// Each case is a classic way for a byte sequence to look like UTF-8 and not be.
    @Test(
        "invalid UTF-8 is refused at the lead byte of the broken sequence",
        arguments: [
            ([0xFF], 0, 0xFF),  // never valid
            ([0x61, 0xC3], 1, 0xC3),  // truncated at the end
            ([0xC3, 0x41], 0, 0xC3),  // continuation missing
            ([0x41, 0x80], 1, 0x80),  // continuation without lead
            ([0xC0, 0x80], 0, 0xC0),  // overlong NUL
            ([0xC1, 0xBF], 0, 0xC1),  // overlong
            ([0xE0, 0x80, 0x80], 0, 0xE0),  // overlong 3-byte
            ([0xED, 0xA0, 0x80], 0, 0xED),  // UTF-16 surrogate D800
            ([0xF0, 0x80, 0x80, 0x80], 0, 0xF0),  // overlong 4-byte
            ([0xF4, 0x90, 0x80, 0x80], 0, 0xF4),  // above U+10FFFF
            ([0xF5, 0x80, 0x80, 0x80], 0, 0xF5),  // lead byte beyond the range
            (Array("abcdefgh".utf8) + [0xE2, 0x82], 8, 0xE2),  // after an all-ASCII word
            (Array("abcdefgä".utf8) + [0xFF], 9, 0xFF),  // word with a valid 2-byte sequence at its edge
            (Array("ääääääää".utf8) + [0x9F], 16, 0x9F),
        ] as [([UInt8], Int, UInt8)]
    )
    func invalidUTF8(_ bytes: [UInt8], offset: Int, byte: UInt8) {
        #expect(throws: TextDecodingError(encoding: .utf8, byte: byte, offset: offset)) {
            try TextEncoding.utf8.decode(bytes)
        }
    }

    /// The standard library's repairing decoder is an independent oracle: bytes are valid UTF-8
    /// exactly when decoding and re-encoding them changes nothing.
    @Test("UTF-8 validation agrees with the standard library on 20,000 generated sequences")
    func utf8AgainstStandardLibrary() {
        let alphabet: [UInt8] = [
            0x41, 0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xC3, 0xDF, 0xE0, 0xE2, 0xED, 0xEF, 0xF0,
            0xF4, 0xF5, 0xFF,
        ]
        var generator = SeededGenerator(seed: 4180)
        var invalidSeen = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...14, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator) ?? 0 }
            let offset = bytes.withUnsafeBytes { TextEncoding.utf8.firstInvalidByteOffset(in: $0) }
            let isValid = Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes
            #expect((offset == nil) == isValid, "bytes \(bytes)")
            if let offset {
                invalidSeen += 1
                let prefix = Array(bytes[..<offset])
                #expect(
                    Array(String(decoding: prefix, as: UTF8.self).utf8) == prefix, "prefix before \(offset) of \(bytes)"
                )
            }
        }
        #expect(invalidSeen > 1_000)
    }

    @Test("ISO-8859-1 maps every byte to the code point of the same value")
    func latin1() throws {
        let all = (0...255).map { UInt8($0) }
        let decoded = try TextEncoding.iso8859_1.decode(all)
        #expect(decoded.unicodeScalars.map(\.value) == (0...255).map { UInt32($0) })
        #expect(try TextEncoding.iso8859_1.decode([0x4D, 0xE4, 0x6B, 0x69, 0x6E, 0x65, 0x6E]) == "Mäkinen")
    }

    /// Expected text produced by Python's `cp1252` codec, not by this module's table.
    @Test("Windows-1252 0x80–0x9F match the code page, and the rest is Latin-1")
    func windows1252Table() throws {
        let defined = (0x80...0x9F).map { UInt8($0) }.filter { ![0x81, 0x8D, 0x8F, 0x90, 0x9D].contains($0) }
        let expected =
            "\u{20AC}\u{201A}\u{0192}\u{201E}\u{2026}\u{2020}\u{2021}\u{02C6}\u{2030}\u{0160}\u{2039}\u{0152}"
            + "\u{017D}\u{2018}\u{2019}\u{201C}\u{201D}\u{2022}\u{2013}\u{2014}\u{02DC}\u{2122}\u{0161}\u{203A}"
            + "\u{0153}\u{017E}\u{0178}"
        #expect(try TextEncoding.windows1252.decode(defined) == expected)
        let outside = (0...0x7F).map { UInt8($0) } + (0xA0...0xFF).map { UInt8($0) }
        #expect(try TextEncoding.windows1252.decode(outside) == TextEncoding.iso8859_1.decode(outside))
    }

    @Test(
        "Windows-1252 specials",
        arguments: [(0x80, "€"), (0x8A, "Š"), (0x92, "’"), (0x9A, "š"), (0x9F, "Ÿ")] as [(UInt8, String)])
    func windows1252Specials(_ byte: UInt8, _ expected: String) throws {
        #expect(try TextEncoding.windows1252.decode([0x41, byte, 0x42]) == "A\(expected)B")
    }

    @Test(
        "the five bytes Windows-1252 leaves undefined are errors", arguments: [0x81, 0x8D, 0x8F, 0x90, 0x9D] as [UInt8])
    func windows1252Undefined(_ byte: UInt8) {
        #expect(throws: TextDecodingError(encoding: .windows1252, byte: byte, offset: 9)) {
            try TextEncoding.windows1252.decode(Array("123456789".utf8) + [byte])
        }
        #expect(throws: Never.self) { try TextEncoding.iso8859_1.decode([byte]) }
    }

    @Test("decoding works on collections without contiguous storage")
    func nonContiguous() throws {
        #expect(try TextEncoding.iso8859_1.decode(repeatElement(0xE4, count: 3)) == "äää")
        #expect(throws: TextDecodingError(encoding: .utf8, byte: 0xE4, offset: 0)) {
            try TextEncoding.utf8.decode(repeatElement(0xE4, count: 3))
        }
    }

    @Test("doubled quotes collapse during decoding in every encoding", arguments: TextEncoding.allCases)
    func collapsingQuotes(_ encoding: TextEncoding) {
        let bytes: [UInt8] = [0x61, 0x22, 0x22, 0x62, 0x22, 0x22, 0x22, 0x22]  // a""b""""
        let decoded = bytes.withUnsafeBytes { encoding.decodeValidated($0, collapsingDoubled: 0x22) }
        #expect(decoded == "a\"b\"\"")
    }

    @Test("the error message names the encoding, the byte and the offset")
    func errorDescription() {
        #expect(
            "\(TextDecodingError(encoding: .windows1252, byte: 0x81, offset: 12))"
                == "invalid Windows-1252 byte 0x81 at byte offset 12")
    }
}
