import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

/// `lahde quarantine retry`: a row quarantined for a status code the definition did not know loads once
/// the definition knows it, with provenance pointing at the original file and line.
@Suite("lahde quarantine retry")
struct QuarantineRetryCommandTests {
    let lahde = LahdeExecutable.built()

    @Test("a CSV row with an unknown status code loads after the definition is fixed; one still bad keeps its row with the new reason")
    func retryAfterFixingTheDefinition() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let connectors = try TemporaryFolder.make(prefix: "lahde-retry-connectors")
        let repositoryConnectors = ImportCommandTests.repository.appendingPathComponent("connectors")
        for name in ["customer-system-jsonl", "asiakastieto-address"] {
            try FileManager.default.copyItem(
                at: repositoryConnectors.appendingPathComponent("\(name).json"), to: connectors.appendingPathComponent("\(name).json"))
        }
        // Trusted above the customer export here, so that the retried row's address is written and its
        // provenance can be read back.
        let asiakastieto = connectors.appendingPathComponent("asiakastieto-address.json")
        try String(contentsOf: asiakastieto, encoding: .utf8).replacingOccurrences(of: #""trust": { "default": 20 }"#, with: #""trust": { "default": 70 }"#)
            .write(to: asiakastieto, atomically: true, encoding: .utf8)
        let env = ["LAHDE_DATABASE_URL": database.conninfo, "LAHDE_CONNECTORS": connectors.path]
        let customers = ImportCommandTests.samples.appendingPathComponent("2026-01-01-customers.jsonl").path
        #expect(try lahde.run(["import", "--connector", "customer-system-jsonl", customers], environment: env).status == 0)

        let feed = try TemporaryFolder.make(prefix: "lahde-retry-feed").appendingPathComponent("asiakastieto-2026-02-20.csv")
        let text = """
            Asiakasnumero;Henkilötunnus;Sukunimi;Etunimet;Tilakoodi;Muutospäivä;Lähiosoite;Postinumero;Postitoimipaikka;Ulkomaan lähiosoite;Ulkomaan postinumero;Ulkomaan postitoimipaikka;Maakoodi
            100001;130381-983D;Salonen;Helmi;01;15.02.2026;Uusikatu 1;00100;Helsinki;;;;
            100002;020404A911X;Mäkinen;Juho;06;16.02.2026;Kauppakatu 9;90100;Oulu;;;;
            100004;280945Y917H;Mäkelä;Juho;07;17.02.2026;Torikatu 2;20100;Turku;;;;

            """
        try #require(text.data(using: .isoLatin1)).write(to: feed)
        let imported = try lahde.run(["import", "--connector", "asiakastieto-address", "--json", feed.path], environment: env)
        #expect(imported.status == 0, "\(imported.errorOutput)")
        let listed = try ImportCommandTests().jsonLines(try lahde.run(["quarantine", "list", "--json"], environment: env).output)
            .filter { $0["file"] as? String == "asiakastieto-2026-02-20.csv" }
        #expect(listed.map { $0["locator"] as? String } == ["line 3", "line 4"])
        let ids = listed.compactMap { $0["id"] as? Int }
        #expect(ids.count == 2)

        // Nothing fixed yet: both stay.
        let unfixed = try ImportCommandTests().jsonLines(try lahde.run(["quarantine", "retry", "--json"] + ids.map(String.init), environment: env).output)
        #expect(unfixed.first?["resolved"] as? [Int] == [])
        #expect(unfixed.first?["still_quarantined"] as? [Int] == ids)

        // The operator learns that 06 is a new address and adds it to the definition.
        let definitionFile = connectors.appendingPathComponent("asiakastieto-address.json")
        let definition = try String(contentsOf: definitionFile, encoding: .utf8)
        let fixed = definition.replacingOccurrences(of: #""05": "not-found""#, with: #""05": "not-found", "06": "new-address""#)
        #expect(fixed != definition)
        try fixed.write(to: definitionFile, atomically: true, encoding: .utf8)

        let retried = try lahde.run(["quarantine", "retry", "--all", "--json"], environment: env)
        #expect(retried.status == 0, "\(retried.errorOutput)")
        let outcomes = try ImportCommandTests().jsonLines(retried.output)
        // --all retries the customer file's quarantined lines too (still bad: they are broken JSON and bad identifiers).
        #expect(outcomes.count == 2)
        let outcome = try #require(outcomes.first { $0["file"] as? String == "asiakastieto-2026-02-20.csv" })
        #expect(outcome["resolved"] as? [Int] == [ids[0]])
        #expect(outcome["still_quarantined"] as? [Int] == [ids[1]])
        let retryBatch = try #require(outcome["retry_batch"] as? Int)

        let ledger = try ImportCommandTests().jsonLines(try lahde.run(["batches", "--json"], environment: env).output)
        #expect(ledger.first { $0["batch"] as? Int == retryBatch }?["retry_of"] as? Int == listed.first?["batch"] as? Int)

        // The value came from the original file and line.
        let provenance = try #require(try ImportCommandTests().jsonLines(
            try lahde.run(["provenance", "100002", "--field", "address.permanent.street", "--json"], environment: env).output).first)
        let tag = try #require((provenance["fields"] as? [[String: Any]])?.first)
        #expect(tag["value"] as? String == "Kauppakatu 9")
        #expect(tag["file"] as? String == "asiakastieto-2026-02-20.csv")
        #expect((tag["locator"] as? String)?.hasPrefix("line 3") == true)
        let originalSHA = try #require(try ImportCommandTests().jsonLines(imported.output).first?["sha256"] as? String)
        #expect(tag["sha256"] as? String == originalSHA)

        // Both rows are still listed: one resolved by the retry batch, one with the reason of the retry.
        let after = try ImportCommandTests().jsonLines(try lahde.run(["quarantine", "list", "--json"], environment: env).output)
            .filter { $0["file"] as? String == "asiakastieto-2026-02-20.csv" }
        #expect(after.map { $0["id"] as? Int } == ids)
        #expect(after.first?["resolved_by"] as? Int == retryBatch)
        #expect(after.last?["resolved_by"] is NSNull)
        let reason = after.last?["reason"] as? String ?? ""
        #expect(reason.hasPrefix("line 4"))
        #expect(reason.contains("07"))

        // A retried record is not retried again; a later import of the original file is still already-loaded.
        let again = try ImportCommandTests().jsonLines(try lahde.run(["quarantine", "retry", "--json", "--batch", String(listed.first?["batch"] as? Int ?? 0)], environment: env).output)
        #expect(again.first?["resolved"] as? [Int] == [])
        #expect(again.first?["still_quarantined"] as? [Int] == [ids[1]])
        #expect(try lahde.run(["quarantine", "retry", String(ids[0])], environment: env).status == 1)  // resolved already
        let reimport = try ImportCommandTests().jsonLines(try lahde.run(["import", "--connector", "asiakastieto-address", "--json", feed.path], environment: env).output)
        #expect(reimport.first?["status"] as? String == "already-loaded")
    }
}
