import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import Testing

/// Reads a feed file through a connector and keeps what it yields.
func vtjItems(_ path: String, _ read: (InputFile, (FeedItem) throws -> Void) throws -> Void) throws -> [FeedItem] {
    var items: [FeedItem] = []
    try read(try InputFile(path: path)) { items.append($0) }
    return items
}

func vtjRecords(_ items: [FeedItem]) -> [ObservedRecord] {
    items.compactMap { if case .record(let record) = $0 { record } else { nil } }
}

func vtjRejected(_ items: [FeedItem]) -> [RejectedRecord] {
    items.compactMap { if case .rejected(let rejected) = $0 { rejected } else { nil } }
}

extension ObservedRecord {
    /// The observations as a dictionary; a removal is `.some(nil)`, a field not observed is `nil`.
    var vtjFields: [String: String?] {
        Dictionary(observations.map { ($0.field, $0.value) }, uniquingKeysWith: { $1 })
    }
}

enum VTJSamples {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples")
    static let changes1 = folder.appendingPathComponent("vtj/LAHDE_20260301_001.MTT").path
    static let changes2 = folder.appendingPathComponent("vtj/LAHDE_20260308_002.MTT").path
    static let apiPage = folder.appendingPathComponent("vtj/muutokset-2026-03-10-page-1.json").path
    static let customers = folder.appendingPathComponent("observations/2026-01-01-customers.jsonl").path

    /// Writes ISO-8859-1 lines (CRLF) to a temporary file and reads them through the legacy connector.
    static func legacy(_ lines: [String]) throws -> [FeedItem] {
        let folder = try TemporaryFolder.make(prefix: "lahde-vtj")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("test.MTT").path
        let bytes = (lines.joined(separator: "\r\n") + "\r\n").unicodeScalars.map { UInt8($0.value) }
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return try vtjItems(path) { try VTJLegacyConnector().read($0, emit: $1) }
    }

    static func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: width - text.unicodeScalars.count) }
    static func line(_ hetu: String, registered: String = "20260220", _ groups: [String]) -> String {
        hetu + "XCM" + registered + "01" + (groups.count < 10 ? "0" : "") + "\(groups.count)|" + groups.map { $0 + "|" }.joined()
    }
    static func death(_ change: Int, _ date: String) -> String { "013\(change)" + date }
    static func homeMunicipality(_ change: Int, _ code: String, movedIn: String) -> String { "204\(change)" + code + movedIn }
    static func turvakielto(_ change: Int, ends: String) -> String { "015\(change)" + ends }
    static func permanent(_ change: Int, street: String, postalCode: String, start: String, end: String = "00000000") -> String {
        "101\(change)" + pad(street, 100) + pad("", 100) + pad("1", 7) + " " + "   " + " " + postalCode + start + end
    }
    static func email(_ change: Int, _ address: String, start: String = "20260101", end: String = "00000000") -> String {
        "421\(change)01" + pad(address, 255) + start + end
    }
}

@Suite("VTJ legacy connector: groups to observations")
struct VTJLegacyConnectorTests {
    static func removedAddress(_ kind: String) -> [String: String?] {
        var fields: [String: String?] = [:]
        for part in ["street", "postal_code", "city", "country"] { fields["address.\(kind).\(part)"] = .some(nil) }
        return fields
    }

