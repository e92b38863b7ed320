import LahdeCore

/// One versioned SQL file of the register's schema.
///
/// The SQL is compiled into the binary (SwiftPM `embedInCode`), so an installed `lahde` cannot run with a
/// different schema than it was built for, and the checksum recorded at apply time catches a file that
/// was edited after it reached a database.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public var checksum: String { SHA256.hex(of: Array(sql.utf8)) }

    init(version: Int, name: String, bytes: [UInt8]) {
        self.version = version
        self.name = name
        self.sql = String(decoding: bytes, as: UTF8.self)
    }

    /// Every migration, in the order they are applied. A new file in `Migrations/` must be listed here; a
    /// test fails when the folder and this list disagree.
    public static let all: [Migration] = [
        Migration(version: 1, name: "ledger", bytes: PackageResources.V001_ledger_sql),
        Migration(version: 2, name: "register", bytes: PackageResources.V002_register_sql),
        Migration(version: 3, name: "reported_death", bytes: PackageResources.V003_reported_death_sql),
        Migration(version: 4, name: "erasure", bytes: PackageResources.V004_erasure_sql),
        Migration(version: 5, name: "compact_provenance", bytes: PackageResources.V005_compact_provenance_sql),
        Migration(version: 6, name: "job_run", bytes: PackageResources.V006_job_run_sql),
        Migration(version: 7, name: "retry_and_retention", bytes: PackageResources.V007_retry_and_retention_sql),
        Migration(version: 8, name: "access_roles", bytes: PackageResources.V008_access_roles_sql),
        Migration(version: 9, name: "home_municipality", bytes: PackageResources.V009_home_municipality_sql),
        Migration(version: 10, name: "contract_merge", bytes: PackageResources.V010_contract_merge_sql),
        Migration(version: 11, name: "client_built_tags", bytes: PackageResources.V011_client_built_tags_sql),
    ]
}
