import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import Testing

@Suite("VTJ person XML: VTJHenkiloVastaussanoma responses to observations")
struct VTJPersonXMLConnectorTests {
    static let sample = VTJSamples.folder.appendingPathComponent("vtj/henkilot-2026-03-12.xml").path

    static func read(_ path: String) throws -> [FeedItem] {
        try vtjItems(path) { try VTJPersonXMLConnector().read($0, emit: $1) }
    }

    static func read(xml: String, encoding: String.Encoding = .utf8) throws -> [FeedItem] {
        let folder = try TemporaryFolder.make(prefix: "lahde-vtj-xml")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("henkilot.xml").path
        _ = FileManager.default.createFile(atPath: path, contents: xml.data(using: encoding))
        return try read(path)
    }

    static func wrap(_ responses: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Vastaukset xmlns="http://xml.vrk.fi/schema/vtjkysely">
        \(responses)
        </Vastaukset>
        """
    }

    static func response(_ hetu: String, stamp: String = "20260310080000", _ person: String) -> String {
        """
        <VTJHenkiloVastaussanoma tietojenPoimintaaika="\(stamp)"><Paluukoodi koodi="0000">OK</Paluukoodi>
        <Henkilo><Henkilotunnus voimassaolokoodi="1">\(hetu)</Henkilotunnus>\(person)</Henkilo></VTJHenkiloVastaussanoma>
        """
    }

    @Test("the sample file: a move, a name change, a death and its correction, a turvakielto, a hetu correction, bans, abroad")
    func sampleFile() throws {
        let items = try Self.read(Self.sample)
        #expect(items.count == 12)
        let records = vtjRecords(items)
        #expect(records.map(\.locator) == [
            "response 1 (line 5)", "response 2 (line 63)", "response 3 (line 108)", "response 4 (line 134)", "response 5 (line 188)",
            "response 6 (line 227)", "response 7 (line 253)", "response 8 (line 288)", "response 10 (line 358)", "response 11 (line 384)",
        ])
        #expect(records[0].keys.map(\.value) == ["011086-9097"])
        #expect(records[0].validFrom == (try Date("2026-03-10T06:00:00Z", strategy: .iso8601)))
        let move = records[0].vtjFields
        #expect(move["address.permanent.street"] == "Fredrikinkatu 42 A 5")
        #expect(move["address.permanent.postal_code"] == "00120")
        #expect(move["address.permanent.city"] == "HELSINKI")
        #expect(move["address.temporary.street"] == .some(nil), "the temporary address ended before the extraction")
        #expect(move["home_municipality"] == "091")
        #expect(move["deceased"] == "false")
        #expect(move["turvakielto"] == "false")
        #expect(move["first_names"] == "Åsa")

        #expect(records[1].vtjFields["last_name"] == "Lahtinen")
        #expect(records[1].vtjFields["first_names"] == "Väinö Olavi")
        #expect(records[1].vtjFields["home_municipality"] == "837")
        #expect(records[2].vtjFields["deceased"] == "true")
        #expect(records[2].vtjFields["death_date"] == "2026-03-04")

        let protected = records[3].vtjFields
        #expect(protected["turvakielto"] == "true")
        #expect(protected["turvakielto_ends_on"] == .some(nil))
        for kind in ["permanent", "temporary"] { #expect(protected["address.\(kind).street"] == .some(nil)) }
        #expect(protected["home_municipality"] == .some(nil))
        #expect(protected["address.postal.street"] == "PL 45")

        #expect(records[4].vtjFields["turvakielto"] == "true")
        #expect(records[5].keys.map(\.value) == ["270464-951U"])
        #expect(records[5].vtjFields["henkilotunnus_correction"] == "270464-953W")
        #expect(records[6].vtjFields["direct_marketing_ban"] == "true")
        #expect(records[6].vtjFields["data_release_ban"] == "true")
        #expect(records[7].vtjFields["address.permanent.street"] == .some(nil))
        #expect(records[7].vtjFields["address.abroad.country"] == "NO")
        #expect(records[7].vtjFields["address.abroad.city"] == "Oslo")
        #expect(records[8].vtjFields["deceased"] == "false")
        #expect(records[8].vtjFields["death_date"] == .some(nil))
        #expect(records[9].vtjFields["turvakielto"] == "false")
        #expect(records[9].vtjFields["turvakielto_ends_on"] == "2026-03-11")
        #expect(records[9].vtjFields["address.permanent.street"] == "Rantakatu 9 B 12")

        let rejected = vtjRejected(items)
        #expect(rejected.map(\.locator) == ["response 9 (line 332)", "response 12 (line 429)"])
        #expect(rejected[0].reason.contains("henkilötunnus"))
        let first = rejected[0].reason
        #expect(first.contains("944T") == false)
        #expect(rejected[1].reason.contains("Paluukoodi 0001"))
    }

    @Test("each response's byte range is exactly its element, and a rejected one keeps those bytes")
    func byteRanges() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.sample))
        let items = try Self.read(Self.sample)
        for record in vtjRecords(items) {
            let slice = Array(bytes[Int(record.rawRange.lowerBound)..<Int(record.rawRange.upperBound)])
            #expect(slice.starts(with: Array("<VTJHenkiloVastaussanoma ".utf8)))
            #expect(slice.suffix(26).elementsEqual(Array("</VTJHenkiloVastaussanoma>".utf8)))
        }
        for rejected in vtjRejected(items) {
            #expect(rejected.raw.starts(with: Array("<VTJHenkiloVastaussanoma ".utf8)))
        }
    }

    @Test("byte ranges pass over look-alikes: a comment, CDATA, another namespace's element, a multi-line start tag")
    func lookAlikes() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Vastaukset xmlns="http://xml.vrk.fi/schema/vtjkysely" xmlns:o="urn:other">
            <!-- <VTJHenkiloVastaussanoma> in a comment -->
            <o:VTJHenkiloVastaussanoma a="x>y"><o:Henkilo/></o:VTJHenkiloVastaussanoma>
            <Muu><![CDATA[<VTJHenkiloVastaussanoma>]]></Muu>
            <VTJHenkiloVastaussanoma
                tietojenPoimintaaika="20260310080000"
                versio="1.0"><Henkilo><Henkilotunnus>011086-9097</Henkilotunnus></Henkilo></VTJHenkiloVastaussanoma>
            </Vastaukset>
            """
        let items = try Self.read(xml: xml)
        let records = vtjRecords(items)
        #expect(records.count == 1)
        let bytes = Array(xml.utf8)
        let record = try #require(records.first)
        let slice = Array(bytes[Int(record.rawRange.lowerBound)..<Int(record.rawRange.upperBound)])
        #expect(String(decoding: slice, as: UTF8.self).hasPrefix("<VTJHenkiloVastaussanoma\n"))
        #expect(String(decoding: slice, as: UTF8.self).hasSuffix("</Henkilo></VTJHenkiloVastaussanoma>"))
    }

