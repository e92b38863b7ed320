import Foundation
import LahdeCore
import Testing

@Suite("GS1: GLN and GSRN")
struct GS1Tests {
    @Test(
        "check digit: weights 3,1,3,… from the right of the body",
        arguments: [
            ("400638133393", 1),  // EAN-13 4006381333931
            ("64582373484845821", 6),  // DataHub wiki's accounting point example
            ("643000000001", 6),
            ("643000000003", 0),  // sum mod 10 == 0 → 0, not 10
            ("0", 0),
            ("1", 7),
        ]
    )
    func checkDigit(_ body: String, expected: Int) {
        #expect(GS1CheckDigit.compute(forBody: body) == expected)
    }

    @Test("check digit refuses non-digit or empty bodies", arguments: ["", "64300000000A", "6430 0000001", "６４３"])
    func checkDigitMalformed(_ body: String) {
        #expect(GS1CheckDigit.compute(forBody: body) == nil)
    }

    // MARK: GSRN

    @Test(
        "valid GSRNs (accounting point IDs)",
        arguments: ["645823734848458216", "643000030000123453", "643000030000678908"]
    )
    func validGSRN(_ code: String) throws {
        #expect(try GSRN.parse(code).value == code)
        #expect(try GSRN.parse(" \(code)\n").description == code)
    }

    @Test(
        "GSRN with a wrong check digit or transposed digits is rejected",
        arguments: ["645823734848458217", "645823734848458210", "645283734848458216", "643000030000123454"]
    )
    func invalidGSRN(_ code: String) {
        #expect(throws: IdentifierError(.gsrn, .checksumMismatch)) { try GSRN.parse(code) }
    }

    @Test(
        "GSRN length is exactly 18",
        arguments: [("64582373484845821", 17), ("6458237348484582160", 19), ("6430000000016", 13)])
    func gsrnLength(_ code: String, actual: Int) {
        #expect(throws: IdentifierError(.gsrn, .wrongLength(expected: 18, actual: actual))) { try GSRN.parse(code) }
    }

    @Test(
        "GSRN characters must be digits",
        arguments: [("64582373484845821X", 18), ("645823 34848458216", 7), ("-45823734848458216", 1)])
    func gsrnNonDigit(_ code: String, position: Int) {
        #expect(throws: IdentifierError(.gsrn, .invalidCharacter(position: position, expected: .digit))) {
            try GSRN.parse(code)
        }
    }

    @Test("of the ten possible last digits exactly one is accepted, the computed check digit (GSRN and GLN)")
    func exactlyOneCheckDigit() {
        var body = "64300003000012345"
        for round in 0..<200 {
            // A different body each round: digits stepped through by a small generator.
            body = String(body.unicodeScalars.enumerated().map { index, scalar in
                Character(Unicode.Scalar(UInt8(48 + (Int(scalar.value - 48) * 7 + index + round) % 10)))
            })
            let expected = GS1CheckDigit.compute(forBody: body)!
            let accepted = (0...9).filter { (try? GSRN.parse(body + String($0))) != nil }
            #expect(accepted == [expected], "\(body)")
            let glnBody = String(body.prefix(12))
            let glnAccepted = (0...9).filter { (try? GLN.parse(glnBody + String($0))) != nil }
            #expect(glnAccepted == [GS1CheckDigit.compute(forBody: glnBody)!], "\(glnBody)")
        }
    }

    // MARK: GLN

    @Test(
        "valid GLNs", arguments: ["6430000000016", "6430000000023", "6430000000030", "6430000000047", "4006381333931"])
    func validGLN(_ code: String) throws {
        #expect(try GLN.parse(code).value == code)
    }

    @Test(
        "GLN with a wrong check digit is rejected",
        arguments: ["6430000000017", "6430000000020", "4006381333932", "6430000000106", "4630000000016"])
    func invalidGLN(_ code: String) {
        #expect(throws: IdentifierError(.gln, .checksumMismatch)) { try GLN.parse(code) }
    }

    @Test(
        "GLN length is exactly 13",
        arguments: [("643000000001", 12), ("64300000000160", 14), ("645823734848458216", 18)])
    func glnLength(_ code: String, actual: Int) {
        #expect(throws: IdentifierError(.gln, .wrongLength(expected: 13, actual: actual))) { try GLN.parse(code) }
    }

    @Test("GLN characters must be digits")
    func glnNonDigit() {
        #expect(throws: IdentifierError(.gln, .invalidCharacter(position: 4, expected: .digit))) {
            try GLN.parse("643O000000016")
        }
        #expect(throws: IdentifierError(.gln, .empty)) { try GLN.parse("") }
    }

    @Test("Codable stores the digits as a string, keeping leading zeros")
    func codable() throws {
        let gsrn = try GSRN.parse("643000030000123453")
        let data = try JSONEncoder().encode(gsrn)
        #expect(String(decoding: data, as: UTF8.self) == #""643000030000123453""#)
        #expect(try JSONDecoder().decode(GSRN.self, from: data) == gsrn)

        let gln = try GLN.parse("0000000000000")
        #expect(String(decoding: try JSONEncoder().encode(gln), as: UTF8.self) == #""0000000000000""#)
    }
}
