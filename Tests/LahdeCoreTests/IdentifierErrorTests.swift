import LahdeCore
import Testing

@Suite("IdentifierError")
struct IdentifierErrorTests {
    @Test(
        "messages are precise",
        arguments: [
            (
                IdentifierError(.henkilotunnus, .wrongLength(expected: 11, actual: 10)),
                "invalid henkilötunnus: expected 11 characters (DDMMYY, century sign, 3-digit individual number, check character), got 10"
            ),
            (
                IdentifierError(.henkilotunnus, .invalidCenturySign),
                "invalid henkilötunnus: character 7 must be a century sign: '+' (1800s), '-' or U–Y (1900s), A–F (2000s)"
            ),
            (
                IdentifierError(.henkilotunnus, .checksumMismatch),
                "invalid henkilötunnus: the check character does not match"
            ),
            (IdentifierError(.yTunnus, .checksumMismatch), "invalid Y-tunnus: the check digit does not match"),
            (
                IdentifierError(.gsrn, .invalidCharacter(position: 3, expected: .digit)),
                "invalid GSRN: character 3 must be a digit 0–9"
            ),
            (
                IdentifierError(.yTunnus, .invalidCharacter(position: 8, expected: .hyphen)),
                "invalid Y-tunnus: character 8 must be a hyphen '-'"
            ),
            (IdentifierError(.postalCode, .empty), "invalid postal code: the value is empty"),
            (
                IdentifierError(.henkilotunnus, .neverIssued(.hetuIndividualNumberBelow002)),
                "invalid henkilötunnus: individual numbers 000 and 001 are never issued"
            ),
        ]
    )
    func message(_ error: IdentifierError, expected: String) {
        #expect(error.description == expected)
    }

    /// Every identifier type, fed a henkilötunnus-shaped mistake, must not quote it back.
    @Test("no identifier type echoes its input in an error")
    func noEcho() {
        let input = "010594Y9033"
        let errors: [IdentifierError] = [
            catchError(Henkilotunnus.self, input),
            catchError(YTunnus.self, input),
            catchError(GLN.self, input),
            catchError(GSRN.self, input),
            catchError(EICCode.self, input),
            catchError(PostalCode.self, input),
        ].compactMap { $0 }
        #expect(errors.count == 6)
        for error in errors {
            #expect(!error.description.contains(input))
            #expect(!error.description.contains("9033"))
            #expect(!error.description.contains("010594"))
        }
    }

    private func catchError<T: FinnishIdentifier>(_ type: T.Type, _ input: String) -> IdentifierError? {
        do {
            _ = try T.parse(input)
            return nil
        } catch {
            return error
        }
    }
}

@Suite("FinnishIdentifier conformances")
struct FinnishIdentifierTests {
    func parseGeneric<T: FinnishIdentifier>(_ type: T.Type, _ text: String) throws(IdentifierError) -> String {
        try T.parse(text).value
    }

    @Test("every type is usable through the protocol")
    func generic() throws {
        #expect(try parseGeneric(Henkilotunnus.self, "010594y9032") == "010594Y9032")
        #expect(try parseGeneric(YTunnus.self, "245437-2") == "0245437-2")
        #expect(try parseGeneric(GLN.self, "6430000000016") == "6430000000016")
        #expect(try parseGeneric(GSRN.self, "645823734848458216") == "645823734848458216")
        #expect(try parseGeneric(EICCode.self, "10x1001a1001a264") == "10X1001A1001A264")
        #expect(try parseGeneric(PostalCode.self, "00100") == "00100")
        #expect(Henkilotunnus.kind == .henkilotunnus)
        #expect(YTunnus.kind == .yTunnus)
        #expect(GLN.kind == .gln)
        #expect(GSRN.kind == .gsrn)
        #expect(EICCode.kind == .eic)
        #expect(PostalCode.kind == .postalCode)
    }

    @Test("errors carry the kind they were parsed as")
    func errorKind() {
        #expect(throws: IdentifierError(.gln, .wrongLength(expected: 13, actual: 5))) {
            try parseGeneric(GLN.self, "00100")
        }
    }
}
