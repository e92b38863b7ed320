import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

/// `lahde replay` of the jobs' archive (`archive/<connector>/<sha256>` with sidecars): two jobs run by
/// `lahde run`, then their archive replayed into a fresh database, build the same register.
@Suite("lahde replay of the jobs' archive")
struct ArchiveReplayTests {
    let lahde = LahdeExecutable.built()
    static let observations = ImportCommandTests.repository.appendingPathComponent("samples/observations")

    /// A connectors folder with the shipped `name` definitions made into jobs that fetch `file` by file://.
    static func jobs(_ jobs: [(name: String, file: URL)], into connectors: URL) throws {
        try FileManager.default.createDirectory(at: connectors, withIntermediateDirectories: true)
        let shipped = ImportCommandTests.repository.appendingPathComponent("connectors")
        for job in jobs {
            let data = try Data(contentsOf: shipped.appendingPathComponent(job.name + ".json"))
            var definition = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            definition["schedule"] = "0 0 1 1 *"
            definition["fetch"] = ["url": job.file.absoluteString, "retries": 1]
            try JSONSerialization.data(withJSONObject: definition).write(to: connectors.appendingPathComponent(job.name + ".json"))
        }
    }

    @Test("two jobs' archive replayed into a fresh database gives the original run's register; the ledger shows the original names")
    func archiveReplayReproducesTheRun() throws {
        let folder = try TemporaryFolder.make(prefix: "lahde-archive-replay")
        let connectors = folder.appendingPathComponent("connectors")
        try Self.jobs(
            [
                ("customer-system-jsonl", Self.observations.appendingPathComponent("2026-01-01-customers.jsonl")),
                ("rectification", Self.observations.appendingPathComponent("2026-02-15-rectifications.jsonl")),
            ], into: connectors)
        let archive = folder.appendingPathComponent("archive")
        let database = try TestCluster.freshDatabase(migrated: false)
        let env = [
            "LAHDE_DATABASE_URL": database.conninfo, "LAHDE_CONNECTORS": connectors.path, "LAHDE_HOME": folder.path,
            "LAHDE_ARCHIVE": archive.path,
        ]
        for job in ["customer-system-jsonl", "rectification"] {
            let run = try lahde.run(["run", job, "--json"], environment: env)
            #expect(run.status == 0, "\(run.errorOutput)")
        }
        // The archive holds the feeds by hash, each with its sidecar.
        let archived = try FileManager.default.contentsOfDirectory(atPath: archive.appendingPathComponent("rectification").path)
        #expect(archived.filter { $0.count == 64 }.count == 1)
        #expect(archived.filter { $0.hasSuffix(".json") }.count == 1)

        let home = folder.appendingPathComponent("rebuilt")
        let server = EmbeddedPostgres(home: home)
        defer { _ = try? server.stop() }
        let replay = try lahde.run(["replay", "--fresh", "--home", home.path, "--json", archive.path], environment: env)
        #expect(replay.status == 0, "\(replay.errorOutput)")
        let summary = try #require(try ImportCommandTests().jsonLines(replay.output).first)
        let files = try #require(summary["files"] as? [[String: Any]])
        #expect(files.map { $0["original_name"] as? String } == ["2026-01-01-customers.jsonl", "2026-02-15-rectifications.jsonl"])
        #expect(files.map { $0["connector"] as? String } == ["customer-system-jsonl", "rectification"])
        #expect(files.allSatisfy { $0["status"] as? String == "loaded" && $0["feed_time_from"] as? String == "original-name" })
        #expect((summary["skipped"] as? [String]) == [])

        let original = try database.connect()
        let rebuilt = try PostgresConnection(conninfo: server.conninfo)
        let (dumpA, dumpB) = (try ReplayCommandTests.dump(original), try ReplayCommandTests.dump(rebuilt))
        #expect(dumpA.keys.sorted() == dumpB.keys.sorted())
        for table in dumpA.keys.sorted() {
            let (rowsA, rowsB) = (dumpA[table] ?? [], dumpB[table] ?? [])
            #expect(rowsA.count == rowsB.count, "\(table): \(rowsA.count) rows against \(rowsB.count)")
            if let index = rowsA.indices.first(where: { $0 < rowsB.count && rowsA[$0] != rowsB[$0] }) {
                Issue.record("\(table) differs first at row \(index): \(rowsA[index]) against \(rowsB[index])")
            }
        }
        #expect(dumpA["register.party"]?.isEmpty == false)
        let names = try rebuilt.query("SELECT file_name FROM lahde.batch ORDER BY batch_id").rows.compactMap { $0["file_name"] }
        #expect(names == ["2026-01-01-customers.jsonl", "2026-02-15-rectifications.jsonl"])
    }
}

/// One archive: `lahde run`, `lahde pull datahub` and `lahde pull vtj-api` all keep what they fetched
/// under LAHDE_ARCHIVE, and `lahde replay` of it rebuilds the register they built.
@Suite("one archive for jobs and pulls")
struct OneArchiveTests {
    let lahde = LahdeExecutable.built()

