import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

/// PostgreSQL going away in the middle of an import (issue 8). Runs on a cluster of its own, started and
/// stopped by the test, so that the shared test server is never touched.
@Suite("Faults: PostgreSQL stops during an import")
struct DatabaseFaultTests {
    let lahde = LahdeExecutable.built()

    /// Collects what a background `lahde` run returned.
    final class Run: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Result<ChildProcess.Outcome, any Error>?
        var result: Result<ChildProcess.Outcome, any Error>? { lock.withLock { stored } }
        func finish(_ result: Result<ChildProcess.Outcome, any Error>) { lock.withLock { stored = result } }
    }

    /// `pg_ctl stop -m immediate`: the postmaster and every backend quit at once, without a checkpoint; the
    /// next start runs crash recovery. As root, pg_ctl runs as the server's user.
    static func stopImmediately(_ server: EmbeddedPostgres) throws {
        let binaries = try PostgresBinaries.locate()
        let command = [binaries.pgCtl, "-D", server.dataDirectory, "-m", "immediate", "-w", "-t", "60", "stop"]
        let outcome = try ChildProcess.run(getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + command : command)
        #expect(outcome.status == 0, "\(outcome.output)")
    }

    @Test("stopped mid-batch: the import fails with a clear message and status 3, no partial batch, the rerun completes", .timeLimit(.minutes(5)))
    func serverStopsDuringImport() throws {
        let folder = try TemporaryFolder.make(prefix: "lahde-fault")
        let server = EmbeddedPostgres(home: folder.appendingPathComponent("pg"), databaseName: "lahde_fault")
        try server.start()
        defer {
            _ = try? server.stop()
            try? FileManager.default.removeItem(at: folder)
        }
        let feed = folder.appendingPathComponent("big.jsonl")
        let recordCount = 40_000
        var text = ""
        text.reserveCapacity(recordCount * 260)
        for n in 0..<recordCount {
            text += #"{"entity":"party","keys":{"customer_number":"\#(600000 + n)"},"valid_from":"2026-01-01","fields":{"last_name":"Suku\#(n)","first_names":"Etu","email":"p\#(n)@example.fi","address.permanent.street":"Katu \#(n % 97)","address.permanent.postal_code":"00100"}}"#
            text += "\n"
        }
        try text.write(to: feed, atomically: true, encoding: .utf8)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let environment = [
            "LAHDE_DATABASE_URL": server.conninfo, "LAHDE_HOME": folder.path,
            "LAHDE_CONNECTORS": repository.appendingPathComponent("connectors").path,
        ]
        // Migrate first, so that the import's time is the batch's.
        #expect(try lahde.run(["db", "migrate"], environment: environment).status == 0)

        let run = Run()
        let lahde = self.lahde
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            run.finish(Result { try lahde.run(["import", "--connector", "customer-system-jsonl", "--json", feed.path], environment: environment) })
            finished.signal()
        }
        // Wait until the batch is under way: its ledger row says `loading` (committed on its own before the
        // batch's transaction begins) and the import's session is busy.
        let watcher = try PostgresConnection(conninfo: server.conninfo)
        var underWay = false
        for _ in 0..<6000 where run.result == nil {
            let loading = try watcher.query("SELECT count(*) AS n FROM lahde.batch WHERE status = 'loading'").first?.int("n") ?? 0
            let busy = try watcher.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"
            ).first?.int("n") ?? 0
            if loading == 1 && busy >= 1 {
                underWay = true
                break
            }
            usleep(10_000)
        }
        #expect(underWay, "the import finished before it could be interrupted; make the feed larger")
        try Self.stopImmediately(server)
        finished.wait()
        let outcome = try #require(try run.result?.get())
        #expect(outcome.status == 3, "status \(outcome.status): \(outcome.errorOutput)")
        #expect(outcome.errorOutput.contains("PostgreSQL connection failed"), "\(outcome.errorOutput)")
        #expect(outcome.errorOutput.contains("Fatal error") == false && outcome.errorOutput.contains("Stack dump") == false)
        let reports = outcome.output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(reports.allSatisfy { $0["status"] as? String != "loaded" })

        // After a restart (crash recovery) nothing of the batch is there.
        try server.start()
        let db = try PostgresConnection(conninfo: server.conninfo)
        #expect(try db.query("SELECT count(*) AS n FROM register.party").first?.int("n") == 0)
        #expect(try db.query("SELECT count(*) AS n FROM lahde.field_tag").first?.int("n") == 0)
        #expect(try db.query("SELECT count(*) AS n FROM lahde.provenance_change").first?.int("n") == 0)
        #expect(try db.query("SELECT count(*) AS n FROM lahde.batch WHERE status = 'loaded'").first?.int("n") == 0)

        let rerun = try lahde.run(["import", "--connector", "customer-system-jsonl", "--json", feed.path], environment: environment)
        #expect(rerun.status == 0, "\(rerun.errorOutput)")
        let report = try #require(rerun.output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.first)
        #expect(report["status"] as? String == "loaded")
        let counts = try #require(report["counts"] as? [String: Int])
        #expect(counts["read"] == recordCount)
        #expect(counts["applied"] == recordCount)
        #expect(try db.query("SELECT count(*) AS n FROM register.party").first?.int("n") == recordCount)
        let ledger = try db.query("SELECT status, read, applied, error FROM lahde.batch ORDER BY batch_id").rows
        #expect(ledger.map { $0["status"] } == ["failed", "loaded"])
        #expect(ledger.first?["error"] == "interrupted before commit")
        #expect(ledger.last?.int("read") == recordCount)
        #expect(ledger.last?.int("applied") == recordCount)
    }
}
