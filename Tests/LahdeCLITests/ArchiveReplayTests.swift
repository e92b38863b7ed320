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
