import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

/// `lahde import` killed with SIGKILL at random moments, round after round, each kill followed by a rerun:
/// the register must end exactly as one clean load of the same deliveries builds it (issue 8).
///
/// Each round delivers a new large file (new customers, changed fields, unchanged rows), so a kill can land
/// while the file is parsed, staged or merged. The kill points are random delays spread over the time a
/// clean import of the first file took; the seed is printed and can be replayed with `LAHDE_FAULT_SEED`.
/// `LAHDE_FAULT_ROUNDS` (default 20) runs a longer loop on demand.
@Suite("Faults: SIGKILL loop")
struct KillLoopTests {
    let lahde = LahdeExecutable.built()

    /// Records per delivery: large enough that the merge takes a noticeable share of the import.
    static let recordCount = 2000

    /// Delivery `round`: the same customers (plus a few new ones each round) with some fields changed.
    static func delivery(round: Int) -> String {
        var text = ""
        let day = String(format: "2026-%02d-%02d", 1 + (round / 28) % 12, 1 + round % 28)
        for n in 0..<(recordCount + round * 20) {
            // A third of the customers change their e-mail each round; a seventh move; the rest repeat.
            let email = n % 3 == round % 3 ? "p\(n).r\(round)@example.fi" : "p\(n)@example.fi"
            let street = n % 7 == round % 7 ? "Uusikatu \(round)" : "Katu \(n % 97)"
            text += #"{"entity":"party","keys":{"customer_number":"\#(500000 + n)"},"valid_from":"\#(day)","fields":{"last_name":"Suku\#(n)","first_names":"Etu","email":"\#(email)","address.permanent.street":"\#(street)","address.permanent.postal_code":"00100"}}"#
            text += "\n"
        }
        return text
    }

