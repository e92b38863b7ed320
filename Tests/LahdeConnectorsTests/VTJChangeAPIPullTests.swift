import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import LahdePostgres
import LahdeStore
import Testing

/// A fake change API on loopback: `GET kirjausavain/{date}` answers 100; `POST muutokset` from 100, 101,
/// 102 answers pages ending at 101, 102 (not up to date) and 103 (up to date).
final class FakeVTJService: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [Int64: Int] = [:]

    /// The next `times` requests from `key` answer HTTP 500.
    func fail(from key: Int64, times: Int = 1) {
        lock.lock()
        failures[key] = times
        lock.unlock()
    }

    static func page(from key: Int64) -> String? {
        let record: String
        switch key {
        case 100:
            record = #"{"henkilotunnus": "130381-983D", "muutospv": "2026-03-02T08:00:00.000Z", "tietoryhmat": [{"tietoryhma": "HENKILON_NIMI", "muutosattribuutti": "MUUTETTU", "etunimi": "Helmi", "sukunimi": "Sivula"}]}"#
        case 101:
            record = #"{"henkilotunnus": "041047-928P", "muutospv": "2026-03-03T08:00:00.000Z", "tietoryhmat": [{"tietoryhma": "KOTIKUNTA", "muutosattribuutti": "MUUTETTU", "kuntakoodi": "049"}]}"#
        case 102:
            record = #"{"henkilotunnus": "280945Y917H", "muutospv": "2026-03-04T08:00:00.000Z", "tietoryhmat": [{"tietoryhma": "KUOLINPAIVA", "muutosattribuutti": "LISATTY", "kuollut": true, "kuolinpv": {"arvo": "2026-03-01", "tarkkuus": "PAIVA"}}]}"#
        default: return nil
        }
        return #"{"viimeisinKirjausavain": \#(key + 1), "ajanTasalla": \#(key + 1 >= 103), "muutokset": [\#(record)]}"#
    }

    func respond(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        if request.method == "GET", request.path == "/api/v1/kirjausavain/2026-03-01" {
            return .init(contentType: "application/json", text: #"{"viimeisinKirjausavain": 100}"#)
        }
        guard request.method == "POST", request.path == "/api/v1/muutokset",
            let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
            let key = (body["viimeisinKirjausavain"] as? NSNumber)?.int64Value
        else { return .init(status: 400, contentType: "text/plain", text: "bad request") }
        lock.lock()
        let failing = failures[key, default: 0]
        if failing > 0 { failures[key] = failing - 1 }
        lock.unlock()
        if failing > 0 { return .init(status: 500, contentType: "text/plain", text: "internal error") }
        guard let page = Self.page(from: key) else { return .init(status: 404, contentType: "text/plain", text: "no such key") }
        return .init(contentType: "application/json", text: page)
    }

    static func sentKeys(_ server: LoopbackHTTPServer) -> [Int64] {
        server.requests.filter { $0.method == "POST" }.compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any])?["viimeisinKirjausavain"] as? Int64
                ?? (((try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any])?["viimeisinKirjausavain"] as? NSNumber)?.int64Value
        }
    }
}

struct SimulatedCrash: Error {}

@Suite("lahde pull vtj-api: change pages over libcurl from a fake service on loopback")
struct VTJChangeAPIPullTests {
    struct Setup {
        let db: PostgresConnection
        let server: LoopbackHTTPServer
        let service: FakeVTJService
        let folder: URL
        var settings: ChangeAPISettings
    }

    static func setUp() throws -> Setup {
        let db = try TestCluster.freshDatabase().connect()
        try VTJEndToEndTests.loadCustomers(db)
        let service = FakeVTJService()
        let server = try LoopbackHTTPServer { service.respond($0) }
        let folder = try TemporaryFolder.make(prefix: "lahde-vtj-pull")
        let credentials = folder.appendingPathComponent("credentials").path
        _ = FileManager.default.createFile(atPath: credentials, contents: Data("lahde:salasana\n".utf8))
        let settings = ChangeAPISettings(
            baseURL: server.baseURL + "/api/v1", credentialsFile: credentials, xRoadClient: "FI/COM/0245437-2/lahde")
        return Setup(db: db, server: server, service: service, folder: folder, settings: settings)
    }

    static func pull(_ setup: Setup) -> VTJChangeAPIPull {
        VTJChangeAPIPull(
            connection: setup.db, loader: RegisterLoader(connection: setup.db, policy: try! VTJEndToEndTests.policy("vtj-api")),
            connector: "vtj-api", settings: setup.settings, pageFolder: setup.folder.appendingPathComponent("pages"))
    }

    static func loadedBatches(_ db: PostgresConnection) throws -> Int? {
        try db.query("SELECT count(*) AS n FROM lahde.batch WHERE connector = 'vtj-api' AND status = 'loaded'").first?.int("n")
    }

