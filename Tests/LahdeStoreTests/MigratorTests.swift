import _LahdeTestSupport
import Foundation
import LahdePostgres
@testable import LahdeStore
import Testing

@Suite("Schema migrations")
struct MigratorTests {
    @Test("applies every migration once, in order, and records checksums")
    func appliesOnce() throws {
        let db = try TestCluster.freshDatabase(migrated: false).connect()
        let first = try Migrator(connection: db).migrate()
        #expect(first == Migration.all.map { .applied(version: $0.version, name: $0.name) })
        let second = try Migrator(connection: db).migrate()
        #expect(second == Migration.all.map { .alreadyApplied(version: $0.version, name: $0.name) })
        let recorded = try db.query("SELECT version, checksum FROM lahde_schema_migration ORDER BY version").rows
        #expect(recorded.map { $0.int("version") } == Migration.all.map(\.version))
        #expect(recorded.map { $0["checksum"] } == Migration.all.map(\.checksum))
    }

    @Test("a changed, already-applied migration is refused with a clear error")
    func changedMigrationRefused() throws {
        let db = try TestCluster.freshDatabase(migrated: false).connect()
        let original = Migration(version: 900, name: "probe", bytes: Array("CREATE TABLE probe (n int);".utf8))
        try Migrator(connection: db, migrations: [original]).migrate()
        let edited = Migration(version: 900, name: "probe", bytes: Array("CREATE TABLE probe (n bigint);".utf8))
        let error = #expect(throws: MigrationError.self) { try Migrator(connection: db, migrations: [edited]).migrate() }
        #expect(error?.description.contains("was changed after it was applied") == true)
    }

    @Test("a failing migration leaves neither its changes nor its record")
    func failingMigrationIsAtomic() throws {
        let db = try TestCluster.freshDatabase(migrated: false).connect()
        let broken = Migration(version: 901, name: "broken", bytes: Array("CREATE TABLE half (n int); SELECT 1/0;".utf8))
        #expect(throws: PostgresError.self) { try Migrator(connection: db, migrations: [broken]).migrate() }
        #expect(try db.query("SELECT to_regclass('half') IS NULL AS gone").first?.bool("gone") == true)
        #expect(try db.query("SELECT count(*) AS n FROM lahde_schema_migration").first?.int("n") == 0)
    }

    @Test("two processes migrating at once both succeed and apply each migration once")
    func concurrentMigrators() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let results = ConcurrentResults()
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let connection = try database.connect()
                    results.append(try Migrator(connection: connection).migrate())
                } catch {
                    results.fail(error)
                }
            }
        }
        group.wait()
        #expect(results.errors.isEmpty, "\(results.errors)")
        let appliedCount = results.outcomes.flatMap { $0 }.filter {
            if case .applied = $0 { return true } else { return false }
        }.count
        #expect(appliedCount == Migration.all.count)
        let db = try database.connect()
        #expect(try db.query("SELECT count(*) AS n FROM lahde_schema_migration").first?.int("n") == Migration.all.count)
    }

    @Test("every SQL file in Migrations/ is listed, in version order, with matching names")
    func folderMatchesList() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/LahdeStore/Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        let listed = Migration.all.map { String(format: "V%03d_%@.sql", $0.version, $0.name) }
        #expect(files == listed)
        // Numbered 1, 2, 3, … with no gap: a gap would mean a migration was lost or renumbered.
        #expect(Migration.all.map(\.version) == Array(1...Migration.all.count))
        for migration in Migration.all {
            let onDisk = try String(contentsOf: folder.appendingPathComponent(String(format: "V%03d_%@.sql", migration.version, migration.name)), encoding: .utf8)
            #expect(onDisk == migration.sql)
        }
    }
}

/// Collects results from the threads of a concurrency test.
final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var storedOutcomes: [[Migrator.Outcome]] = []
    private var storedErrors: [String] = []

    var outcomes: [[Migrator.Outcome]] { lock.withLock { storedOutcomes } }
    var errors: [String] { lock.withLock { storedErrors } }

    func append(_ outcome: [Migrator.Outcome]) { lock.withLock { storedOutcomes.append(outcome) } }
    func fail(_ error: any Error) { lock.withLock { storedErrors.append("\(error)") } }
}
