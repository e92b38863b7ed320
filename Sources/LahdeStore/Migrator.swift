import LahdePostgres
import Logging

/// Brings a database's schema up to the version this build of Lähde expects.
///
/// Two processes may start at once (two cron jobs, an import and a `db migrate`); a session-level
/// advisory lock makes the second wait until the first has finished, then find nothing left to do.
/// Each migration runs in its own transaction together with its ledger row, so a crash leaves a
/// migration either wholly applied and recorded or not at all.
public struct Migrator {
    /// Advisory lock key for schema changes ("lahde-mg" read as bytes).
    static let lockKey: Int64 = 0x6C61_6864_652D_6D67

    public enum Outcome: Sendable, Equatable {
        case applied(version: Int, name: String)
        case alreadyApplied(version: Int, name: String)
    }

    private let connection: PostgresConnection
    private let migrations: [Migration]
    private let logger: Logger

    public init(connection: PostgresConnection, migrations: [Migration] = Migration.all, logger: Logger = Logger(label: "lahde.migrate")) {
        self.connection = connection
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    @discardableResult
    public func migrate() throws -> [Outcome] {
        try connection.query("SELECT pg_advisory_lock($1)", Self.lockKey)
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", Self.lockKey) }
        // Looked up before creating: `CREATE TABLE IF NOT EXISTS` needs CREATE on the schema even when the
        // table exists, and the roles an import runs as (lahde_loader, V008) have no CREATE anywhere.
        let recordExists = try connection.query(
            "SELECT to_regclass('public.lahde_schema_migration') IS NOT NULL AS present").first?.bool("present") ?? false
        if !recordExists {
            try connection.execute(script: """
            CREATE TABLE IF NOT EXISTS public.lahde_schema_migration (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        }
        let recorded = try connection.query("SELECT version, name, checksum FROM public.lahde_schema_migration").rows
        var applied: [Int: (name: String, checksum: String)] = [:]
        for row in recorded {
            if let version = row.int("version") {
                applied[version] = (row.string("name") ?? "", row.string("checksum") ?? "")
            }
        }
        let known = Set(migrations.map(\.version))
        if let unknown = applied.keys.filter({ !known.contains($0) }).max() {
            throw MigrationError(
                "the database has migration \(unknown) (\(applied[unknown]?.name ?? "?")), which this build of lahde does not know; it was written by a newer lahde"
            )
        }
        var outcomes: [Outcome] = []
        for migration in migrations {
            if let existing = applied[migration.version] {
                guard existing.checksum == migration.checksum else {
                    throw MigrationError(
                        "migration \(migration.version) (\(migration.name)) was changed after it was applied to this database (recorded checksum \(existing.checksum.prefix(12))…, now \(migration.checksum.prefix(12))…); add a new migration instead of editing an applied one"
                    )
                }
                outcomes.append(.alreadyApplied(version: migration.version, name: migration.name))
                continue
            }
            logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            try connection.transaction {
                try connection.execute(script: migration.sql)
                try connection.query(
                    "INSERT INTO public.lahde_schema_migration (version, name, checksum) VALUES ($1, $2, $3)",
                    migration.version, migration.name, migration.checksum)
            }
            outcomes.append(.applied(version: migration.version, name: migration.name))
        }
        return outcomes
    }
}

/// A schema problem an operator must resolve before Lähde can run.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
