import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import LahdePostgres
import LahdeStore
import Testing

/// Hostile values (issue 8) through the shipped CSV definitions into a real register: each is stored
/// exactly as sent or its row is quarantined with a reason — never executed, never silently cut short,
/// never normalised into something else. `CSVBadInputTests.hostileValues` covers SQL, COPY escapes and
/// control characters in the common columns; this suite covers the rest.
@Suite("CSV connector: hostile values")
struct CSVHostileValueTests {
    typealias Register = CSVBadInputTests.Register

    static func row(_ customer: Int, last: [UInt8] = Array("Testinen".utf8), street: [UInt8] = Array("Katu 1".utf8), postal: String = "00100") -> [UInt8] {
        let hetu = CSVBadInputTests.hetu(customer % 28 + 1, 900 + customer % 100)
        return Array("\(customer);H;\(hetu);;Testi;".utf8) + last + Array(";;FI;".utf8) + street
            + Array(";\(postal);Helsinki;;;;040 123 4567;c\(customer)@example.fi;K;;;01.12.2025\n".utf8)
    }

    static func load(_ rows: [[UInt8]]) throws -> (Register, BatchReport) {
        let register = try Register()
        let report = try register.load(Array(CSVBadInputTests.header.utf8) + rows.flatMap { $0 })
        #expect(report.counts.read == rows.count)
        #expect(report.counts.addsUp)
        return (register, report)
    }

    func reasons(_ register: Register) throws -> [String] {
        try register.quarantine().map(\.reason)
    }

    func exists(_ register: Register, _ customer: Int) throws -> Bool {
        try register.count("SELECT count(*) AS n FROM register.party_identifier WHERE scheme = 'customer_number' AND value = '\(customer)'") == 1
    }

