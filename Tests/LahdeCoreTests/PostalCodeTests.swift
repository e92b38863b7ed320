import Foundation
import LahdeCore
import Testing

@Suite("PostalCode")
struct PostalCodeTests {
    @Test("five digits, leading zeros kept", arguments: ["00100", "00011", "33100", "99999", "00000"])
    func valid(_ code: String) throws {
        #expect(try PostalCode.parse(code).value == code)
    }

    @Test("surrounding whitespace is trimmed")
    func trimmed() throws {
        #expect(try PostalCode.parse(" 00100\t").value == "00100")
    }

    @Test(
        "isPOBox is the ends-in-1 heuristic",
        arguments: [
            ("00101", true), ("33101", true), ("00011", true), ("00100", false), ("33100", false), ("90014", false),
        ]
    )
    func poBox(_ code: String, expected: Bool) throws {
        #expect(try PostalCode.parse(code).isPOBox == expected)
    }

    @Test("wrong lengths", arguments: [("0010", 4), ("001000", 6), ("1", 1), ("FI-00100", 8)])
    func wrongLength(_ code: String, actual: Int) {
        #expect(throws: IdentifierError(.postalCode, .wrongLength(expected: 5, actual: actual))) {
            try PostalCode.parse(code)
        }
    }

    @Test("non-digits", arguments: [("0010A", 5), ("O0100", 1), ("00 00", 3), ("001-0", 4)])
    func nonDigit(_ code: String, position: Int) {
        #expect(throws: IdentifierError(.postalCode, .invalidCharacter(position: position, expected: .digit))) {
            try PostalCode.parse(code)
        }
    }

    @Test("empty")
    func empty() {
        #expect(throws: IdentifierError(.postalCode, .empty)) { try PostalCode.parse(" ") }
    }

    @Test("Codable keeps it a string")
    func codable() throws {
        let data = try JSONEncoder().encode(try PostalCode.parse("00100"))
        #expect(String(decoding: data, as: UTF8.self) == #""00100""#)
        #expect(try JSONDecoder().decode(PostalCode.self, from: data).value == "00100")
    }
}
