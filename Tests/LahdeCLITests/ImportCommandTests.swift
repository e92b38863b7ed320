import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

/// `lahde import` and `lahde provenance` as other tools call them: the real binary against a real
/// PostgreSQL, each test with its own database.
@Suite("lahde import and provenance")
struct ImportCommandTests {
    let lahde = LahdeExecutable.built()
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = repository.appendingPathComponent("samples/observations")

    func environment(_ database: TestDatabase) -> [String: String] {
        ["LAHDE_DATABASE_URL": database.conninfo, "LAHDE_CONNECTORS": Self.repository.appendingPathComponent("connectors").path]
    }

    func jsonLines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("--json prints one object per file with the contract keys; a second import is already-loaded")
    func jsonContract() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let customers = Self.samples.appendingPathComponent("2026-01-01-customers.jsonl").path
        let first = try lahde.run(["import", "--connector", "customer-system-jsonl", "--json", customers, customers], environment: environment(database))
        #expect(first.status == 0, "\(first.errorOutput)")
        let reports = try jsonLines(first.output)
        #expect(reports.count == 2)
        let loaded = reports[0]
        #expect(loaded["file"] as? String == customers)
        #expect((loaded["sha256"] as? String)?.count == 64)
        #expect(loaded["batch"] as? Int != nil)
        #expect(loaded["status"] as? String == "loaded")
        let counts = try #require(loaded["counts"] as? [String: Int])
        #expect(counts["read"] == 45)
        #expect(counts["quarantined"] == 3)
        #expect(counts["read"] == counts["applied"]! + counts["unchanged"]! + counts["superseded"]! + counts["quarantined"]!)
        #expect(reports[1]["status"] as? String == "already-loaded")
        #expect(reports[1]["batch"] as? Int == loaded["batch"] as? Int)
    }

    @Test("a missing file fails (exit 2) without stopping the other files")
    func missingFile() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let customers = Self.samples.appendingPathComponent("2026-01-01-customers.jsonl").path
        let result = try lahde.run(["import", "--connector", "customer-system-jsonl", "--json", "/nonexistent/feed.jsonl", customers], environment: environment(database))
        #expect(result.status == 2)
        let reports = try jsonLines(result.output)
        #expect(reports.map { $0["status"] as? String } == ["failed", "loaded"])
    }

    @Test("an unknown connector names the folder and the known ones")
    func unknownConnector() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let result = try lahde.run(["import", "--connector", "nope", "x.jsonl"], environment: environment(database))
        #expect(result.status == 1)
        #expect(result.errorOutput.contains("no such connector definition"))
        #expect(result.errorOutput.contains("customer-system-jsonl"))
    }

    @Test("provenance --json lists every field with source, file, hash and rule; an unknown identifier exits 1")
    func provenanceJSON() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let env = environment(database)
        _ = try lahde.run(["import", "--connector", "customer-system-jsonl", Self.samples.appendingPathComponent("2026-01-01-customers.jsonl").path], environment: env)
        let corrections = try lahde.run(["import", "--connector", "rectification", "--json", Self.samples.appendingPathComponent("2026-02-15-rectifications.jsonl").path], environment: env)
        #expect(try jsonLines(corrections.output).first?["status"] as? String == "loaded")
        let result = try lahde.run(["provenance", "100001", "--json", "--history"], environment: env)
        #expect(result.status == 0, "\(result.errorOutput)")
        let object = try #require(try jsonLines(result.output).first)
        let entity = try #require(object["entity"] as? [String: Any])
        #expect(entity["kind"] as? String == "party")
        let fields = try #require(object["fields"] as? [[String: Any]])
        #expect(fields.count == 12)
        for field in fields {
            for key in ["field", "value", "source", "file", "sha256", "locator", "valid_from", "received_at", "rule", "history"] {
                #expect(field[key] != nil, "missing \(key) in \(field["field"] ?? "?")")
            }
        }
        let email = try #require(fields.first { $0["field"] as? String == "email" })
        #expect(email["source"] as? String == "rectification")
        #expect(email["rule"] as? String == "higher-trust")
        #expect((email["history"] as? [Any])?.count == 2)
        // The henkilötunnus is never printed in full.
        #expect(!result.output.contains("130381-983D"))
        let unknown = try lahde.run(["provenance", "424242"], environment: env)
        #expect(unknown.status == 1)
    }

    @Test("with the merge lock held elsewhere, --lock fail exits 4 at once and --lock wait finishes after release")
    func concurrentImportsAreSerialised() throws {
        let database = try TestCluster.freshDatabase()
        // Another session holds the register's merge lock for three seconds.
        let holdUntil = Date().addingTimeInterval(3)
        let holder = try ChildProcess.spawnInBackground(
            ["/usr/bin/psql", database.conninfo, "-c", "SELECT pg_advisory_lock(\(0x6C61_6864_652D_6D72))", "-c", "SELECT pg_sleep(3)"],
            environment: ProcessInfo.processInfo.environment)
        defer {
            var status: Int32 = 0
            waitpid(holder, &status, 0)
        }
        usleep(700_000)
        let customers = Self.samples.appendingPathComponent("2026-01-01-customers.jsonl").path
        let failFast = try lahde.run(["import", "--connector", "customer-system-jsonl", "--lock", "fail", customers], environment: environment(database))
        #expect(failFast.status == 4)
        #expect(failFast.errorOutput.contains("another import"))
        #expect(Date() < holdUntil)
        let waited = try lahde.run(["import", "--connector", "customer-system-jsonl", "--json", customers], environment: environment(database))
        #expect(waited.status == 0)
        #expect(Date() >= holdUntil)
        #expect(try jsonLines(waited.output).first?["status"] as? String == "loaded")
    }
}