    @Test("three pages pulled while ajanTasalla is false, each a committed batch, the last key persisted")
    func threePages() throws {
        let setup = try Self.setUp()
        defer { setup.server.stop(); try? FileManager.default.removeItem(at: setup.folder) }
        let outcome = try Self.pull(setup).run(since: CalendarDate(year: 2026, month: 3, day: 1))
        #expect(outcome.pages.map(\.fromKey) == [100, 101, 102])
        #expect(outcome.pages.map(\.report.status) == [.loaded, .loaded, .loaded])
        #expect(outcome.lastKey == 103)
        #expect(outcome.upToDate)
        #expect(try PullCursor.read(setup.db, connector: "vtj-api") == 103)
        #expect(try Self.loadedBatches(setup.db) == 3)
        #expect(FakeVTJService.sentKeys(setup.server) == [100, 101, 102])

        let post = try #require(setup.server.requests.first { $0.method == "POST" })
        #expect(post.headers["authorization"] == "Basic " + Data("lahde:salasana".utf8).base64EncodedString())
        #expect(post.headers["x-road-client"] == "FI/COM/0245437-2/lahde")
        #expect(post.headers["content-type"] == "application/json")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(post.body)) as? [String: Any])
        #expect((body["hetulista"] as? [String])?.contains("130381-983D") == true)

        #expect(try VTJEndToEndTests.party(setup.db, "100001", "last_name") == "Sivula")
        #expect(try VTJEndToEndTests.party(setup.db, "100003", "home_municipality") == "049")
        #expect(try VTJEndToEndTests.party(setup.db, "100004", "deceased") == "true")

        // Up to date: the next pull asks from 103 and stops at the service's answer (404 here: no page).
        #expect(throws: ChangeAPIPullError.self) { try Self.pull(setup).run() }
        #expect(try PullCursor.read(setup.db, connector: "vtj-api") == 103)
    }

    @Test("a crash after a page's commit, before its key is stored: the next pull finds the page already loaded, nothing twice")
    func crashAfterCommit() throws {
        let setup = try Self.setUp()
        defer { setup.server.stop(); try? FileManager.default.removeItem(at: setup.folder) }
        #expect(throws: SimulatedCrash.self) {
            try Self.pull(setup).run(since: CalendarDate(year: 2026, month: 3, day: 1)) { page in
                if page.fromKey == 101 { throw SimulatedCrash() }
            }
        }
        #expect(try PullCursor.read(setup.db, connector: "vtj-api") == 101)
        #expect(try Self.loadedBatches(setup.db) == 2)

        let resumed = try Self.pull(setup).run()
        #expect(resumed.pages.map(\.fromKey) == [101, 102])
        #expect(resumed.pages.map(\.report.status) == [.alreadyLoaded, .loaded])
        #expect(try PullCursor.read(setup.db, connector: "vtj-api") == 103)
        #expect(try Self.loadedBatches(setup.db) == 3)
        let changes = try setup.db.query("""
            SELECT count(*) AS n FROM lahde.provenance_history h JOIN register.party_identifier i ON i.party_id = h.entity_id
            WHERE i.scheme = 'customer_number' AND i.value = '100003' AND h.field = 'home_municipality'
            """).first?.int("n")
        #expect(changes == 1)
    }

    @Test("an HTTP 500 mid-way that outlasts the retries stops with a clear error; the next pull resumes from the last committed key")
    func serverErrorMidway() throws {
        var setup = try Self.setUp()
        setup.settings.retries = 1
        defer { setup.server.stop(); try? FileManager.default.removeItem(at: setup.folder) }
        setup.service.fail(from: 102)
        var message = ""
        do {
            _ = try Self.pull(setup).run(since: CalendarDate(year: 2026, month: 3, day: 1))
        } catch let error as ChangeAPIPullError {
            message = error.description
        }
        #expect(message.contains("HTTP 500"))
        #expect(message.contains("/api/v1/muutokset"))
        #expect(message.contains("salasana") == false)
        #expect(try PullCursor.read(setup.db, connector: "vtj-api") == 102)
        #expect(try Self.loadedBatches(setup.db) == 2)
        #expect(try VTJEndToEndTests.party(setup.db, "100004", "deceased") != "true")

        let resumed = try Self.pull(setup).run()
        #expect(resumed.pages.map(\.fromKey) == [102])
        #expect(FakeVTJService.sentKeys(setup.server) == [100, 101, 102, 102])
        #expect(try PullCursor.read(setup.db, connector: "vtj-api") == 103)
        #expect(try VTJEndToEndTests.party(setup.db, "100004", "deceased") == "true")
    }

    @Test("the first pull without a cursor needs a starting day")
    func needsStart() throws {
        let setup = try Self.setUp()
        defer { setup.server.stop(); try? FileManager.default.removeItem(at: setup.folder) }
        var message = ""
        do { _ = try Self.pull(setup).run() } catch let error as ChangeAPIPullError { message = error.description }
        #expect(message.contains("--since"))
        #expect(setup.server.requests.isEmpty)
    }
}