    @Test("SQL, format strings, dollar quotes and backslash escapes in any text column are stored byte for byte")
    func injectionLookalikesStored() throws {
        let values = [
            "x'); DELETE FROM lahde.batch; --", "$$; SELECT pg_sleep(10); $$", "%s%n%x%p", #"\x00\000E'\\'"#,
            "' OR '1'='1", "${jndi:ldap://127.0.0.1/a}", "<script>alert(1)</script>", "=cmd|' /C calc'!A0",
        ]
        let rows = values.enumerated().map { index, value in
            Self.row(400_100 + index, last: Array(("\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"").utf8))
        }
        let (register, report) = try Self.load(rows)
        #expect(report.counts.applied == values.count, "\((try? reasons(register)) ?? [])")
        for (index, value) in values.enumerated() {
            #expect(try register.value(String(400_100 + index), "last_name") == value)
        }
        #expect(try register.count("SELECT count(*) AS n FROM lahde.batch") == 1)
    }

    @Test("a NUL byte quarantines its row naming the field; the rows around it load")
    func nulByte() throws {
        let (register, report) = try Self.load([
            Self.row(400_201), Self.row(400_202, last: Array("Nul".utf8) + [0] + Array("Byte".utf8)), Self.row(400_203),
        ])
        #expect(report.counts.applied == 2)
        #expect(report.counts.quarantined == 1)
        let quarantined = try register.quarantine()
        #expect(quarantined.first?.reason.contains("NUL byte in field 6") == true, "\(quarantined.map(\.reason))")
        #expect(quarantined.first?.raw == Self.row(400_202, last: Array("Nul".utf8) + [0] + Array("Byte".utf8)))
        #expect(try exists(register, 400_202) == false)
        #expect(try exists(register, 400_203))
    }

    @Test("control characters other than the common ones: TAB, DEL, C1 (NEL), escape — each quarantines its row")
    func controlCharacters() throws {
        let values: [[UInt8]] = [Array("Tab\tbed".utf8), Array("Del\u{7F}ete".utf8), Array("Next\u{85}Line".utf8), Array("Bell\u{07}".utf8)]
        let (register, report) = try Self.load(values.enumerated().map { Self.row(400_301 + $0.offset, last: $0.element) })
        #expect(report.counts.quarantined == values.count)
        #expect(try reasons(register).allSatisfy { $0.contains("field 'last_name': the value contains a control character") }, "\((try? reasons(register)) ?? [])")
    }

    @Test("the longest value a field takes (500 characters, multi-byte) is stored whole; one more is quarantined, not cut")
    func overLongValue() throws {
        let longest = String(repeating: "ä", count: FieldValueType.maximumLength)
        let tooLong = longest + "x"
        let (register, report) = try Self.load([Self.row(400_401, street: Array(longest.utf8)), Self.row(400_402, street: Array(tooLong.utf8))])
        #expect(report.counts.applied == 1)
        #expect(report.counts.quarantined == 1)
        #expect(try register.value("400401", "address.permanent.street") == longest)
        let why = try reasons(register)
        #expect(why == ["field 'address.permanent.street': the value is longer than 500 characters"], "\(why)")
        #expect(try exists(register, 400_402) == false)
        let stored = try register.count("SELECT count(*) AS n FROM register.address WHERE length(street) BETWEEN 1 AND 499 OR street LIKE 'ää%x'")
        #expect(stored == 0)
    }

    @Test("a record longer than the reader's limit (1 MiB) is quarantined as too long; the next row loads")
    func overLongRecord() throws {
        let huge = Array(repeating: UInt8(ascii: "x"), count: (1 << 20) + 10)
        let (register, report) = try Self.load([Self.row(400_501), Self.row(400_502, street: huge), Self.row(400_503)])
        #expect(report.counts.applied == 2)
        #expect(report.counts.quarantined == 1)
        let quarantined = try register.quarantine()
        #expect(quarantined.first?.reason.contains("longer than") == true, "\(quarantined.map(\.reason))")
        #expect(quarantined.first?.locator == "line 3")
        #expect(try exists(register, 400_502) == false)
        #expect(try exists(register, 400_503))
    }

    @Test("invalid UTF-8 (overlong form, encoded surrogate, cut sequence, Latin-1 byte) is quarantined with the byte")
    func invalidUTF8() throws {
        let values: [[UInt8]] = [
            Array("Over".utf8) + [0xC0, 0xAF], Array("Surr".utf8) + [0xED, 0xA0, 0x80], Array("Cut".utf8) + [0xC3],
            Array("M".utf8) + [0xE4] + Array("kel".utf8) + [0xE4],
        ]
        let (register, report) = try Self.load(values.enumerated().map { Self.row(400_601 + $0.offset, last: $0.element) })
        #expect(report.counts.quarantined == values.count)
        #expect(try reasons(register).allSatisfy { $0.contains("invalid UTF-8") }, "\((try? reasons(register)) ?? [])")
        #expect(try register.count("SELECT count(*) AS n FROM register.party") == 0)
    }

    @Test("Unicode that is not a control character — RTL override, zero-width joiner, emoji, decomposed accents — is stored unchanged, not normalised")
    func unicodeStoredExactly() throws {
        let values = ["Evil\u{202E}gpj.exe", "Zero\u{200D}Width\u{FEFF}", "Emoji 👩‍👩‍👧 ok", "Me\u{0301}ka\u{0308}la\u{0308}", "Line\u{2028}Sep"]
        let (register, report) = try Self.load(values.enumerated().map { Self.row(400_701 + $0.offset, last: Array($0.element.utf8)) })
        #expect(report.counts.applied == values.count, "\((try? reasons(register)) ?? [])")
        for (index, value) in values.enumerated() {
            let stored = try register.db.query(
                "SELECT encode(convert_to(p.last_name, 'UTF8'), 'hex') AS hex FROM register.party p JOIN register.party_identifier i USING (party_id) WHERE i.value = $1",
                String(400_701 + index)).first?["hex"]
            #expect(stored == Array(value.utf8).map { String(format: "%02x", $0) }.joined(), "\(value.debugDescription)")
        }
    }

    @Test("a typed field with an injection-looking value is quarantined by its type, naming the field")
    func typedFieldsRefuse() throws {
        let (register, report) = try Self.load([Self.row(400_801, postal: "00100--"), Self.row(400_802, postal: "0010O")])
        #expect(report.counts.quarantined == 2)
        #expect(try reasons(register).allSatisfy { $0.contains("field 'address.permanent.postal_code'") }, "\((try? reasons(register)) ?? [])")
    }

    @Test("mixed encodings in an ISO-8859-1 feed: a Windows-1252 byte (€ as 0x80) is a C1 control and is quarantined; UTF-8 bytes are taken as Latin-1 letters")
    func latin1Feed() throws {
        let register = try Register()
        let customers = [Self.row(400_901), Self.row(400_902), Self.row(400_903)]
        try register.load(Array(CSVBadInputTests.header.utf8) + customers.flatMap { $0 })
        let header = "Asiakasnumero;Henkilötunnus;Sukunimi;Etunimet;Tilakoodi;Muutospäivä;Lähiosoite;Postinumero;Postitoimipaikka;Ulkomaan lähiosoite;Ulkomaan postinumero;Ulkomaan postitoimipaikka;Maakoodi\n"
        func update(_ customer: Int, street: [UInt8]) -> [UInt8] {
            let hetu = CSVBadInputTests.hetu(customer % 28 + 1, 900 + customer % 100)
            return CSVTest.latin1("\(customer);\(hetu);Testinen;Testi;01;15.01.2026;") + street + CSVTest.latin1(";00100;Helsinki;;;;\n")
        }
        let bytes = CSVTest.latin1(header)
            + update(400_901, street: CSVTest.latin1("Väinönkatu 1"))
            + update(400_902, street: CSVTest.latin1("Euro ") + [0x80] + CSVTest.latin1(" tie"))
            + update(400_903, street: Array("Mäki 3".utf8))
        let report = try CSVTest.load(try CSVTest.file(bytes), try CSVTest.shipped("asiakastieto-address", catalogue: register.catalogue), catalogue: register.catalogue, into: register.db)
        #expect(report.counts.read == 3)
        #expect(report.counts.quarantined == 1)
        #expect(try register.quarantine().map(\.reason) == ["field 'address.permanent.street': the value contains a control character"])
        #expect(try register.value("400901", "address.permanent.street") == "Väinönkatu 1")
        // A known limit: every byte is a Latin-1 character, so UTF-8 in a Latin-1 feed cannot be told from
        // text and is stored as what it decodes to (here "MÃ¤ki 3"). See docs/BAD-INPUT.md.
        #expect(try register.value("400903", "address.permanent.street") == "M\u{C3}\u{A4}ki 3")
    }
}
