import Foundation
import LahdeCore
import Testing

@Suite("Henkilotunnus")
struct HenkilotunnusTests {
    /// §7 of the VTJ reference: DVV's fictional codes for every separator introduced in 2023, plus
    /// Kanta, helsinkitimes, suomi.fi and evaka fixtures for `A`, `-` and `+`-less older forms.
    static let publicValidExamples = [
        "010594Y9032", "010594Y9021",
        "020594X903P", "020594X902N",
        "030594W903B", "030694W9024",
        "040594V9030", "040594V902Y",
        "050594U903M", "050594U902L",
        "010516B903X", "010516B902W", "020504B904H",
        "020516C903K", "020516C902J",
        "030516D9037", "030516D9026",
        "010501E9032", "020502E902X",
        "020503F9037",
        "020504A902E",
        "010181-900C", "100190-999P", "100190Y999P",
        "010280-952L", "110106A998M", "290574-9981", "050391-999B",
        "010181-999K", "010281-999C",
        "131052-308T",
    ]

    @Test("public valid examples parse unchanged", arguments: publicValidExamples)
    func publicValidExample(_ code: String) throws {
        let hetu = try Henkilotunnus.parse(code)
        #expect(hetu.value == code)
    }

    @Test(
        "every century sign maps to its century",
        arguments: [
            ("150585+123L", "+", 1885),
            ("010594-9032", "-", 1994), ("010594Y9032", "Y", 1994), ("020594X903P", "X", 1994),
            ("030594W903B", "W", 1994), ("040594V9030", "V", 1994), ("050594U903M", "U", 1994),
            ("020504A902E", "A", 2004), ("010516B903X", "B", 2016), ("020516C903K", "C", 2016),
            ("030516D9037", "D", 2016), ("010501E9032", "E", 2001), ("020503F9037", "F", 2003),
        ] as [(String, Character, Int)]
    )
    func centurySign(_ code: String, sign: Character, year: Int) throws {
        let hetu = try Henkilotunnus.parse(code)
        #expect(hetu.centurySign == sign)
        #expect(hetu.birthDate.year == year)
    }

    @Test("birth date, individual number and temporary flag are exposed")
    func components() throws {
        let hetu = try Henkilotunnus.parse("131052-308T")
        #expect(hetu.birthDate == CalendarDate(year: 1952, month: 10, day: 13))
        #expect(hetu.birthDate.isoString == "1952-10-13")
        #expect(hetu.individualNumber == 308)
        #expect(!hetu.isTemporary)

        let temporary = try Henkilotunnus.parse("311299-999E")
        #expect(temporary.birthDate.isoString == "1999-12-31")
        #expect(temporary.individualNumber == 999)
        #expect(temporary.isTemporary)
    }

    @Test("900 is the first temporary individual number, 899 the last ordinary one")
    func temporaryBoundary() throws {
        #expect(try Henkilotunnus.parse("010181-900C").isTemporary)
        // 010181-899 → 10181899 mod 31 = 11 → "B"
        #expect(try !Henkilotunnus.parse("010181-899B").isTemporary)
    }

    @Test("the separator is identity: same digits, different separator, different person")
    func separatorIsIdentity() throws {
        let dash = try Henkilotunnus.parse("010594-9032")
        let y = try Henkilotunnus.parse("010594Y9032")
        #expect(dash != y)
        #expect(dash.value == "010594-9032")
        #expect(y.value == "010594Y9032")
        #expect(Set([dash, y]).count == 2)
        #expect(dash.birthDate == y.birthDate)
    }

    @Test("surrounding whitespace is trimmed and lowercase letters are uppercased")
    func normalisation() throws {
        #expect(try Henkilotunnus.parse("  010594Y9032\n").value == "010594Y9032")
        #expect(try Henkilotunnus.parse("020504a902e").value == "020504A902E")
        #expect(try Henkilotunnus.parse("\t020594x903p ").value == "020594X903P")
        #expect(try Henkilotunnus.parse("020504a902e") == Henkilotunnus.parse("020504A902E"))
    }

    // MARK: - Rejections

