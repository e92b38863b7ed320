import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

/// `lahde replay`: the sample feeds, replayed into one database and into a fresh one, build the same
/// register — ids included, because the order is deterministic — and a second replay changes nothing.
@Suite("lahde replay")
struct ReplayCommandTests {
    let lahde = LahdeExecutable.built()
    static let samples = ImportCommandTests.repository.appendingPathComponent("samples")

    @Test("replaying the samples into a database and into a fresh one yields identical registers and provenance; a second replay is all already-loaded")
    func replayReproducesTheRegister() throws {
        let databaseA = try TestCluster.freshDatabase(migrated: false)
        let envA = ImportCommandTests().environment(databaseA)
        let first = try lahde.run(["replay", "--json", Self.samples.path], environment: envA)
        #expect(first.status == 0, "\(first.errorOutput)")
        let summary = try #require(try ImportCommandTests().jsonLines(first.output).first)
        let files = try #require(summary["files"] as? [[String: Any]])
        // Every file under samples/ is either replayed or listed as skipped.
        let onDisk = try Self.sampleFileCount()
        let skipped = try #require(summary["skipped"] as? [String])
        #expect(files.count + skipped.count == onDisk)
        #expect(files.allSatisfy { $0["status"] as? String == "loaded" })
        // The customer system's own records first (1 January).
        #expect(files.first?["connector"] as? String == "customer-system-jsonl")
        #expect(files.prefix(3).map { $0["file"] as? String }.contains("customers/customers-2026-01-01.csv"))
        let feedTimes = files.compactMap { $0["feed_time"] as? String }
        #expect(feedTimes.count == files.count && feedTimes == feedTimes.sorted())
        #expect((summary["skipped"] as? [String])?.sorted() == ["credit-data/expected.json", "datahub/README.md", "vtj/EXPECTED.md"])
        let totals = try #require(summary["totals"] as? [String: Any])
        #expect(totals["loaded"] as? Int == files.count)

        let home = try TemporaryFolder.make(prefix: "lahde-replay-fresh").appendingPathComponent("home")
        let server = EmbeddedPostgres(home: home)
        defer { _ = try? server.stop() }
        let fresh = try lahde.run(["replay", "--fresh", "--home", home.path, "--json", Self.samples.path], environment: envA)
        #expect(fresh.status == 0, "\(fresh.errorOutput)")
        #expect(try ImportCommandTests().jsonLines(fresh.output).first?["erasures_carried"] as? Int == 0)

        let connectionA = try databaseA.connect()
        let connectionB = try PostgresConnection(conninfo: server.conninfo)
        let dumpA = try Self.dump(connectionA)
        let dumpB = try Self.dump(connectionB)
        #expect(dumpA.keys.sorted() == dumpB.keys.sorted())
        for table in dumpA.keys.sorted() {
            let (rowsA, rowsB) = (dumpA[table] ?? [], dumpB[table] ?? [])
            #expect(rowsA.count == rowsB.count, "\(table): \(rowsA.count) rows against \(rowsB.count)")
            if let index = rowsA.indices.first(where: { $0 < rowsB.count && rowsA[$0] != rowsB[$0] }) {
                Issue.record("\(table) differs first at row \(index): \(rowsA[index]) against \(rowsB[index])")
            }
            #expect(rowsA.isEmpty == false || table == "register.contract", "\(table) is empty")
        }

        // --fresh never replays into a folder that already holds a database.
        let again = try lahde.run(["replay", "--fresh", "--home", home.path, Self.samples.path], environment: ["LAHDE_CONNECTORS": envA["LAHDE_CONNECTORS"]!])
        #expect(again.status == 1)
        #expect(again.errorOutput.contains("already holds a database"))

        let second = try lahde.run(["replay", "--json", Self.samples.path], environment: envA)
        #expect(second.status == 0)
        let secondFiles = try #require(try ImportCommandTests().jsonLines(second.output).first?["files"] as? [[String: Any]])
        #expect(secondFiles.count == files.count)
        #expect(secondFiles.allSatisfy { $0["status"] as? String == "already-loaded" })
        #expect(try Self.dump(connectionA) == dumpA)
    }

    @Test("a fresh replay carries the configured register's erasures: an erased person stays out of the rebuilt register")
    func freshReplayKeepsErasures() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let keyFolder = try TemporaryFolder.make(prefix: "lahde-replay-key")
        var env = ImportCommandTests().environment(database)
        env["LAHDE_HOME"] = keyFolder.path  // the configured register's key lives here (suppression.key)
        let observations = Self.samples.appendingPathComponent("observations").path
        #expect(try lahde.run(["replay", observations], environment: env).status == 0)
        let erase = try lahde.run(["erase", "100001", "--reason", "request 2026-114"], environment: env)
        #expect(erase.status == 0, "\(erase.errorOutput)")

