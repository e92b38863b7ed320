import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import Testing

@Suite("VTJ change API pages: groups to observations")
struct VTJChangeAPIConnectorTests {
    static func read(_ path: String) throws -> [FeedItem] {
        try vtjItems(path) { try VTJChangeAPIConnector().read($0, emit: $1) }
    }

    static func read(json: String) throws -> [FeedItem] {
        let folder = try TemporaryFolder.make(prefix: "lahde-vtj-api")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("page.json").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(json.utf8))
        return try read(path)
    }

    @Test("the sample page: a move, a name change, a death and its correction, a turvakielto start and end, a hetu correction, a ban")
    func samplePage() throws {
        let items = try Self.read(VTJSamples.apiPage)
        let records = vtjRecords(items)
        #expect(records.map(\.locator) == (0...7).map { "muutokset[\($0)]" })
        #expect(records[0].vtjFields == [
            "address.permanent.street": "Pohjoisesplanadi 3 C 14", "address.permanent.postal_code": "00170",
            "address.permanent.city": "HELSINKI", "address.permanent.country": "FI",
        ])
        #expect(records[0].validFrom == (try Date("2026-03-02T10:15:00.000Z", strategy: .iso8601)))
        #expect(records[1].vtjFields == ["first_names": "Tapio", "last_name": "Öström"])
        #expect(records[2].vtjFields == ["deceased": "true", "death_date": "2026-03-01"])
        var protected: [String: String?] = ["turvakielto": "true", "turvakielto_ends_on": "2031-03-04", "home_municipality": nil]
        for kind in ["permanent", "temporary"] {
            for part in ["street", "postal_code", "city", "country"] { protected["address.\(kind).\(part)"] = .some(nil) }
        }
        #expect(records[3].vtjFields == protected)
        #expect(records[4].keys.map(\.value) == ["210853-951B"])
        #expect(records[4].vtjFields == ["henkilotunnus_correction": "210853-953D"])
        #expect(records[5].vtjFields == ["direct_marketing_ban": "true", "email": "aino.turunen@example.fi"])
        #expect(records[6].vtjFields == ["deceased": "false", "death_date": nil])
        #expect(records[7].vtjFields == ["turvakielto": "false", "turvakielto_ends_on": "2026-03-10"])

        let rejected = vtjRejected(items)
        #expect(rejected.map(\.locator) == ["muutokset[8]", "muutokset[9]"])
        #expect(rejected[0].reason.contains("'henkilotunnus'"))
        #expect(!rejected[0].reason.contains("906X"))
        #expect(rejected[1].reason.contains("muutosattribuutti"))
    }

    @Test("each record's byte range is exactly its JSON object in the page")
    func byteRanges() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: VTJSamples.apiPage))
        let items = try Self.read(VTJSamples.apiPage)
        for record in vtjRecords(items) {
            let slice = bytes[Int(record.rawRange.lowerBound)..<Int(record.rawRange.upperBound)]
            let object = try #require(try JSONSerialization.jsonObject(with: Data(slice)) as? [String: Any])
            #expect(object["henkilotunnus"] as? String == record.keys.first?.value)
        }
        for rejected in vtjRejected(items) {
            #expect(rejected.raw.first == UInt8(ascii: "{") && rejected.raw.last == UInt8(ascii: "}"))
        }
    }

    @Test("a hetu correction filed under the old code is keyed by it; a removed ban is lifted")
    func correctionUnderOldCodeAndBanLifted() throws {
        let items = try Self.read(json: #"""
            {"muutokset": [
              {"henkilotunnus": "071047-963S", "muutospv": "2026-03-01T00:00:00Z", "tietoryhmat": [
                {"tietoryhma": "HENKILOTUNNUS_KORJAUS", "muutosattribuutti": "LISATTY", "voimassaolo": "AKTIIVI", "aktiivinenHenkilotunnus": "071047-965U"}]},
              {"henkilotunnus": "071047-963S", "muutospv": "2026-03-01T00:00:00Z", "tietoryhmat": [
                {"tietoryhma": "HENKILOTUNNUS_KORJAUS", "muutosattribuutti": "LISATTY", "voimassaolo": "PASSIIVI", "muutettuHenkilotunnus": "071047-963S"},
                {"tietoryhma": "YHTEYSTIETOJEN_LUOVUTUSKIELTO", "muutosattribuutti": "POISTETTU"},
                {"tietoryhma": "SAHKOPOSTIOSOITE", "muutosattribuutti": "MUUTETTU", "turvakiellonAlaisetKentat": ["SAHKOPOSTIOSOITE"]}]}
            ], "ajanTasalla": true, "viimeisinKirjausavain": 5}
            """#)
        let records = vtjRecords(items)
        #expect(records.count == 2)
        #expect(records[0].keys.map(\.value) == ["071047-963S"])
        #expect(records[0].vtjFields == ["henkilotunnus_correction": "071047-965U"])
        #expect(records[1].vtjFields == ["data_release_ban": "false", "email": nil])
    }

    @Test("KOTIKUNTA: the code; removed with the state that holds after it; withheld under turvakielto; a non-code rejects the record")
    func homeMunicipality() throws {
        let items = try Self.read(json: #"""
            {"muutokset": [
              {"henkilotunnus": "080586-9235", "muutospv": "2026-03-01T00:00:00Z", "tietoryhmat": [
                {"tietoryhma": "KOTIKUNTA", "muutosattribuutti": "MUUTETTU", "kuntakoodi": "837", "kuntaanMuuttopv": {"arvo": "2026-02-01", "tarkkuus": "PAIVA"}}]},
              {"henkilotunnus": "080586-9235", "muutospv": "2026-03-02T00:00:00Z", "tietoryhmat": [
                {"tietoryhma": "KOTIKUNTA", "muutosattribuutti": "POISTETTU", "kuntakoodi": "837",
                 "voimassaolevatTiedot": [{"kuntakoodi": "091", "kuntaanMuuttopv": {"arvo": "2026-03-01", "tarkkuus": "PAIVA"}}]}]},
              {"henkilotunnus": "080586-9235", "muutospv": "2026-03-03T00:00:00Z", "tietoryhmat": [
                {"tietoryhma": "KOTIKUNTA", "muutosattribuutti": "MUUTETTU", "turvakiellonAlaisetKentat": ["kuntakoodi"]}]},
              {"henkilotunnus": "080586-9235", "muutospv": "2026-03-04T00:00:00Z", "tietoryhmat": [
                {"tietoryhma": "KOTIKUNTA", "muutosattribuutti": "MUUTETTU", "kuntakoodi": "Helsinki"}]},
              {"henkilotunnus": "080586-9235", "muutospv": "2026-03-05T00:00:00Z", "tietoryhmat": [
                {"tietoryhma": "KOTIKUNTA", "muutosattribuutti": "LISATTY", "kuntakoodi": "999"}]}
            ], "ajanTasalla": true, "viimeisinKirjausavain": 9}
            """#)
        let records = vtjRecords(items)
        #expect(records.map(\.locator) == ["muutokset[0]", "muutokset[1]", "muutokset[2]", "muutokset[4]"])
        #expect(records[0].vtjFields == ["home_municipality": "837"])
        #expect(records[1].vtjFields == ["home_municipality": "091"])
        #expect(records[2].vtjFields == ["home_municipality": nil])
        #expect(records[3].vtjFields == [:])
        #expect(vtjRejected(items).first?.reason.contains("kuntakoodi") == true)
    }

    @Test("a page that is not a change-API response is one rejected item, not a crash", arguments: [
        "not json", #"{"muutokset": [ {"henkilotunnus": "x"} "#, #"[1, 2]"#, "\u{FEFF}"])
    func badPage(text: String) throws {
        let items = try Self.read(json: text)
        #expect(items.count == 1)
        #expect(vtjRejected(items).first?.locator == "page")
    }

    @Test("a malformed record loses only itself")
    func malformedRecord() throws {
        let items = try Self.read(json: #"{"muutokset": [ {"henkilotunnus": "130381-983D", "tietoryhmat": [1]}, {"henkilotunnus": "130381-983D", "tietoryhmat": []} ]}"#)
        #expect(vtjRejected(items).map(\.locator) == ["muutokset[0]"])
        #expect(vtjRecords(items).map(\.locator) == ["muutokset[1]"])
    }
}