    @Test(
        "wrong check characters are rejected",
        arguments: [
            "010190-999K",  // telp.fi illustration; correct check character would be W
            "010190Y999K",
            "131052-308U",  // python-stdnum's negative example
            "010594Y9033",
            "010594Y9022",
            "010118-9999",  // evaka mock fixture known to be broken
        ]
    )
    func checksumMismatch(_ code: String) {
        #expect(throws: IdentifierError(.henkilotunnus, .checksumMismatch)) { try Henkilotunnus.parse(code) }
    }

    /// Each has the check character that would be correct if the date existed, so only the date
    /// rule can reject it.
    @Test(
        "impossible dates are rejected",
        arguments: [
            "310294-002X",  // 31 February
            "290223-002A",  // 29 February 1923
            "290223A002A",  // 29 February 2023
            "290200-002C",  // 1900 is not a leap year
            "290200+002C",  // nor is 1800
            "290201A002M",  // 2001 is not a leap year
            "310494-002J",  // 31 April
            "000190-0023",  // day 00
            "321290-002L",  // day 32
            "010090-002X",  // month 00
            "011390-002D",  // month 13
        ]
    )
    func impossibleDate(_ code: String) {
        #expect(throws: IdentifierError(.henkilotunnus, .impossibleDate)) { try Henkilotunnus.parse(code) }
    }

    @Test(
        "leap days exist in leap years, judged by the full year",
        arguments: [
            ("290224-002K", 1924), ("290224A002K", 2024), ("290200A002C", 2000), ("290296-0025", 1996),
            ("300494-002W", 1994),
        ]
    )
    func leapDays(_ code: String, year: Int) throws {
        let hetu = try Henkilotunnus.parse(code)
        #expect(hetu.birthDate.year == year)
    }

