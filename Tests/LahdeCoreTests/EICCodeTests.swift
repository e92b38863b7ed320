import Foundation
import LahdeCore
import Testing

/// Expected values were checked against python-stdnum's `stdnum/eu/eic.py`.
@Suite("EICCode")
struct EICCodeTests {
    @Test(
        "real public EIC codes are valid",
        arguments: [
            "10X1001A1001A264",  // Fingrid (party)
            "10YFI-1--------U",  // Finland bidding zone
            "44Y-00000000160K",  // a Finnish metering grid area
            "44Y-00000000TST6",  // the MGA used in our DataHub fixtures
            "10Y1001A1001B05V", "10YAT-APG------L", "22XWATTPLUS----G", "21X0000000011845", "59Z000000004048O",
        ]
    )
    func valid(_ code: String) throws {
        let eic = try EICCode.parse(code)
        #expect(eic.value == code)
        #expect(eic.description == code)
    }

    @Test("issuing office and object type")
    func components() throws {
        let fingrid = try EICCode.parse("10X1001A1001A264")
        #expect(fingrid.issuingOffice == "10")
        #expect(fingrid.objectType == "X")
        let area = try EICCode.parse("44Y-00000000160K")
        #expect(area.issuingOffice == "44")
        #expect(area.objectType == "Y")
    }

    @Test("lowercase and surrounding whitespace are normalised")
    func normalisation() throws {
        #expect(try EICCode.parse(" 10yfi-1--------u ").value == "10YFI-1--------U")
        #expect(try EICCode.parse("44y-00000000160k") == EICCode.parse("44Y-00000000160K"))
    }

    @Test(
        "check character: weights 16…2, alphabet[36 − ((sum − 1) mod 37)]",
        arguments: [
            ("10X1001A1001A26", "4"), ("10YFI-1--------", "U"), ("44Y-00000000160", "K"), ("10X1001A1001A24", "8"),
            ("01X1001A1001A26", "5"), ("10X1001A1001047", "-"),
        ] as [(String, Character)]
    )
    func checkCharacter(_ body: String, expected: Character) {
        #expect(EICCode.checkCharacter(forBody: body) == expected)
    }

    @Test(
        "checkCharacter(forBody:) refuses malformed bodies",
        arguments: ["", "10X1001A1001A2", "10X1001A1001A264", "10X1001A1001A2$"])
    func checkCharacterMalformed(_ body: String) {
        #expect(EICCode.checkCharacter(forBody: body) == nil)
    }

    @Test(
        "wrong check characters and transpositions are rejected",
        arguments: [
            "22XWATTPLUS----X", "10X1001A1001A265", "10X1001A1001A246", "01X1001A1001A264", "44Y-00000000160L",
            "10YFI-1--------V",
        ]
    )
    func checksumMismatch(_ code: String) {
        #expect(throws: IdentifierError(.eic, .checksumMismatch)) { try EICCode.parse(code) }
    }

    @Test(
        "the check character is never '-', even where the computation yields '-'",
        arguments: ["10X1001A1001047-", "23X--130302DLGW-"]
    )
    func hyphenCheckCharacter(_ code: String) {
        #expect(throws: IdentifierError(.eic, .invalidCharacter(position: 16, expected: .eicCheckCharacter))) {
            try EICCode.parse(code)
        }
    }

    @Test(
        "characters outside the EIC alphabet are rejected at their position",
        arguments: [
            ("10X1001_1001A264", 8, IdentifierError.CharacterClass.eicCharacter),
            ("1 X1001A1001A264", 2, .eicCharacter),
            ("10XÄ001A1001A264", 4, .eicCharacter),
            ("10X1001A1001A26$", 16, .eicCheckCharacter),
        ]
    )
    func invalidCharacter(_ code: String, position: Int, expected: IdentifierError.CharacterClass) {
        #expect(throws: IdentifierError(.eic, .invalidCharacter(position: position, expected: expected))) {
            try EICCode.parse(code)
        }
    }

    @Test("length is exactly 16", arguments: [("10X1001A1001A26", 15), ("10X1001A1001A2644", 17), ("44Y", 3)])
    func wrongLength(_ code: String, actual: Int) {
        #expect(throws: IdentifierError(.eic, .wrongLength(expected: 16, actual: actual))) { try EICCode.parse(code) }
    }

    @Test("Codable round-trip")
    func codable() throws {
        let eic = try EICCode.parse("44Y-00000000160K")
        let data = try JSONEncoder().encode(eic)
        #expect(String(decoding: data, as: UTF8.self) == #""44Y-00000000160K""#)
        #expect(try JSONDecoder().decode(EICCode.self, from: data) == eic)
    }
}