@Suite("lahde export and erase")
struct SubjectRequestCommandTests {
    let lahde = LahdeExecutable.built()

    @Test("export shows every value with its source and the identifiers in full; erase removes the person for good")
    func exportThenErase() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let home = try TemporaryFolder.make(prefix: "lahde-erase")
        defer { try? FileManager.default.removeItem(at: home) }
        var env = ImportCommandTests().environment(database)
        env["LAHDE_HOME"] = home.path
        let customers = ImportCommandTests.samples.appendingPathComponent("2026-01-01-customers.jsonl").path
        _ = try lahde.run(["import", "--connector", "customer-system-jsonl", customers], environment: env)

        let export = try lahde.run(["export", "100001", "--json"], environment: env)
        #expect(export.status == 0, "\(export.errorOutput)")
        let object = try #require(try ImportCommandTests().jsonLines(export.output).first)
        let identifiers = try #require(object["identifiers"] as? [[String: String]])
        #expect(identifiers.contains { $0["scheme"] == "henkilotunnus" && $0["value"] == "130381-983D" })
        let fields = try #require(object["fields"] as? [[String: Any]])
        #expect(fields.count == 12)
        #expect(fields.allSatisfy { ($0["source"] as? String)?.isEmpty == false && ($0["sha256"] as? String)?.count == 64 })
        #expect((object["sources"] as? [Any])?.count == 1)

        let erase = try lahde.run(["erase", "100001", "--reason", "request 2026-114", "--json"], environment: env)
        #expect(erase.status == 0, "\(erase.errorOutput)")
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("suppression.key").path))
        #expect(try lahde.run(["provenance", "100001"], environment: env).status == 1)

        let again = try lahde.run(["import", "--connector", "customer-system-jsonl", "--force", "--json", customers], environment: env)
        let counts = try #require(try ImportCommandTests().jsonLines(again.output).first?["counts"] as? [String: Int])
        #expect(counts["suppressed"] == 1)
        #expect(try lahde.run(["provenance", "100001"], environment: env).status == 1)
    }

    @Test("export lists the person's contracts with the accounting point, start, end and the source of every contract value")
    func exportShowsContracts() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let env = ImportCommandTests().environment(database)
        let folder = ImportCommandTests.repository.appendingPathComponent("samples/customers")
        for (connector, file) in [
            ("customer-system", "customers-2026-01-01.csv"), ("customer-system-accounting-points", "accounting-points-2026-01-01.csv"),
            ("customer-system-contracts", "contracts-2026-01-02.csv"),
        ] {
            let run = try lahde.run(["import", "--connector", connector, folder.appendingPathComponent(file).path], environment: env)
            #expect(run.status == 0, "\(file): \(run.errorOutput)")
        }

        let export = try lahde.run(["export", "300004", "--json"], environment: env)
        #expect(export.status == 0, "\(export.errorOutput)")
        let object = try #require(try ImportCommandTests().jsonLines(export.output).first)
        let contracts = try #require(object["contracts"] as? [[String: Any]])
        #expect(contracts.count == 1)
        let contract = try #require(contracts.first)
        #expect(contract["contract_id"] as? String == "LAHDE-S-2016-0104")
        #expect((contract["accounting_point"] as? [String: Any])?["gsrn"] as? String == "643007000005001110")
        #expect(contract["starts_on"] as? String == "2016-09-01")
        #expect(contract["ends_on"] as? String == "2025-12-31")
        let fields = try #require(contract["fields"] as? [[String: Any]])
        #expect(Set(fields.compactMap { $0["field"] as? String }) == ["contract_accounting_point", "contract_end", "contract_party", "contract_start", "contract_type"])
        #expect(fields.allSatisfy { $0["source"] as? String == "customer-system-contracts" && ($0["sha256"] as? String)?.count == 64 })
        #expect(fields.allSatisfy { ($0["file"] as? String)?.hasSuffix("contracts-2026-01-02.csv") == true })
        let files = Set(((object["sources"] as? [[String: String]]) ?? []).compactMap { $0["file"] })
        #expect(files.contains { $0.hasSuffix("contracts-2026-01-02.csv") })

        // A person without contracts gets an empty list, and the human form names the contract.
        let other = try lahde.run(["export", "300020", "--json"], environment: env)
        #expect((try ImportCommandTests().jsonLines(other.output).first?["contracts"] as? [Any])?.isEmpty == true)
        let human = try lahde.run(["export", "300004"], environment: env)
        #expect(human.output.contains("LAHDE-S-2016-0104 at accounting point 643007000005001110"))
    }
}
