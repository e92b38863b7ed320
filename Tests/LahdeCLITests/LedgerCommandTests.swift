import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

@Suite("lahde batches and quarantine")
struct LedgerCommandTests {
    let lahde = LahdeExecutable.built()

    @Test("the ledger lists each batch with counts; quarantine shows each bad record with its exact bytes")
    func ledgerAndQuarantine() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let env = ImportCommandTests().environment(database)
        let customers = ImportCommandTests.samples.appendingPathComponent("2026-01-01-customers.jsonl").path
        _ = try lahde.run(["import", "--connector", "customer-system-jsonl", customers], environment: env)

        let batches = try ImportCommandTests().jsonLines(try lahde.run(["batches", "--json"], environment: env).output)
        #expect(batches.count == 1)
        #expect(batches.first?["status"] as? String == "loaded")
        #expect((batches.first?["counts"] as? [String: Int])?["quarantined"] == 3)

        let listed = try ImportCommandTests().jsonLines(try lahde.run(["quarantine", "list", "--json"], environment: env).output)
        #expect(listed.map { $0["locator"] as? String } == ["line 43", "line 44", "line 45"])
        let lastID = try #require(listed.last?["id"] as? Int)
        let shown = try #require(try ImportCommandTests().jsonLines(try lahde.run(["quarantine", "show", String(lastID), "--json"], environment: env).output).first)
        let raw = try #require(Data(base64Encoded: shown["raw_base64"] as? String ?? ""))
        #expect(String(decoding: raw, as: UTF8.self) == "this line is not JSON")
        // The henkilötunnus in the first quarantined record's reason is never shown in full.
        let firstReason = try #require(listed.first?["reason"] as? String)
        #expect(firstReason.contains("henkilötunnus"))
        #expect(firstReason.contains("010190-999K") == false)
        #expect(try lahde.run(["quarantine", "show", "999999"], environment: env).status == 1)
    }
}