    @Test("malformed XML: the responses before the fault load, the rest is one rejected item with the line and libxml2's reason")
    func malformed() throws {
        let good = Self.response("011086-9097", "<NykyinenSukunimi><Sukunimi>Salminen</Sukunimi></NykyinenSukunimi>")
        // The SAX walk hands each response over as it closes, so every response before the fault loads.
        let items = try Self.read(xml: Self.wrap(
            String(repeating: good + "\n", count: 400) + "<VTJHenkiloVastaussanoma><Henkilo></VTJHenkiloVastaussanoma>"))
        let loaded = vtjRecords(items).count
        #expect(loaded == 400)
        let rejected = vtjRejected(items)
        #expect(rejected.count == 1)
        #expect(rejected.first?.locator.hasPrefix("line ") == true)
        #expect(rejected.first?.reason.contains("cannot be read as XML") == true)
        #expect(rejected.first.map { String(decoding: $0.raw, as: UTF8.self).contains("<Henkilo></VTJ") } == true)
    }

    @Test("a DTD is refused; a file without any response is rejected whole")
    func refusedFiles() throws {
        let dtd = try Self.read(xml: "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"x\">]><x>&e;</x>")
        #expect(vtjRejected(dtd).first?.reason.contains("DTD") == true)
        let empty = try Self.read(xml: "<?xml version=\"1.0\"?><Muuta/>")
        #expect(vtjRejected(empty).map(\.locator) == ["file"])
    }

    @Test("dates: an address not yet begun is none, an impossible date rejects the response, a partial date of death keeps only the fact")
    func dates() throws {
        let items = try Self.read(xml: Self.wrap(
            Self.response("011086-9097", """
                <VakinainenKotimainenOsoite><KatuS>Tuleva</KatuS><Postinumero>00100</Postinumero>
                <AsuminenAlkupvm>20260401</AsuminenAlkupvm><AsuminenLoppupvm></AsuminenLoppupvm></VakinainenKotimainenOsoite>
                """)
            + Self.response("011086-9097", "<Kuolintiedot><Kuollut>1</Kuolintiedot>".replacingOccurrences(of: "<Kuollut>1", with: "<Kuollut>1</Kuollut><Kuolinpvm>20260231</Kuolinpvm>"))
            + Self.response("011086-9097", "<Kuolintiedot><Kuollut>1</Kuollut><Kuolinpvm>20260200</Kuolinpvm></Kuolintiedot>")
            + Self.response("011086-9097", stamp: "2026031008", "")))
        let records = vtjRecords(items)
        #expect(records.count == 2)
        #expect(records[0].vtjFields["address.permanent.street"] == .some(nil))
        #expect(records[1].vtjFields == ["deceased": "true", "death_date": nil])
        let rejected = vtjRejected(items)
        #expect(rejected.count == 2)
        #expect(rejected.first?.reason.contains("Kuolinpvm") == true)
        #expect(rejected.last?.reason.contains("tietojenPoimintaaika") == true)
    }
}
