import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

/// The roles of migration 8 as operators use them: login roles granted one each, running the real binary.
@Suite("lahde as the loader, reader and privacy-officer roles")
struct AccessRoleCommandTests {
    let lahde = LahdeExecutable.built()

    @Test("a loader login imports, a privacy-officer login exports and erases, a reader login cannot run lahde's commands")
    func commandsPerRole() throws {
        let database = try TestCluster.freshDatabase()
        let admin = try database.connect()
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let logins = ["loader": "lahde_t_loader_\(suffix)", "officer": "lahde_t_officer_\(suffix)", "reader": "lahde_t_reader_\(suffix)"]
        try admin.execute(script: """
            CREATE ROLE \(logins["loader"]!) LOGIN; GRANT lahde_loader TO \(logins["loader"]!);
            CREATE ROLE \(logins["officer"]!) LOGIN; GRANT lahde_privacy_officer TO \(logins["officer"]!);
            CREATE ROLE \(logins["reader"]!) LOGIN; GRANT lahde_reader TO \(logins["reader"]!);
            """)
        defer {
            for login in logins.values { _ = try? admin.execute(script: "DROP OWNED BY \(login); DROP ROLE \(login)") }
        }
        let home = try TemporaryFolder.make(prefix: "lahde-roles")
        defer { try? FileManager.default.removeItem(at: home) }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        func environment(_ role: String) -> [String: String] {
            ["LAHDE_DATABASE_URL": database.conninfo + " user=\(logins[role]!)", "LAHDE_HOME": home.path,
             "LAHDE_CONNECTORS": repository.appendingPathComponent("connectors").path]
        }
        let customers = repository.appendingPathComponent("samples/observations/2026-01-01-customers.jsonl").path

        let imported = try lahde.run(["import", "--connector", "customer-system-jsonl", "--json", customers], environment: environment("loader"))
        #expect(imported.status == 0, "\(imported.errorOutput)")
        #expect(imported.output.contains("\"loaded\""))
        #expect(try lahde.run(["batches"], environment: environment("loader")).status == 0)

        let readerImport = try lahde.run(["import", "--connector", "customer-system-jsonl", "--force", customers], environment: environment("reader"))
        #expect(readerImport.status != 0)
        #expect(readerImport.errorOutput.contains("permission denied"), "\(readerImport.errorOutput)")
        let readerProvenance = try lahde.run(["provenance", "100001"], environment: environment("reader"))
        #expect(readerProvenance.status != 0)
        let readerExport = try lahde.run(["export", "100001", "--json"], environment: environment("reader"))
        #expect(readerExport.status != 0)
        #expect(readerExport.output.contains("130381-983D") == false)

        let export = try lahde.run(["export", "100001", "--json"], environment: environment("officer"))
        #expect(export.status == 0, "\(export.errorOutput)")
        #expect(export.output.contains("130381-983D"))
        let erase = try lahde.run(["erase", "100001", "--reason", "request 2026-200"], environment: environment("officer"))
        #expect(erase.status == 0, "\(erase.errorOutput)")
        #expect(try admin.query("SELECT count(*) AS n FROM register.party_identifier WHERE value = '100001'").first?.int("n") == 0)
        let officerImport = try lahde.run(["import", "--connector", "customer-system-jsonl", "--force", customers], environment: environment("officer"))
        #expect(officerImport.status != 0)
    }
}
