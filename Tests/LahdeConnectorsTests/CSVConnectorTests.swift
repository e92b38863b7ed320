import Foundation
import LahdeConnectors
import LahdeCore
import LahdeStore
import Testing

/// The CSV reader alone: rows to observed records, conversions, status events, locators and byte ranges.
@Suite("CSV connector")
struct CSVConnectorTests {
    static let addressUpdate = """
        {"name": "t", "format": {"type": "csv", "delimiter": ";", "encoding": "iso-8859-1", "entity": "party",
          "keys": [{"scheme": "henkilotunnus", "column": "Hetu"}, {"scheme": "customer_number", "column": "Asnro"}],
          "valid_from": {"column": "Pvm", "format": "dd.MM.yyyy"},
          "status": {"column": "Tila", "codes": {"01": "new-address", "02": "moved-abroad", "03": "deceased", "04": "address-protected",
                                                 "05": "not-found", "": "no-update"}},
          "columns": {"Osoite": "address.permanent.street", "Postinro": "address.permanent.postal_code",
                      "Ulkomaan osoite": "address.abroad.street", "Maa": {"field": "address.abroad.country", "uppercase": true},
                      "Kieli": "language"}},
         "creates_entities": false, "trust": {"default": 20}}
        """
    static let header = "Asnro;Hetu;Tila;Pvm;Osoite;Postinro;Ulkomaan osoite;Maa;Kieli\n"
    static let aino = "010594Y9032"

    func read(_ rows: String, definition: String = addressUpdate, latin1: Bool = true) throws -> [FeedItem] {
        let text = (definition == Self.addressUpdate ? Self.header : "") + rows
        let path = latin1 ? try CSVTest.file(CSVTest.latin1(text)) : try CSVTest.file(text)
        return try CSVTest.items(try CSVTest.decoded(definition), path)
    }

    @Test("a new address: every mapped column, keys in definition order, validity at Finnish midnight, locator and byte range")
    func newAddress() throws {
        let rows = "100001;\(Self.aino);01;15.01.2026;Väinönkatu 28;40100;;;FI\n"
        let items = try read(rows)
        let record = try #require(items.first?.csvRecord)
        #expect(items.count == 1)
        #expect(record.keys == [MatchKey(scheme: .henkilotunnus, value: Self.aino), MatchKey(scheme: .customerNumber, value: "100001")])
        #expect(record.csvFieldValues == (["address.permanent.street": "Väinönkatu 28", "address.permanent.postal_code": "40100", "language": "FI"] as [String: String?]))
        #expect(record.validFrom == (try Date("2026-01-14T22:00:00Z", strategy: .iso8601)))
        #expect(record.locator == "line 2")
        #expect(record.observations.first?.locator == "column 'Osoite'")
        let headerBytes = Int64(Self.header.utf8.count)
        #expect(record.rawRange == headerBytes..<(headerBytes + Int64(CSVTest.latin1(rows).count)))
    }

    @Test("a cell that starts or ends with a letter such as Ä or ä is taken as written; Unicode spaces around one are trimmed")
    func lettersAndUnicodeSpacesAtTheEnds() throws {
        let utf8 = Self.addressUpdate.replacingOccurrences(of: "iso-8859-1", with: "utf-8")
        let cases: [(definition: String, bytes: [UInt8])] = [
            (utf8, Array((Self.header + "100001;\(Self.aino);01;15.01.2026;Äänekoskentie 1 ä;40100;;;\u{3000}FI\u{00A0}\n").utf8)),
            (utf8, Array((Self.header + "100001;\(Self.aino);01;15.01.2026;\u{2003}Äänekoskentie 1 ä\u{0085};40100;;;FI\n").utf8)),
            (Self.addressUpdate, CSVTest.latin1(Self.header + "100001;\(Self.aino);01;15.01.2026;Äänekoskentie 1 ä;40100;;;\u{00A0}FI\u{00A0}\n")),
        ]
        for (definition, bytes) in cases {
            let items = try CSVTest.items(try CSVTest.decoded(definition), try CSVTest.file(bytes))
            let record = try #require(items.first?.csvRecord)
            #expect(record.csvFieldValues["address.permanent.street"] == "Äänekoskentie 1 ä")
            #expect(record.csvFieldValues["language"] == "FI")
        }
    }