    @Test("a job, a Datahub pull and a VTJ pull archived under one root; replaying the root into a fresh database gives the same register")
    func jobsAndPullsReplay() throws {
        let folder = try TemporaryFolder.make(prefix: "lahde-one-archive")
        let connectors = folder.appendingPathComponent("connectors")
        try ArchiveReplayTests.jobs(
            [("customer-system-jsonl", ArchiveReplayTests.observations.appendingPathComponent("2026-01-01-customers.jsonl"))], into: connectors)
        let shipped = ImportCommandTests.repository.appendingPathComponent("connectors")
        let service = PullCommandTests.Service()
        let vtjServer = try LoopbackHTTPServer { service.respond($0) }
        defer { vtjServer.stop() }
        var vtj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: shipped.appendingPathComponent("vtj-api.json"))) as? [String: Any])
        vtj["api"] = ["base_url": vtjServer.baseURL + "/api/v1"]
        try JSONSerialization.data(withJSONObject: vtj).write(to: connectors.appendingPathComponent("vtj-api.json"))
        var datahub = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: shipped.appendingPathComponent("datahub.json"))) as? [String: Any])
        var format = try #require(datahub["format"] as? [String: Any])
        format["xsd_folder"] = ImportCommandTests.repository.deletingLastPathComponent().appendingPathComponent("shared/reference/datahub/xsd").path
        datahub["format"] = format
        try JSONSerialization.data(withJSONObject: datahub).write(to: connectors.appendingPathComponent("datahub.json"))
        let fake = try DatahubPullTests.FakeDatahub(messages: DatahubPullTests.messages)

        let archive = folder.appendingPathComponent("archive")
        let database = try TestCluster.freshDatabase(migrated: false)
        let env = [
            "LAHDE_DATABASE_URL": database.conninfo, "LAHDE_CONNECTORS": connectors.path, "LAHDE_HOME": folder.path,
            "LAHDE_ARCHIVE": archive.path, "LAHDE_DATAHUB_URL": fake.server.baseURL + "/soap/FGR?organisationUser=LAHDE_TEST",
        ]
        let run = try lahde.run(["run", "customer-system-jsonl", "--json"], environment: env)
        #expect(run.status == 0, "\(run.errorOutput)")
        let pulledVTJ = try lahde.run(["pull", "vtj-api", "--since", "2026-03-01", "--json"], environment: env)
        #expect(pulledVTJ.status == 0, "\(pulledVTJ.errorOutput)")
        let pulledDatahub = try lahde.run(["pull", "datahub", "--json"], environment: env)
        #expect(pulledDatahub.status == 0, "\(pulledDatahub.errorOutput)")

        // Each pull's feeds lie by hash in its connector's folder, each with a sidecar; nothing is left partial.
        for (connector, count) in [("datahub", 3), ("vtj-api", 2), ("customer-system-jsonl", 1)] {
            let names = try FileManager.default.contentsOfDirectory(atPath: archive.appendingPathComponent(connector).path)
            #expect(names.filter { $0.count == 64 }.count == count, "\(connector): \(names)")
            #expect(names.filter { $0.count == 69 && $0.hasSuffix(".json") }.count == count, "\(connector): \(names)")
            let partial = (try? FileManager.default.contentsOfDirectory(atPath: archive.appendingPathComponent("\(connector)/.partial").path)) ?? []
            #expect(partial.isEmpty)
        }
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("datahub-archive").path) == false)

        let home = folder.appendingPathComponent("rebuilt")
        let server = EmbeddedPostgres(home: home)
        defer { _ = try? server.stop() }
        let replay = try lahde.run(["replay", "--fresh", "--home", home.path, "--json", archive.path], environment: env)
        #expect(replay.status == 0, "\(replay.errorOutput)")
        let summary = try #require(try ImportCommandTests().jsonLines(replay.output).first)
        let files = try #require(summary["files"] as? [[String: Any]])
        #expect(files.map { $0["connector"] as? String } == ["customer-system-jsonl", "vtj-api", "vtj-api", "datahub", "datahub", "datahub"])
        #expect(files.allSatisfy { $0["status"] as? String == "loaded" })

        let original = try database.connect()
        let rebuilt = try PostgresConnection(conninfo: server.conninfo)
        let (dumpA, dumpB) = (try ReplayCommandTests.dump(original), try ReplayCommandTests.dump(rebuilt))
        for table in dumpA.keys.sorted() {
            let (rowsA, rowsB) = (dumpA[table] ?? [], dumpB[table] ?? [])
            #expect(rowsA.count == rowsB.count, "\(table): \(rowsA.count) rows against \(rowsB.count)")
            if let index = rowsA.indices.first(where: { $0 < rowsB.count && rowsA[$0] != rowsB[$0] }) {
                Issue.record("\(table) differs first at row \(index): \(rowsA[index]) against \(rowsB[index])")
            }
        }
        let batchNames = "SELECT connector || ' ' || file_name AS n FROM lahde.batch ORDER BY batch_id"
        #expect(try rebuilt.query(batchNames).rows.compactMap { $0["n"] } == original.query(batchNames).rows.compactMap { $0["n"] })
    }
}