    @Test("individual numbers 000 and 001 are never issued; 002 is", arguments: ["010101-000P", "010101-001R"])
    func neverIssued(_ code: String) throws {
        #expect(throws: IdentifierError(.henkilotunnus, .neverIssued(.hetuIndividualNumberBelow002))) {
            try Henkilotunnus.parse(code)
        }
    }

    @Test("individual number 002 is the first valid one")
    func firstIssued() throws {
        #expect(try Henkilotunnus.parse("010101-002S").individualNumber == 2)
    }

    @Test(
        "invalid century signs are rejected",
        arguments: ["010594G9032", "010594Z9032", "010594 9032", "010594/9032", "010594_9032", "0105940903X"]
    )
    func invalidCenturySign(_ code: String) {
        #expect(throws: IdentifierError(.henkilotunnus, .invalidCenturySign)) { try Henkilotunnus.parse(code) }
    }

    @Test(
        "wrong lengths are rejected",
        arguments: [("010594Y903", 10), ("010594Y90322", 12), ("010594-903", 10), ("X", 1), ("010594 Y9032", 12)]
    )
    func wrongLength(_ code: String, actual: Int) {
        #expect(throws: IdentifierError(.henkilotunnus, .wrongLength(expected: 11, actual: actual))) {
            try Henkilotunnus.parse(code)
        }
    }

    @Test("empty and whitespace-only input is reported as empty", arguments: ["", "   ", "\n\t"])
    func empty(_ code: String) {
        #expect(throws: IdentifierError(.henkilotunnus, .empty)) { try Henkilotunnus.parse(code) }
    }

    @Test(
        "non-digits in the digit positions are rejected at their position",
        arguments: [
            ("O10594Y9032", 1), ("01O594Y9032", 3), ("0105g4Y9032", 5), ("010594YA032", 8), ("010594Y90 2", 10),
            ("010594Y9٠32", 9),  // Arabic-Indic zero is not an ASCII digit
        ]
    )
    func nonDigit(_ code: String, position: Int) {
        #expect(throws: IdentifierError(.henkilotunnus, .invalidCharacter(position: position, expected: .digit))) {
            try Henkilotunnus.parse(code)
        }
    }

    @Test(
        "check characters outside the mod-31 alphabet are rejected",
        arguments: [
            "010594Y903G", "010594Y903I", "010594Y903O", "010594Y903Q", "010594Y903Z", "010594Y903-", "010594Y903Ä",
        ]
    )
    func invalidCheckCharacter(_ code: String) {
        #expect(
            throws: IdentifierError(.henkilotunnus, .invalidCharacter(position: 11, expected: .hetuCheckCharacter))
        ) { try Henkilotunnus.parse(code) }
    }

    @Test(
        "checkCharacter(forDigits:) matches independently computed values",
        arguments: [("131052308", "T"), ("010594903", "2"), ("010190999", "W"), ("100190999", "P"), ("311299999", "E")]
            as [(String, Character)]
    )
    func checkCharacter(_ digits: String, expected: Character) {
        #expect(Henkilotunnus.checkCharacter(forDigits: digits) == expected)
    }

    @Test("checkCharacter(forDigits:) refuses malformed input", arguments: ["", "13105230", "1310523080", "131052-30"])
    func checkCharacterMalformed(_ digits: String) {
        #expect(Henkilotunnus.checkCharacter(forDigits: digits) == nil)
    }

    // MARK: - Privacy

    @Test("description and debugDescription are masked", arguments: publicValidExamples)
    func masked(_ code: String) throws {
        let hetu = try Henkilotunnus.parse(code)
        let expected = String(code.prefix(7)) + "****"
        #expect(hetu.description == expected)
        #expect(hetu.masked == expected)
        #expect(!hetu.description.contains(code))
        #expect(!hetu.debugDescription.contains(code))
        #expect(hetu.debugDescription.contains(expected))
    }

    @Test("no ordinary way of printing reveals the full code")
    func indirectPrinting() throws {
        struct Customer {
            var name: String
            var hetu: Henkilotunnus
        }
        let code = "010594Y9032"
        let hetu = try Henkilotunnus.parse(code)
        var dumped = ""
        dump(Customer(name: "Testi", hetu: hetu), to: &dumped)
        let renderings = [
            "\(hetu)",
            String(describing: hetu),
            String(reflecting: hetu),
            "\([hetu])",
            String(describing: Optional(hetu)),
            String(describing: Customer(name: "Testi", hetu: hetu)),
            String(reflecting: Customer(name: "Testi", hetu: hetu)),
            dumped,
        ]
        for rendering in renderings {
            #expect(!rendering.contains(code), "leaked in: \(rendering.replacingOccurrences(of: code, with: "<hetu>"))")
            #expect(!rendering.contains("9032"))
            #expect(rendering.contains("010594Y****"))
        }
    }

    @Test(
        "error descriptions never contain the input",
        arguments: [
            "010190-999K", "310294-002X", "010101-000P", "010594G9032", "010594Y90322", "01O594Y9032",
            "010594Y903G", "  010594y9033  ",
        ]
    )
    func errorsDoNotEcho(_ code: String) {
        #expect {
            try Henkilotunnus.parse(code)
        } throws: { error in
            let trimmed = code.trimmingCharacters(in: .whitespaces).uppercased()
            let text = String(describing: error)
            return text.hasPrefix("invalid henkilötunnus: ") && !text.contains(trimmed) && !text.contains(code)
                && !text.contains(String(trimmed.suffix(4))) && !text.contains(String(trimmed.prefix(6)))
        }
    }

    // MARK: - Storage

    @Test("Codable stores the full value as a single string and round-trips")
    func codable() throws {
        let hetu = try Henkilotunnus.parse("010594Y9032")
        let data = try JSONEncoder().encode([hetu])
        #expect(String(decoding: data, as: UTF8.self) == #"["010594Y9032"]"#)
        #expect(try JSONDecoder().decode([Henkilotunnus].self, from: data) == [hetu])
    }

    @Test("decoding an invalid stored value fails without quoting it")
    func decodingInvalid() throws {
        let data = Data(#"["010190-999K"]"#.utf8)
        #expect {
            try JSONDecoder().decode([Henkilotunnus].self, from: data)
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.debugDescription.contains("check character") && !"\(error)".contains("010190-999K")
                && !"\(error)".contains("999K")
        }
    }
}