    @Test("the byte range re-reads exactly the row, also after a quoted line break (which the line numbers count)")
    func rawRangeAndLines() throws {
        let rows = "100001;\(Self.aino);01;15.01.2026;\"Rivi 1\nRivi 2\";40100;;;\n100002;;05;;;;;;\n"
        let path = try CSVTest.file(CSVTest.latin1(Self.header + rows))
        let items = try CSVTest.items(try CSVTest.decoded(Self.addressUpdate), path)
        let records = items.compactMap(\.csvRecord)
        #expect(records.map(\.locator) == ["line 2", "line 4"])
        let file = try InputFile(path: path)
        #expect(try file.batchInput.rawBytes(records[0].rawRange) == CSVTest.latin1("100001;\(Self.aino);01;15.01.2026;\"Rivi 1\nRivi 2\";40100;;;\n"))
        #expect(try file.batchInput.rawBytes(records[1].rawRange) == Array("100002;;05;;;;;;\n".utf8))
    }

    @Test("moved abroad: the abroad columns, the permanent address removed, the row's domestic columns dropped")
    func movedAbroad() throws {
        let record = try #require(try read("100001;\(Self.aino);02;01.01.2026;Vanha katu 1;00100;Storgatan 12;se;sv\n").first?.csvRecord)
        #expect(record.csvFieldValues == ([
            "address.abroad.street": "Storgatan 12", "address.abroad.country": "SE", "language": "sv",
            "address.permanent.street": nil, "address.permanent.postal_code": nil,
            "address.permanent.city": nil, "address.permanent.country": nil,
        ] as [String: String?]))
    }

    @Test("deceased: deceased_reported only — never deceased, no address, no other column")
    func deceased() throws {
        let record = try #require(try read("100001;\(Self.aino);03;10.01.2026;Hautausmaantie 1;00100;;;fi\n").first?.csvRecord)
        #expect(record.csvFieldValues == (["deceased_reported": "true"] as [String: String?]))
    }

    @Test("address protected: turvakielto, every address column dropped, other columns kept")
    func addressProtected() throws {
        let record = try #require(try read("100001;\(Self.aino);04;05.01.2026;Salainen tie 1;00100;Abroad 1;SE;fi\n").first?.csvRecord)
        #expect(record.csvFieldValues == (["turvakielto": "true", "language": "fi"] as [String: String?]))
    }

    @Test("not found and no update observe nothing (the loader counts them unchanged) and need no validity date")
    func nothingToSay() throws {
        let items = try read("100001;;05;;Katu 1;00100;;;fi\n100002;;;;;;;;\n")
        let records = items.compactMap { $0.csvRecord }
        #expect(records.map { $0.observations.count } == [0, 0])
        #expect(records.map { $0.validFrom } == [nil, nil])
    }

    @Test("unknown status codes, bad validity dates and rows without identifiers are rejected with line and column")
    func rowProblems() throws {
        let items = try read(
            """
            100001;\(Self.aino);99;15.01.2026;Katu 1;00100;;;\n\
            100002;;01;32.01.2026;Katu 1;00100;;;\n\
            100003;;01;;Katu 1;00100;;;\n\
            ;;01;15.01.2026;Katu 1;00100;;;\n\
            100005;;\(Self.aino);15.01.2026;;;;;\n
            """)
        let reasons = items.compactMap(\.csvRejected).map(\.reason)
        #expect(reasons == [
            "line 2, column 'Tila': unknown status code '99'",
            "line 3, column 'Pvm': the validity date is not a date in the form dd.MM.yyyy",
            "line 4, column 'Pvm': the validity date is empty",
            "line 5: no identifier: 'Hetu', 'Asnro' empty",
            "line 6, column 'Tila': unknown status code '010594Y****'",
        ])
        #expect(items.compactMap(\.csvRejected).map(\.locator) == ["line 2", "line 3", "line 4", "line 5", "line 6"])
        #expect(items.compactMap(\.csvRejected).first?.raw == CSVTest.latin1("100001;\(Self.aino);99;15.01.2026;Katu 1;00100;;;\n"))
    }

    @Test("an invalid check character rejects the row without quoting the henkilötunnus")
    func invalidKey() throws {
        let bad = "010594Y9033"
        let rejected = try #require(try read("100001;\(bad);01;15.01.2026;Katu 1;00100;;;\n").first?.csvRejected)
        #expect(rejected.reason == "line 2, column 'Hetu': invalid henkilötunnus: the check character does not match")
        #expect(rejected.raw == CSVTest.latin1("100001;\(bad);01;15.01.2026;Katu 1;00100;;;\n"))
    }

    static let conversions = """
        {"name": "t", "format": {"type": "csv", "delimiter": "|", "quote": null, "header": false, "column_count": 6, "entity": "party",
          "keys": [{"scheme": "customer_number", "column": "1"}],
          "columns": {"2": {"field": "birth_date", "date": "yyyyMMdd"},
                      "3": {"field": "direct_marketing_permission", "boolean": {"true": ["K", "kyllä"], "false": ["E", "ei"]}},
                      "4": {"field": "party_type", "values": {"H": "person", "Y": "organisation"}},
                      "5": {"field": "email", "empty": "remove"},
                      "6": "phone"}},
         "creates_entities": true, "trust": {"default": 40}}
        """

    @Test("conversions by position: dates, yes/no words in any case, value lists, empty as removal or as nothing")
    func conversions() throws {
        let items = try read("100001|19940501|Kyllä|H| |\n100002| 20010203 |e|Y|x@example.fi|040 1\n", definition: Self.conversions, latin1: false)
        let records = items.compactMap(\.csvRecord)
        #expect(records.count == 2)
        #expect(records[0].csvFieldValues == ([
            "birth_date": "1994-05-01", "direct_marketing_permission": "true", "party_type": "person", "email": nil,
        ] as [String: String?]))
        #expect(records[1].csvFieldValues == ([
            "birth_date": "2001-02-03", "direct_marketing_permission": "false", "party_type": "organisation", "email": "x@example.fi",
            "phone": "040 1",
        ] as [String: String?]))
    }

    @Test("values no conversion can read are rejected, naming line, column and field but never the value")
    func unconvertible() throws {
        let items = try read("100001|19940231|K|H||\n100002|19940501|joo|H||\n100003|19940501|K|Ö||\n100004|1|K|H\n", definition: Self.conversions, latin1: false)
        let reasons = items.compactMap(\.csvRejected).map(\.reason)
        #expect(reasons == [
            "line 1, column '2': birth_date: not a date in the form yyyyMMdd",
            "line 2, column '3': direct_marketing_permission: not one of the words the definition lists (k, kyllä, e, ei)",
            "line 3, column '4': party_type: not one of the values the definition maps (H, Y)",
            "line 4: expected 6 fields, found 4",
        ])
        #expect(reasons.allSatisfy { !$0.contains("19940231") && !$0.contains("joo") })
    }

    @Test("without a header or a column count, a row too short for the mapped positions is rejected, not read out of bounds")
    func shortHeaderlessRow() throws {
        let uncounted = Self.conversions.replacingOccurrences(of: #""column_count": 6, "#, with: "")
        #expect(uncounted != Self.conversions)
        let items = try read("100001|19940501|K\n100002|19940501|K|H|x@example.fi|040 1\n", definition: uncounted, latin1: false)
        #expect(items.compactMap(\.csvRejected).map(\.reason) == ["line 1: expected at least 6 fields, found 3"])
        #expect(items.compactMap(\.csvRecord).map(\.locator) == ["line 2"])
    }
}
