import Foundation
import LahdeCore
import Testing

@Suite("YTunnus")
struct YTunnusTests {
    @Test("known-valid business IDs parse unchanged", arguments: ["0245437-2", "0109357-9", "2014838-7", "2077474-0"])
    func valid(_ code: String) throws {
        #expect(try YTunnus.parse(code).value == code)
    }

    @Test(
        "check digit follows weights 7,9,10,5,8,4,2 (remainder 0 → 0, else 11 − r)",
        arguments: [("0245437", 2), ("0109357", 9), ("2014838", 7), ("2077474", 0), ("0000000", 0), ("1000000", 4)]
    )
    func checkDigit(_ body: String, expected: Int) {
        #expect(YTunnus.checkDigit(forBody: body) == expected)
    }

    @Test("checkDigit(forBody:) refuses malformed bodies", arguments: ["", "024543", "02454377", "024543A"])
    func checkDigitMalformed(_ body: String) {
        #expect(YTunnus.checkDigit(forBody: body) == nil)
    }

    /// 2077402: 2·7+0·9+7·10+7·5+4·8+0·4+2·2 = 155 = 14·11 + 1.
    @Test(
        "a body whose weighted sum leaves remainder 1 is never issued, whatever the check digit",
        arguments: ["2077402-0", "2077402-1", "2077402-9", "0000006-5"])
    func remainderOne(_ code: String) {
        #expect(YTunnus.checkDigit(forBody: String(code.prefix(7))) == nil)
        #expect(throws: IdentifierError(.yTunnus, .neverIssued(.yTunnusRemainderOne))) { try YTunnus.parse(code) }
    }

    @Test(
        "wrong check digits are rejected", arguments: ["2077474-1", "0245437-3", "0109357-0", "2014838-8", "0245473-2"])
    func wrongCheckDigit(_ code: String) {
        #expect(throws: IdentifierError(.yTunnus, .checksumMismatch)) { try YTunnus.parse(code) }
    }

    @Test(
        "the VAT form and the legacy form without the leading zero normalise to the canonical form",
        arguments: [
            ("FI02454372", "0245437-2"), ("fi02454372", "0245437-2"), ("FI20774740", "2077474-0"),
            ("245437-2", "0245437-2"), ("109357-9", "0109357-9"), (" 2077474-0 ", "2077474-0"),
        ]
    )
    func alternativeForms(_ input: String, canonical: String) throws {
        #expect(try YTunnus.parse(input).value == canonical)
        #expect(try YTunnus.parse(input) == YTunnus.parse(canonical))
    }

    @Test("the legacy and VAT forms are still checksum-checked", arguments: ["245437-3", "FI02454373"])
    func alternativeFormsChecked(_ input: String) {
        #expect(throws: IdentifierError(.yTunnus, .checksumMismatch)) { try YTunnus.parse(input) }
    }

    @Test("vatNumber is FI plus the eight digits")
    func vatNumber() throws {
        #expect(try YTunnus.parse("0245437-2").vatNumber == "FI02454372")
        #expect(try YTunnus.parse("245437-2").vatNumber == "FI02454372")
    }

    @Test(
        "wrong lengths are rejected",
        arguments: [
            ("0245437", 9, 7), ("0245437-22", 9, 10), ("FI0245437", 10, 9), ("FI0245437-2", 10, 11), ("1", 9, 1),
        ]
    )
    func wrongLength(_ input: String, expected: Int, actual: Int) {
        #expect(throws: IdentifierError(.yTunnus, .wrongLength(expected: expected, actual: actual))) {
            try YTunnus.parse(input)
        }
    }

    @Test("empty input", arguments: ["", "  "])
    func empty(_ input: String) {
        #expect(throws: IdentifierError(.yTunnus, .empty)) { try YTunnus.parse(input) }
    }

    @Test(
        "invalid characters are reported at their position",
        arguments: [
            ("0245437_2", 8, IdentifierError.CharacterClass.hyphen),
            ("02454372", 7, .hyphen),  // 8 digits without hyphen: only accepted behind "FI"
            ("024543A-2", 7, .digit),
            ("0245437-X", 9, .digit),
            ("FI0245437X", 10, .digit),
            ("FIO2454372", 3, .digit),
            ("24543A-2", 6, .digit),
        ]
    )
    func invalidCharacter(_ input: String, position: Int, expected: IdentifierError.CharacterClass) {
        #expect(throws: IdentifierError(.yTunnus, .invalidCharacter(position: position, expected: expected))) {
            try YTunnus.parse(input)
        }
    }

    @Test("description is the canonical value; Codable stores it as a string")
    func descriptionAndCodable() throws {
        let id = try YTunnus.parse("FI02454372")
        #expect(id.description == "0245437-2")
        let data = try JSONEncoder().encode(id)
        #expect(String(decoding: data, as: UTF8.self) == #""0245437-2""#)
        #expect(try JSONDecoder().decode(YTunnus.self, from: data) == id)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(YTunnus.self, from: Data(#""0245437-3""#.utf8)) }
    }
}