    @Test("lahde import SIGKILLed at random points of a large batch, round after round, each followed by a rerun, ends as one clean load")
    func killLoop() throws {
        let environment = ProcessInfo.processInfo.environment
        let rounds = Int(environment["LAHDE_FAULT_ROUNDS"] ?? "") ?? 20
        let seed = UInt64(environment["LAHDE_FAULT_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(UInt32.max))
        print("SIGKILL loop: \(rounds) rounds, seed \(seed) (replay with LAHDE_FAULT_SEED=\(seed))")
        var generator = SeededGenerator(seed: seed)

        let folder = try TemporaryFolder.make(prefix: "lahde-kill-loop")
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [URL] = []
        for round in 0..<rounds {
            let file = folder.appendingPathComponent(String(format: "delivery-%03d.jsonl", round))
            try Self.delivery(round: round).write(to: file, atomically: true, encoding: .utf8)
            files.append(file)
        }

        // The reference: every delivery loaded once, in order, never interrupted. The first import's time
        // sets the range of the kill delays (the deliveries differ little in size); the rest load in one
        // process, which saves a process start per round.
        let clean = try TestCluster.freshDatabase()
        let cleanEnvironment = ImportCommandTests().environment(clean)
        let started = Date()
        let first = try lahde.run(["import", "--connector", "customer-system-jsonl", "--json", files[0].path], environment: cleanEnvironment)
        let duration = Date().timeIntervalSince(started)
        #expect(first.status == 0, "\(first.errorOutput)")
        if files.count > 1 {
            let rest = try lahde.run(["import", "--connector", "customer-system-jsonl", "--json"] + files.dropFirst().map(\.path), environment: cleanEnvironment)
            #expect(rest.status == 0, "\(rest.errorOutput)")
        }

        let killed = try TestCluster.freshDatabase()
        let killedEnvironment = ImportCommandTests().environment(killed)
        let db = try killed.connect()
        var committedBeforeKill = 0
        for (round, file) in files.enumerated() {
            let delay = UInt32(Double.random(in: 0.05...1.1, using: &generator) * duration * 1_000_000)
            let process = try ChildProcess.spawnInBackground(
                [lahde.path, "import", "--connector", "customer-system-jsonl", file.path], environment: killedEnvironment)
            usleep(delay)
            kill(process, SIGKILL)
            var status: Int32 = 0
            waitpid(process, &status, 0)
            // The server may still be finishing what the killed client sent (a COMMIT already on the wire
            // commits): wait until its session is gone before looking.
            for _ in 0..<200 where try count(db, "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") > 0 {
                usleep(50_000)
            }
            // All or nothing: the round's batch is loaded whole or not at all.
            let loaded = try count(db, "SELECT count(*) AS n FROM lahde.batch WHERE status = 'loaded'")
            #expect(loaded == round || loaded == round + 1, "round \(round): \(loaded) loaded batches")
            if loaded == round + 1 { committedBeforeKill += 1 }
            print("round \(round): killed after \(delay / 1000) ms of ~\(Int(duration * 1000)) ms, batch \(loaded == round + 1 ? "already loaded" : "not loaded")")

            let rerun = try lahde.run(["import", "--connector", "customer-system-jsonl", "--json", file.path], environment: killedEnvironment)
            #expect(rerun.status == 0, "round \(round): \(rerun.errorOutput)")
            let expected = loaded == round + 1 ? "already-loaded" : "loaded"
            #expect(try ImportCommandTests().jsonLines(rerun.output).first?["status"] as? String == expected, "round \(round)")
            #expect(try count(db, "SELECT count(*) AS n FROM lahde.batch WHERE status = 'loaded'") == round + 1, "round \(round)")
            #expect(try count(db, "SELECT count(*) AS n FROM lahde.batch WHERE status = 'loading'") == 0, "round \(round)")
        }
        let interrupted = try count(db, "SELECT count(*) AS n FROM lahde.batch WHERE status = 'failed'")
        print("SIGKILL loop: \(rounds) kills survived: \(committedBeforeKill) after the commit, \(interrupted) inside the batch (ledger row written, then rolled back), \(rounds - committedBeforeKill - interrupted) before the batch began")

        // Nothing applied twice: one loaded batch per delivery, with the clean load's counts, which add up.
        let ledger = "SELECT sha256, read, applied, unchanged, superseded, quarantined, suppressed FROM lahde.batch WHERE status = 'loaded' ORDER BY sha256"
        let cleanDB = try clean.connect()
        let cleanLedger = try cleanDB.query(ledger).rows.map(\.values)
        let killedLedger = try db.query(ledger).rows.map(\.values)
        #expect(killedLedger == cleanLedger)
        #expect(killedLedger.count == rounds)
        for row in killedLedger {
            let numbers = row.dropFirst().map { Int($0 ?? "") ?? -1 }
            #expect(numbers[0] == numbers[1...].reduce(0, +), "\(row)")
        }
        #expect(try count(db, "SELECT count(*) AS n FROM lahde.provenance_change") == count(cleanDB, "SELECT count(*) AS n FROM lahde.provenance_change"))

        // The register and the provenance views equal the clean load's, row for row. Killed attempts use up
        // identity values, so ids are compared by their order, not their number.
        let cleanPrints = try Self.fingerprints(cleanDB)
        let killedPrints = try Self.fingerprints(db)
        #expect(cleanPrints.keys.sorted() == killedPrints.keys.sorted())
        #expect(cleanPrints.keys.count >= 9)
        for relation in cleanPrints.keys.sorted() {
            if cleanPrints[relation] != killedPrints[relation] {
                Issue.record("\(relation): clean \(cleanPrints[relation] ?? "") against \(killedPrints[relation] ?? "") after the kills; \(try Self.differingRow(relation, cleanDB, db))")
            }
        }
    }

    func count(_ db: PostgresConnection, _ sql: String) throws -> Int {
        try db.query(sql).first?.int("n") ?? -1
    }

    /// Every register table and provenance view as `rows:md5` of its rows, each row as JSON without the
    /// times of the run (as `ReplayCommandTests.dump` makes them), sorted, with every integer under a key
    /// ending in `_id` (or `batch`) replaced by its rank among all values of that key in the dump. So two
    /// registers built with gaps in their identity sequences compare equal exactly when their rows and
    /// the references between them agree. The history's own row id is left out: within one batch its order
    /// follows the query plan, which differs between two databases (the rows carry entity, batch and field).
    /// Done in SQL: the provenance history holds ~10^5 rows.
    static func fingerprints(_ connection: PostgresConnection) throws -> [String: String] {
        try connection.query("SET TimeZone = 'UTC'")
        let tables = try connection.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'register' ORDER BY 1"
        ).rows.compactMap { $0["table_name"] }
        let relations = tables.map { "register.\($0)" } + ["lahde.provenance", "lahde.provenance_history"]
        try connection.execute(script: "DROP TABLE IF EXISTS pg_temp.dumped, pg_temp.id_rank; CREATE TEMP TABLE dumped (relation text, j jsonb)")
        for relation in relations {
            let validity = relation.hasPrefix("lahde.")
                ? " || jsonb_build_object('valid_from', CASE WHEN t.valid_from = t.received_at THEN to_jsonb('as received'::text) ELSE to_jsonb(t.valid_from) END)"
                : ""
            try connection.execute(script: """
                INSERT INTO dumped SELECT '\(relation)', to_jsonb(t) - ARRAY['created_at', 'added_at', 'received_at', 'history_id']\(validity) FROM \(relation) t
                """)
        }
        try connection.execute(script: """
            CREATE TEMP TABLE id_rank AS
                SELECT key, value, dense_rank() OVER (PARTITION BY key ORDER BY value) AS rank
                FROM (SELECT DISTINCT e.key, (e.value #>> '{}')::bigint AS value FROM dumped d, jsonb_each(d.j) e
                      WHERE (e.key LIKE '%\\_id' OR e.key LIKE '%batch%') AND jsonb_typeof(e.value) = 'number') v;
            CREATE INDEX ON id_rank (key, value);
            """)
        let rows = try connection.query(
            "SELECT relation, count(*) AS n, md5(string_agg(row, E'\\n' ORDER BY row)) AS digest FROM (\(renumberedRows)) x GROUP BY relation"
        ).rows
        // The temporary tables stay for `differingRow`, until the session ends.
        var result: [String: String] = [:]
        for relation in relations { result[relation] = "0 rows" }
        for row in rows { result[row["relation"] ?? "?"] = "\(row["n"] ?? "?") rows, md5 \(row["digest"] ?? "?")" }
        return result
    }

    /// The renumbered rows of every dumped relation (from the temporary tables `fingerprints` leaves).
    static let renumberedRows = """
        SELECT relation, (j || coalesce((SELECT jsonb_object_agg(e.key, r.rank) FROM jsonb_each(d.j) e
            JOIN id_rank r ON r.key = e.key AND jsonb_typeof(e.value) = 'number' AND r.value = (e.value #>> '{}')::bigint), '{}'))::text AS row
        FROM dumped d
        """

    /// The first row where `relation` differs between two fingerprinted sessions, to say why they differ.
    static func differingRow(_ relation: String, _ a: PostgresConnection, _ b: PostgresConnection) throws -> String {
        let sql = "SELECT row FROM (\(renumberedRows)) x WHERE relation = '\(relation)' ORDER BY row"
        let (rowsA, rowsB) = (try a.query(sql).rows.compactMap { $0["row"] }, try b.query(sql).rows.compactMap { $0["row"] })
        guard let index = rowsA.indices.first(where: { $0 >= rowsB.count || rowsA[$0] != rowsB[$0] }) else { return "no row differs" }
        return "first at row \(index): \(rowsA[index]) against \(index < rowsB.count ? rowsB[index] : "nothing")"
    }
}

