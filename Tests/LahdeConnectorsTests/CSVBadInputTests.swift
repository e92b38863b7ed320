import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import LahdePostgres
import LahdeStore
import Testing

/// Broken and hostile delivery files through the shipped definitions into a real register: a bad row is
/// quarantined with its line, raw bytes and reason while the rest loads; a bad file fails and loads nothing.
@Suite("CSV connector: bad input")
struct CSVBadInputTests {
    static let header =
        "Asiakasnumero;Asiakastyyppi;Henkilötunnus;Y-tunnus;Etunimet;Sukunimi;Yrityksen nimi;Asiointikieli;Katuosoite;Postinumero;Postitoimipaikka;"
        + "Laskutusosoite;Laskutuksen postinumero;Laskutuksen postitoimipaikka;Puhelin;Sähköposti;Suoramarkkinointilupa;Suoramarkkinointikielto;"
        + "Puhelinmarkkinointikielto;Muutettu\n"

    /// A fake henkilötunnus (individual number 900–999) with its real check character.
    static func hetu(_ day: Int, _ number: Int) -> String {
        let digits = (day < 10 ? "0" : "") + "\(day)0390\(number)"
        return String(digits.prefix(6)) + "-" + String(digits.suffix(3)) + String(Henkilotunnus.checkCharacter(forDigits: digits)!)
    }

    static func row(_ customer: Int, hetu: String? = nil, first: String = "Testi", last: String = "Testinen", street: String = "Katu 1") -> String {
        "\(customer);H;\(hetu ?? Self.hetu(customer % 28 + 1, 900 + customer % 100));;\(first);\(last);;FI;\(street);00100;Helsinki;;;;040 123 4567;"
            + "c\(customer)@example.fi;K;;;01.12.2025\n"
    }

    struct Register {
        let db: PostgresConnection
        let catalogue: FieldCatalogue

        init() throws {
            db = try TestCluster.freshDatabase().connect()
            catalogue = try FieldCatalogue.load(from: db)
        }

        @discardableResult
        func load(_ bytes: [UInt8], with connector: String = "customer-system") throws -> BatchReport {
            try CSVTest.load(try CSVTest.file(bytes), try CSVTest.shipped(connector, catalogue: catalogue), catalogue: catalogue, into: db)
        }

        func quarantine() throws -> [(locator: String, reason: String, raw: [UInt8])] {
            try db.query("SELECT locator, reason, encode(raw, 'hex') AS raw FROM lahde.quarantine ORDER BY quarantine_id").rows.map { row in
                let hex = Array((row["raw"] ?? "").utf8)
                let raw = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
                return (row["locator"] ?? "", row["reason"] ?? "", raw)
            }
        }

        func count(_ sql: String) throws -> Int? { try db.query(sql).first?.int("n") }

        func value(_ customer: String, _ field: String) throws -> String? {
            try CSVTest.value(db, catalogue, customer: customer, field)
        }
    }

    @Test("a Latin-1 file declared UTF-8: the rows with ä are quarantined with their line and raw bytes, the others load")
    func wrongEncoding() throws {
        let register = try Register()
        let text = Self.header + Self.row(300001) + Self.row(300002, last: "Mäkelä") + Self.row(300003)
        // The header is UTF-8 (as the definition expects) and the rows Latin-1: the usual result of appending
        // a legacy export to a template.
        let bytes = Array(Self.header.utf8) + CSVTest.latin1(Self.row(300001) + Self.row(300002, last: "Mäkelä") + Self.row(300003))
        #expect(bytes.count < text.utf8.count)
        let report = try register.load(bytes)
        #expect(report.counts.read == 3)
        #expect(report.counts.applied == 2)
        #expect(report.counts.quarantined == 1)
        let quarantined = try register.quarantine()
        #expect(quarantined.map(\.locator) == ["line 3"])
        let offset = try #require(CSVTest.latin1(Self.row(300002, last: "Mäkelä")).firstIndex(of: 0xE4))
        #expect(quarantined.first?.reason == "line 3: invalid UTF-8 byte 0xE4 at byte \(offset) of the record (field 6)")
        #expect(quarantined.first?.raw == CSVTest.latin1(Self.row(300002, last: "Mäkelä")))
        #expect(try register.value("300003", "last_name") == "Testinen")
    }

    @Test("a truncated file: the cut-off last row is quarantined, the rows before it load")
    func truncatedFile() throws {
        let register = try Register()
        let whole = Array((Self.header + Self.row(300001) + Self.row(300002) + Self.row(300003)).utf8)
        let cut = Array(whole.prefix(whole.count - 60))
        let report = try register.load(cut)
        #expect(report.status == .loaded)
        #expect(report.counts.read == 3)
        #expect(report.counts.applied == 2)
        #expect(report.counts.quarantined == 1)
        let quarantined = try register.quarantine()
        #expect(quarantined.first?.locator == "line 4")
        let cutRow = Array(Self.row(300003).utf8.dropLast(60))
        #expect(quarantined.first?.reason == "line 4: expected 20 fields, found \(cutRow.filter { $0 == UInt8(ascii: ";") }.count + 1)")
        #expect(quarantined.first?.raw == cutRow)
    }

