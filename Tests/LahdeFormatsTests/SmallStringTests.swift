import Testing

@testable import LahdeFormats

@Suite("Small strings made from validated bytes")
struct SmallStringTests {
    static let samples = [
        "", "a", "FI", "00100", "Helsinki", "12345678", "123456789", "+358401234567", "Postinumero 123",
        "ä", "Väinö", "Jyväskylä", "Hämeenkatu 12", "€uro", "𝄞", "Å 1234567890", "asiakas1@example.fi", "Mäkinen-Virtanen",
    ]

    @Test("this platform lays small strings out as the check expects")
    func available() {
        #expect(SmallString.isAvailable)
    }

    @Test("the same string the standard library makes, whether whole words can be read or not", arguments: samples)
    func sameAsStandardLibrary(_ sample: String) throws {
        let bytes = Array(sample.utf8)
        for padding in [0, 1, 7, 16] {
            let padded = bytes + Array(repeating: 0xC3, count: padding)
            let made = padded.withUnsafeBufferPointer {
                SmallString.make($0.baseAddress!, count: bytes.count, readable: padded.count, available: SmallString.isAvailable)
            }
            guard bytes.count <= SmallString.maximumCount else {
                #expect(made == nil)
                continue
            }
            let string = try #require(made)
            #expect(string == sample)
            #expect(Array(string.utf8) == bytes)
            #expect(string.count == sample.count)
            #expect(string.hashValue == sample.hashValue)
            #expect(string + "!" == sample + "!")
            #expect(string.unicodeScalars.elementsEqual(sample.unicodeScalars))
            #expect(unsafeBitCast(string, to: (UInt64, UInt64).self) == unsafeBitCast(String(decoding: bytes, as: UTF8.self), to: (UInt64, UInt64).self))
        }
    }

    @Test("without the layout check passing, nothing is made")
    func unavailable() {
        let made = Array("FI".utf8).withUnsafeBufferPointer { SmallString.make($0.baseAddress!, count: 2, readable: 2, available: false) }
        #expect(made == nil)
    }
}