    @Test("the sample change file: every event becomes the expected observations, bad lines are rejected with line and reason")
    func sampleFile() throws {
        let items = try vtjItems(VTJSamples.changes1) { try VTJLegacyConnector().read($0, emit: $1) }
        let records = vtjRecords(items)
        #expect(records.map(\.locator) == ["line 2", "line 3", "line 4", "line 5", "line 6", "line 7", "line 9", "line 10"])
        #expect(records.map { $0.keys.map(\.value) } == [
            ["130381-983D"], ["041047-928P"], ["280945Y917H"], ["190263-973H"], ["071047-963S"], ["080586-9235"], ["151283-936Y"],
            ["010190-990L"],
        ])
        #expect(records.allSatisfy { $0.entityKind == .party && $0.keys.first?.scheme == .henkilotunnus })

        // A move: the old address ends, the new one holds; no post-office name in the register's domestic address.
        #expect(records[0].vtjFields == [
            "address.permanent.street": "Mannerheimintie 12 B 7", "address.permanent.postal_code": "00250",
            "address.permanent.city": nil, "address.permanent.country": "FI",
        ])
        #expect(records[0].validFrom == FeedTimeProbe.day("2026-02-20"))
        // A name change: the current surname; a former name (type 05) is not the current one.
        #expect(records[1].vtjFields == ["last_name": "Lindqvist", "first_names": "Ulla"])
        // A death.
        #expect(records[2].vtjFields == ["deceased": "true", "death_date": "2026-02-05"])
        // A turvakielto until further notice: the residence addresses are removed, the contact address stays.
        var protected: [String: String?] = ["turvakielto": "true", "turvakielto_ends_on": nil,
            "address.postal.street": "PL 123", "address.postal.postal_code": "00101", "address.postal.city": nil,
            "address.postal.country": "FI", "home_municipality": nil]
        protected.merge(Self.removedAddress("permanent")) { $1 }
        protected.merge(Self.removedAddress("temporary")) { $1 }
        #expect(records[3].vtjFields == protected)
        // A henkilötunnus correction: keyed by the old code, the new one observed.
        #expect(records[4].vtjFields == ["henkilotunnus_correction": "071047-965U"])
        // ISO-8859-1 names and a continuation line's e-mail in one record spanning both lines.
        #expect(records[5].vtjFields == ["last_name": "Mäkinen-Öhman", "first_names": "Leevi Åke", "email": "leevi.ohman@example.fi",
            "home_municipality": "091"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: VTJSamples.changes1))
        let span = bytes[Int(records[5].rawRange.lowerBound)..<Int(records[5].rawRange.upperBound)]
        #expect(span.filter { $0 == 0x0A }.count == 2)
        // A move abroad.
        var abroad = Self.removedAddress("permanent")
        abroad.merge(["address.abroad.street": "Storgatan 5", "address.abroad.postal_code": nil, "address.abroad.city": "Stockholm",
            "address.abroad.country": "SE"]) { $1 }
        #expect(records[6].vtjFields == abroad)

        let rejected = vtjRejected(items)
        #expect(rejected.map(\.locator) == ["line 11", "line 12", "line 13", "line 14"])
        #expect(rejected[0].reason.contains("unknown data group code 999"))
        #expect(rejected[1].reason.contains("declares 3 data groups but holds 1"))
        #expect(rejected[2].reason.contains("impossible date"))
        #expect(rejected[3].reason.contains("truncated"))
        #expect(rejected.allSatisfy { !$0.raw.isEmpty && $0.raw.last == 0x0A })
        #expect(items.count == 12)
    }

    @Test("the second sample: a death corrected away, a turvakielto lifted with a fresh address, a partial date of death")
    func secondSample() throws {
        let records = vtjRecords(try vtjItems(VTJSamples.changes2) { try VTJLegacyConnector().read($0, emit: $1) })
        #expect(records.count == 3)
        #expect(records[0].vtjFields == ["deceased": "false", "death_date": nil])
        #expect(records[1].vtjFields == [
            "turvakielto": "false", "turvakielto_ends_on": "2026-03-05", "address.permanent.street": "Koulukatu 5 A 2",
            "address.permanent.postal_code": "65100", "address.permanent.city": nil, "address.permanent.country": "FI",
        ])
        #expect(records[2].vtjFields == ["deceased": "true"])
    }

    @Test("a death: removed, corrected with no date, or being corrected with no corrected version — all reverse it")
    func deathReversals() throws {
        let hetu = "280945Y917H"
        let lines = [
            VTJSamples.line(hetu, [VTJSamples.death(4, "20260205")]),
            VTJSamples.line(hetu, [VTJSamples.death(5, "20260205"), VTJSamples.death(6, "00000000")]),
            VTJSamples.line(hetu, [VTJSamples.death(5, "20260205")]),
            VTJSamples.line(hetu, [VTJSamples.death(5, "20260205"), VTJSamples.death(6, "20260204")]),
            VTJSamples.line(hetu, [VTJSamples.death(0, "20260205")]),
        ]
        let records = vtjRecords(try VTJSamples.legacy(lines))
        let reversed: [String: String?] = ["deceased": "false", "death_date": nil]
        #expect(records.map(\.vtjFields) == [reversed, reversed, reversed, ["deceased": "true", "death_date": "2026-02-04"], [:]])
    }

    @Test("turvakielto: an end date in the future keeps it active, one before the event ends it, a removal lifts it")
    func turvakieltoDates() throws {
        let hetu = "190263-973H"
        let records = vtjRecords(try VTJSamples.legacy([
            VTJSamples.line(hetu, registered: "20260212", [VTJSamples.turvakielto(1, ends: "20310212")]),
            VTJSamples.line(hetu, registered: "20260212", [VTJSamples.turvakielto(3, ends: "20260101")]),
            VTJSamples.line(hetu, registered: "20260212", [VTJSamples.turvakielto(4, ends: "99990000")]),
        ]))
        #expect(records[0].vtjFields["turvakielto"] == "true")
        #expect(records[0].vtjFields["turvakielto_ends_on"] == "2031-02-12")
        #expect(records[0].vtjFields["address.permanent.street"] == .some(nil))
        #expect(records[1].vtjFields == ["turvakielto": "false", "turvakielto_ends_on": "2026-01-01"])
        #expect(records[2].vtjFields == ["turvakielto": "false", "turvakielto_ends_on": "2026-02-12"])
    }

    @Test("an active turvakielto removes the address even when the same record states one, in either order")
    func turvakieltoWithAddress() throws {
        let hetu = "190263-973H"
        let address = VTJSamples.permanent(1, street: "Piilotie", postalCode: "00100", start: "20260212")
        let records = vtjRecords(try VTJSamples.legacy([
            VTJSamples.line(hetu, [address, VTJSamples.turvakielto(1, ends: "00000000")]),
            VTJSamples.line(hetu, [VTJSamples.turvakielto(1, ends: "00000000"), address]),
        ]))
        for record in records {
            #expect(record.vtjFields["address.permanent.street"] == .some(nil))
            #expect(record.vtjFields["address.permanent.postal_code"] == .some(nil))
            #expect(record.vtjFields["turvakielto"] == "true")
        }
    }

    @Test("an address or e-mail whose end date has passed is a removal; change types 0 and 5 state nothing")
    func endedAndContext() throws {
        let hetu = "130381-983D"
        let records = vtjRecords(try VTJSamples.legacy([
            VTJSamples.line(hetu, [VTJSamples.permanent(3, street: "Vanha", postalCode: "00100", start: "20200101", end: "20260219")]),
            VTJSamples.line(hetu, [VTJSamples.email(3, "old@example.fi", end: "20260101"), VTJSamples.email(1, "new@example.fi")]),
            VTJSamples.line(hetu, [VTJSamples.email(0, "context@example.fi"), VTJSamples.email(5, "wrong@example.fi")]),
        ]))
        #expect(records[0].vtjFields == VTJLegacyConnectorTests.removedAddress("permanent"))
        #expect(records[1].vtjFields == ["email": "new@example.fi"])
        #expect(records[2].vtjFields == [:])
    }

    @Test("home municipality (204): the code, a removal, 999 unknown observes nothing, a non-code is rejected, withheld under turvakielto")
    func homeMunicipality() throws {
        let hetu = "080586-9235"
        let items = try VTJSamples.legacy([
            VTJSamples.line(hetu, [VTJSamples.homeMunicipality(3, "837", movedIn: "20260201")]),
            VTJSamples.line(hetu, [VTJSamples.homeMunicipality(4, "837", movedIn: "20260201")]),
            VTJSamples.line(hetu, [VTJSamples.homeMunicipality(1, "999", movedIn: "00000000")]),
            VTJSamples.line(hetu, [VTJSamples.homeMunicipality(1, "83X", movedIn: "20260201")]),
            VTJSamples.line(hetu, [VTJSamples.homeMunicipality(1, "837", movedIn: "20260201"), VTJSamples.turvakielto(1, ends: "99990000")]),
        ])
        let records = vtjRecords(items)
        #expect(records.map(\.locator) == ["line 1", "line 2", "line 3", "line 5"])
        #expect(records[0].vtjFields == ["home_municipality": "837"])
        #expect(records[1].vtjFields == ["home_municipality": nil])
        #expect(records[2].vtjFields == [:])
        #expect(records[3].vtjFields["home_municipality"] == .some(nil))
        #expect(records[3].vtjFields["turvakielto"] == "true")
        let rejected = vtjRejected(items)
        #expect(rejected.map(\.locator) == ["line 4"])
        #expect(rejected.first?.reason.contains("group 204") == true)
    }

    @Test("a henkilötunnus with a wrong check character is rejected, and the reason does not quote it")
    func invalidHetu() throws {
        let items = try VTJSamples.legacy([
            VTJSamples.line("130381-983E", [VTJSamples.death(1, "20260205")]),
            VTJSamples.line("071047-963S", ["0011071047-965X1"]),
        ])
        let rejected = vtjRejected(items)
        #expect(rejected.map(\.locator) == ["line 1", "line 2"])
        #expect(rejected[1].reason.contains("corrected henkilötunnus"))
        for reason in rejected.map(\.reason) {
            #expect(!reason.contains("983E") && !reason.contains("965X"))
        }
    }
}

/// Validity days the way the connectors compute them (Finnish midnight).
enum FeedTimeProbe {
    static func day(_ text: String) -> Date? { FeedTime.parse(text) }
}