        let home = try TemporaryFolder.make(prefix: "lahde-replay-fresh").appendingPathComponent("home")
        let server = EmbeddedPostgres(home: home)
        defer { _ = try? server.stop() }
        let fresh = try lahde.run(["replay", "--fresh", "--home", home.path, "--json", observations], environment: env)
        #expect(fresh.status == 0, "\(fresh.errorOutput)")
        let summary = try #require(try ImportCommandTests().jsonLines(fresh.output).first)
        #expect(summary["erasures_carried"] as? Int == 1)
        let totals = try #require((summary["totals"] as? [String: Any])?["counts"] as? [String: Int])
        #expect(totals["suppressed"] ?? 0 >= 1)
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("suppression.key").path))
        // The rebuilt register, used on its own, knows nobody by that customer number.
        let rebuilt = ["LAHDE_HOME": home.path, "LAHDE_CONNECTORS": env["LAHDE_CONNECTORS"]!]
        #expect(try lahde.run(["provenance", "100001"], environment: rebuilt).status == 1)
        #expect(try lahde.run(["provenance", "100002"], environment: rebuilt).status == 0)
    }

    @Test("a file two connectors claim stops the replay before anything is imported")
    func ambiguousFile() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let connectors = try TemporaryFolder.make(prefix: "lahde-replay-connectors")
        let repositoryConnectors = ImportCommandTests.repository.appendingPathComponent("connectors")
        for name in ["customer-system-jsonl", "rectification"] {
            var text = try String(contentsOf: repositoryConnectors.appendingPathComponent("\(name).json"), encoding: .utf8)
            text = text.replacingOccurrences(of: #""replay": { "files": ["*-customers.jsonl"] }"#, with: #""replay": { "files": ["*.jsonl"] }"#)
            text = text.replacingOccurrences(of: #""replay": { "files": ["*-rectifications.jsonl"] }"#, with: #""replay": { "files": ["*.jsonl"] }"#)
            try text.write(to: connectors.appendingPathComponent("\(name).json"), atomically: true, encoding: .utf8)
        }
        let result = try lahde.run(
            ["replay", Self.samples.appendingPathComponent("observations").path],
            environment: ["LAHDE_DATABASE_URL": database.conninfo, "LAHDE_CONNECTORS": connectors.path])
        #expect(result.status == 1)
        #expect(result.errorOutput.contains("more than one connector"))
        #expect(try database.connect().query("SELECT count(*) AS n FROM lahde.batch").first?.int("n") == 0)
    }

    @Test("a broken definition stops the replay only when one of the files is its to read")
    func brokenDefinition() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let connectors = try TemporaryFolder.make(prefix: "lahde-replay-connectors")
        let repositoryConnectors = ImportCommandTests.repository.appendingPathComponent("connectors")
        for name in ["customer-system-jsonl", "rectification", "datahub"] {
            try FileManager.default.copyItem(
                at: repositoryConnectors.appendingPathComponent("\(name).json"), to: connectors.appendingPathComponent("\(name).json"))
        }
        let datahub = connectors.appendingPathComponent("datahub.json")
        try String(contentsOf: datahub, encoding: .utf8).replacingOccurrences(of: #""default": 50"#, with: #""default": "high""#)
            .write(to: datahub, atomically: true, encoding: .utf8)
        let env = ["LAHDE_DATABASE_URL": database.conninfo, "LAHDE_CONNECTORS": connectors.path]

        let observations = try lahde.run(["replay", Self.samples.appendingPathComponent("observations").path], environment: env)
        #expect(observations.status == 0, "\(observations.errorOutput)")
        #expect(observations.errorOutput.contains("warning: datahub is not used by this replay"))

        let datahubFeeds = try lahde.run(["replay", Self.samples.appendingPathComponent("datahub").path], environment: env)
        #expect(datahubFeeds.status == 1)
        #expect(datahubFeeds.errorOutput.contains("is read by datahub, whose definition cannot be used"))
        #expect(try database.connect().query("SELECT count(*) AS n FROM lahde.batch WHERE connector = 'datahub'").first?.int("n") == 0)
    }

    /// Every register table and the provenance views, each row as JSON in a stable order, ids included,
    /// without the columns that hold the time of the run: creation and receipt times, and the validity
    /// of a value whose feed gave none (it is valid "as of receipt", so it is the receipt time).
    static func dump(_ connection: PostgresConnection) throws -> [String: [String]] {
        try connection.query("SET TimeZone = 'UTC'")
        var dump: [String: [String]] = [:]
        let tables = try connection.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'register' ORDER BY 1"
        ).rows.compactMap { $0["table_name"] }
        #expect(tables.count >= 7)
        let relations = tables.map { "register.\($0)" } + ["lahde.provenance", "lahde.provenance_history"]
        for relation in relations {
            let validity = relation.hasPrefix("lahde.")
                ? " || jsonb_build_object('valid_from', CASE WHEN t.valid_from = t.received_at THEN to_jsonb('as received'::text) ELSE to_jsonb(t.valid_from) END)"
                : ""
            dump[relation] = try connection.query(
                """
                SELECT row FROM (SELECT (to_jsonb(t) - ARRAY['created_at', 'added_at', 'received_at']\(validity))::text AS row FROM \(relation) t) r
                ORDER BY row
                """
            ).rows.compactMap { $0["row"] }
        }
        return dump
    }

    /// Files below the samples folder, hidden ones excepted, as replay walks it.
    static func sampleFileCount() throws -> Int {
        let enumerator = FileManager.default.enumerator(at: samples, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        var count = 0
        while let url = enumerator?.nextObject() as? URL {
            if try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true { count += 1 }
        }
        return count
    }
}
