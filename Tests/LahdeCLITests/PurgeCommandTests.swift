import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

/// `lahde purge`: retention rules from a file, a dry run that counts exactly what a real run removes, and
/// a real run that removes it in one transaction with an audit row.
@Suite("lahde purge")
struct PurgeCommandTests {
    let lahde = LahdeExecutable.built()

    @Test("marketing permissions of parties without an active contract, old quarantined records and old archived files go; a dry run changes nothing")
    func purgeByRetentionRules() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let folder = try TemporaryFolder.make(prefix: "lahde-purge")
        let archive = folder.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        let rulesFile = folder.appendingPathComponent("retention.json")
        try #"""
            { "marketing_permission": { "days_after_last_use": 365 }, "quarantine": { "days": 90 }, "archive": { "folder": "archive", "days": 730 } }
            """#.write(to: rulesFile, atomically: true, encoding: .utf8)
        var env = ImportCommandTests().environment(database)
        env["LAHDE_RETENTION"] = rulesFile.path
        let customers = ImportCommandTests.samples.appendingPathComponent("2026-01-01-customers.jsonl").path
        #expect(try lahde.run(["import", "--connector", "customer-system-jsonl", customers], environment: env).status == 0)

        let db = try database.connect()
        func count(_ sql: String) throws -> Int { try db.query(sql).first?.int("n") ?? -1 }
        func party(_ customerNumber: String) throws -> Int {
            try #require(try db.query(
                "SELECT party_id FROM register.party_identifier WHERE scheme = 'customer_number' AND value = $1", customerNumber
            ).first?.int("party_id"))
        }
        // The permissions were last observed long ago; three customers have contracts: one active, one ended
        // ten days ago, one ended long ago.
        try db.query("UPDATE lahde.batch SET started_at = now() - interval '800 days'")
        try db.query("INSERT INTO register.accounting_point (gsrn) VALUES ('643000000000000019')")
        let (active, recentlyEnded, longEnded) = (try party("100002"), try party("100004"), try party("100005"))
        try db.query(
            """
            INSERT INTO register.contract (party_id, accounting_point_id, starts_on, ends_on)
            SELECT p, (SELECT accounting_point_id FROM register.accounting_point), '2020-01-01', e
            FROM (VALUES ($1::bigint, NULL::date), ($2, current_date - 10), ($3, current_date - 500)) AS c(p, e)
            """, active, recentlyEnded, longEnded)
        let permissions = try count("SELECT count(*) AS n FROM register.marketing WHERE direct_marketing_permission IS NOT NULL")
        #expect(try count("SELECT count(*) AS n FROM register.marketing WHERE direct_marketing_permission IS NOT NULL AND party_id IN (\(active), \(recentlyEnded), \(longEnded))") == 3)
        let bans = try count("SELECT count(*) AS n FROM register.marketing WHERE direct_marketing_ban IS NOT NULL")
        // One of the three quarantined records is old.
        try db.query("UPDATE lahde.quarantine SET created_at = now() - interval '100 days' WHERE quarantine_id = (SELECT min(quarantine_id) FROM lahde.quarantine)")
        let old = archive.appendingPathComponent("2020/old-feed.csv")
        let recent = archive.appendingPathComponent("recent-feed.csv")
        try FileManager.default.createDirectory(at: old.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("a;b\n".utf8).write(to: old)
        try Data("a;b\n".utf8).write(to: recent)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -800 * 86_400)], ofItemAtPath: old.path)

        let expected: [String: Int] = ["marketing_permissions": permissions - 2, "quarantined_records": 1, "archived_files": 1]
        let dryRun = try lahde.run(["purge", "--dry-run", "--json"], environment: env)
        #expect(dryRun.status == 0, "\(dryRun.errorOutput)")
        let planned = try #require(try ImportCommandTests().jsonLines(dryRun.output).first)
        #expect(planned["removed"] as? [String: Int] == expected)
        #expect(planned["purge"] is NSNull)
        #expect(try count("SELECT count(*) AS n FROM register.marketing WHERE direct_marketing_permission IS NOT NULL") == permissions)
        #expect(try count("SELECT count(*) AS n FROM lahde.quarantine") == 3)
        #expect(try count("SELECT count(*) AS n FROM lahde.purge") == 0)
        #expect(FileManager.default.fileExists(atPath: old.path))

        let purged = try lahde.run(["purge", "--json"], environment: env)
        #expect(purged.status == 0, "\(purged.errorOutput)")
        let report = try #require(try ImportCommandTests().jsonLines(purged.output).first)
        #expect(report["removed"] as? [String: Int] == expected)
        let purgeID = try #require(report["purge"] as? Int)

        #expect(try count("SELECT count(*) AS n FROM register.marketing WHERE direct_marketing_permission IS NOT NULL") == 2)
        #expect(try count("SELECT count(*) AS n FROM register.marketing WHERE direct_marketing_permission IS NOT NULL AND party_id IN (\(active), \(recentlyEnded))") == 2)
        #expect(try count("SELECT count(*) AS n FROM register.marketing WHERE direct_marketing_ban IS NOT NULL") == bans)
        // The purged values leave no provenance behind: no current tag, no value in the history.
        #expect(try count("SELECT count(*) AS n FROM lahde.provenance WHERE field = 'direct_marketing_permission'") == 2)
        #expect(try count("SELECT count(*) AS n FROM lahde.provenance_history WHERE field = 'direct_marketing_permission' AND new_value IS NOT NULL") == 2)
        #expect(try count("SELECT count(*) AS n FROM lahde.quarantine") == 2)
        #expect(FileManager.default.fileExists(atPath: old.path) == false)
        #expect(FileManager.default.fileExists(atPath: recent.path))
        let audit = try #require(try db.query("SELECT removed::text AS removed FROM lahde.purge WHERE purge_id = $1", purgeID).first?["removed"])
        #expect(audit.contains("\"quarantined_records\": 1"))

        // Nothing is left to purge.
        let again = try #require(try ImportCommandTests().jsonLines(try lahde.run(["purge", "--json"], environment: env).output).first)
        #expect(again["removed"] as? [String: Int] == ["marketing_permissions": 0, "quarantined_records": 0, "archived_files": 0])
    }

    @Test("without a rules file purge refuses with exit status 1")
    func noRules() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        var env = ImportCommandTests().environment(database)
        env["LAHDE_RETENTION"] = "/nonexistent/retention.json"
        let result = try lahde.run(["purge", "--dry-run"], environment: env)
        #expect(result.status == 1)
        #expect(result.errorOutput.contains("no retention rules"))
    }
}