    @Test("an invalid check character: quarantined naming the column, the henkilötunnus only in the raw bytes")
    func invalidCheckCharacter() throws {
        let register = try Register()
        let good = Self.hetu(5, 955)
        let bad = String(good.dropLast()) + (good.last == "A" ? "B" : "A")
        let report = try register.load(Array((Self.header + Self.row(300001) + Self.row(300002, hetu: bad)).utf8))
        #expect(report.counts.applied == 1)
        #expect(report.counts.quarantined == 1)
        let quarantined = try #require(try register.quarantine().first)
        #expect(quarantined.reason == "line 3, column 'Henkilötunnus': invalid henkilötunnus: the check character does not match")
        #expect(String(decoding: quarantined.raw, as: UTF8.self).contains(bad))
        #expect(try register.count("SELECT count(*) AS n FROM register.party_identifier WHERE value = '300002'") == 0)
    }

    @Test("a row with a field too many or too few is quarantined with both counts")
    func wrongFieldCount() throws {
        let register = try Register()
        let long = Self.row(300002).dropLast() + ";extra\n"
        let short = "300003;H;\(Self.hetu(7, 907));;Vain;Nimi\n"
        let report = try register.load(Array((Self.header + Self.row(300001) + long + short).utf8))
        #expect(report.counts.read == 3)
        #expect(report.counts.applied == 1)
        #expect(try register.quarantine().map(\.reason) == ["line 3: expected 20 fields, found 21", "line 4: expected 20 fields, found 6"])
    }

    @Test("an unknown status code is quarantined with the code; the other rows of the update apply")
    func unknownStatusCode() throws {
        let register = try Register()
        try register.load(Array((Self.header + Self.row(300001) + Self.row(300002)).utf8))
        let update =
            "Asiakasnumero;Henkilötunnus;Sukunimi;Etunimet;Tilakoodi;Muutospäivä;Lähiosoite;Postinumero;Postitoimipaikka;"
            + "Ulkomaan lähiosoite;Ulkomaan postinumero;Ulkomaan postitoimipaikka;Maakoodi\n"
            + "300001;;Henkilö;Testi;07;01.02.2026;Uusi katu 2;00200;Helsinki;;;;\n"
            + "300002;;Henkilö;Testi;01;01.02.2026;Toinen katu 3;00300;Helsinki;;;;\n"
        let report = try register.load(CSVTest.latin1(update), with: "asiakastieto-address")
        #expect(report.counts.read == 2)
        #expect(report.counts.applied == 1)
        #expect(report.counts.quarantined == 1)
        #expect(try register.quarantine().map(\.reason) == ["line 2, column 'Tilakoodi': unknown status code '07'"])
        #expect(try register.value("300001", "address.permanent.street") == "Katu 1")
        #expect(try register.value("300002", "address.permanent.street") == "Toinen katu 3")
    }

    @Test("hostile values: SQL and COPY escapes are stored exactly; control characters are refused by the loader with the field")
    func hostileValues() throws {
        let register = try Register()
        let sql = "Robert'); DROP TABLE register.party;--"
        let copy = #"\N\t\\."#
        let rows = Self.row(300001, first: copy, last: "\"\(sql)\"", street: #""Katu ""1"";\x""#)
            + Self.row(300002, first: "Esc\u{1B}ape")
            + Self.row(300003, street: "\"Rivi 1\nRivi 2\"")
            + Self.row(300004)
        let report = try register.load(Array((Self.header + rows).utf8))
        #expect(report.counts.read == 4)
        #expect(report.counts.applied == 2)
        #expect(report.counts.quarantined == 2)
        #expect(try register.value("300001", "last_name") == sql)
        #expect(try register.value("300001", "first_names") == copy)
        #expect(try register.value("300001", "address.permanent.street") == #"Katu "1";\x"#)
        #expect(try register.count("SELECT count(*) AS n FROM register.party") == 2)
        #expect(try register.quarantine().map { "\($0.locator): \($0.reason)" } == [
            "line 3: field 'first_names': the value contains a control character",
            "line 4: field 'address.permanent.street': the value contains a control character",
        ])
    }

    @Test("an empty file fails the batch with a clear error and loads nothing; a header alone is an empty delivery")
    func emptyFile() throws {
        let register = try Register()
        #expect(throws: CSVFileError.self) { try register.load([]) }
        let failed = try #require(try register.db.query("SELECT status, error FROM lahde.batch").first)
        #expect(failed["status"] == "failed")
        #expect(failed["error"] == "the file is empty, but the definition expects a header row")
        let headerOnly = try register.load(Array(Self.header.utf8))
        #expect(headerOnly.status == .loaded)
        #expect(headerOnly.counts.read == 0)
    }

    @Test("a header without a mapped column fails the whole file, naming the column; nothing of it loads")
    func headerMissingColumn() throws {
        let register = try Register()
        let renamed = Self.header.replacingOccurrences(of: ";Postinumero;", with: ";Postinro;")
        let error = #expect(throws: CSVFileError.self) {
            try register.load(Array((renamed + Self.row(300001) + Self.row(300002)).utf8))
        }
        #expect(error?.description.contains(#"no column "Postinumero""#) == true)
        #expect(try register.db.query("SELECT status FROM lahde.batch").first?["status"] == "failed")
        #expect(try register.count("SELECT count(*) AS n FROM register.party") == 0)
        #expect(try register.count("SELECT count(*) AS n FROM lahde.quarantine") == 0)
    }

    @Test("a file sent without its header row fails without echoing the first row (it is a customer's data)")
    func headerlessDelivery() throws {
        let register = try Register()
        let first = Self.row(300001, last: "Salaisuus")
        let error = #expect(throws: CSVFileError.self) { try register.load(Array((first + Self.row(300002)).utf8)) }
        let message = error?.description ?? ""
        #expect(message.contains(#""Asiakasnumero""#))
        #expect(!message.contains("Salaisuus"))
        #expect(!message.contains("300001"))
    }
}
