import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

/// `lahde pull vtj-api` as a scheduler calls it: the real binary, a real register, a fake change API on loopback.
@Suite("lahde pull vtj-api")
struct PullCommandTests {
    let lahde = LahdeExecutable.built()

    /// Pages from 100 and 101 end at 101 and 102; from 102 the service is up to date with an empty page.
    final class Service: @unchecked Sendable {
        private let lock = NSLock()
        private var broken = false
        var isBroken: Bool {
            get { lock.withLock { broken } }
            set { lock.withLock { broken = newValue } }
        }

        func respond(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
            if isBroken { return .init(status: 500, contentType: "text/plain", text: "maintenance") }
            if request.method == "GET" { return .init(contentType: "application/json", text: #"{"viimeisinKirjausavain": 100}"#) }
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
            let key = (body?["viimeisinKirjausavain"] as? NSNumber)?.intValue ?? 0
            let record = key == 100
                ? #"{"henkilotunnus": "130381-983D", "muutospv": "2026-03-02T08:00:00Z", "tietoryhmat": [{"tietoryhma": "KOTIKUNTA", "muutosattribuutti": "MUUTETTU", "kuntakoodi": "091"}]}"#
                : ""
            let next = min(key + 1, 102)
            return .init(contentType: "application/json", text: #"{"viimeisinKirjausavain": \#(next), "ajanTasalla": \#(key >= 101), "muutokset": [\#(record)]}"#)
        }
    }

    func jsonObject(_ output: String) throws -> [String: Any] {
        let line = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") })
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("--since starts the log, pages are imported until up to date, a failing service exits 2 and keeps the key")
    func pull() throws {
        let service = Service()
        let server = try LoopbackHTTPServer { service.respond($0) }
        defer { server.stop() }
        let folder = try TemporaryFolder.make(prefix: "lahde-pull-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let connectors = folder.appendingPathComponent("connectors")
        try FileManager.default.createDirectory(at: connectors, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: repository.appendingPathComponent("connectors/customer-system-jsonl.json"), to: connectors.appendingPathComponent("customer-system-jsonl.json"))
        var definition = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: repository.appendingPathComponent("connectors/vtj-api.json"))) as? [String: Any])
        definition["api"] = ["base_url": server.baseURL + "/api/v1", "backoff_seconds": 0.01, "max_backoff_seconds": 0.05]
        try JSONSerialization.data(withJSONObject: definition).write(to: connectors.appendingPathComponent("vtj-api.json"))

        let database = try TestCluster.freshDatabase(migrated: false)
        let environment = ["LAHDE_DATABASE_URL": database.conninfo, "LAHDE_CONNECTORS": connectors.path, "LAHDE_HOME": folder.appendingPathComponent("home").path]
        let customers = repository.appendingPathComponent("samples/observations/2026-01-01-customers.jsonl").path
        #expect(try lahde.run(["import", "--connector", "customer-system-jsonl", customers], environment: environment).status == 0)

        let first = try lahde.run(["pull", "vtj-api"], environment: environment)
        #expect(first.status == 1)
        #expect(first.errorOutput.contains("--since"))

        let pulled = try lahde.run(["pull", "vtj-api", "--since", "2026-03-01", "--json"], environment: environment)
        #expect(pulled.status == 0, "\(pulled.errorOutput)")
        let report = try jsonObject(pulled.output)
        #expect(report["last_key"] as? Int == 102)
        #expect(report["up_to_date"] as? Bool == true)
        let pages = try #require(report["pages"] as? [[String: Any]])
        let db = try database.connect()
        #expect(pages.map { $0["from_key"] as? Int } == [100, 101])
        #expect(pages.map { $0["status"] as? String } == ["loaded", "loaded"])
        // Pages are kept in the archive (LAHDE_HOME/archive by default) by hash, each with a sidecar naming it
        // by the day pulled and the key, as the ledger records them.
        let pageFolder = folder.appendingPathComponent("home/archive/vtj-api")
        let hashes = try FileManager.default.contentsOfDirectory(atPath: pageFolder.path).filter { $0.count == 64 }
        let kept = try hashes.map { hash in
            let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: pageFolder.appendingPathComponent(hash + ".json"))) as? [String: Any]
            return try #require(sidecar?["original_name"] as? String)
        }.sorted()
        let names = try db.query("SELECT file_name FROM lahde.batch WHERE connector = 'vtj-api' ORDER BY batch_id").rows.compactMap { $0["file_name"] }
        #expect(kept == names)
        #expect(names.count == 2)
        #expect(names.first?.hasSuffix("-0000000000000000100.json") == true)
        #expect(names.last?.hasSuffix("-0000000000000000101.json") == true)

        let municipality = try db.query("""
            SELECT p.home_municipality FROM register.party p JOIN register.party_identifier i USING (party_id)
            WHERE i.scheme = 'customer_number' AND i.value = '100001'
            """).first?["home_municipality"]
        #expect(municipality == "091")

        service.isBroken = true
        let failed = try lahde.run(["pull", "vtj-api", "--json"], environment: environment)
        #expect(failed.status == 2)
        let failure = try jsonObject(failed.output)
        #expect((failure["error"] as? String)?.contains("HTTP 500") == true)
        #expect((failure["error"] as? String)?.contains("after 4 attempts") == true)  // retried with backoff first
        #expect(failure["last_key"] as? Int == 102)

        service.isBroken = false
        let human = try lahde.run(["pull", "vtj-api"], environment: environment)
        #expect(human.status == 0, "\(human.errorOutput)")
        #expect(human.output.contains("up to date at key 102"))
    }
}
