import Foundation
import LahdePostgres
import LahdeStore

/// A real PostgreSQL for the test suite, never a mock.
///
/// `ops/test` starts a throwaway server and names it in `LAHDE_TEST_DATABASE_URL` (key=value conninfo of
/// a superuser). Without it, the first test that needs a database starts one itself in a temporary
/// folder — with the same ``EmbeddedPostgres`` the product uses — and stops it when the process exits,
/// so a bare `swift test` works too wherever the PostgreSQL server package is installed.
public enum TestCluster {
    /// Superuser conninfo for the shared server (database `postgres`).
    public static func adminConninfo() throws -> String {
        try shared.get()
    }

    private static let shared: Result<String, any Error> = Result {
        if let url = ProcessInfo.processInfo.environment["LAHDE_TEST_DATABASE_URL"], !url.isEmpty {
            return url
        }
        let folder = try TemporaryFolder.make(prefix: "lahde-test-pg")
        let server = EmbeddedPostgres(home: folder, databaseName: "postgres")
        try server.start()
        TestClusterShutdown.register(server: server, folder: folder)
        return "host='\(server.socketDirectory)' port=\(server.port) dbname=postgres user=postgres"
    }

    /// A name of the template database that holds the fully migrated schema, made once per process.
    private static let migratedTemplate: Result<String, any Error> = Result {
        let name = "lahde_template_\(getpid())"
        let admin = try PostgresConnection(conninfo: try adminConninfo())
        try admin.execute(script: "DROP DATABASE IF EXISTS \(name)")
        try admin.execute(script: "CREATE DATABASE \(name)")
        do {
            let connection = try PostgresConnection(conninfo: try adminConninfo() + " dbname=\(name)")
            try Migrator(connection: connection).migrate()
        }
        return name
    }

    /// Creates an empty database for one test; with `migrated`, it already has the register's schema.
    public static func freshDatabase(migrated: Bool = true) throws -> TestDatabase {
        let name = "lahde_t_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let admin = try PostgresConnection(conninfo: try adminConninfo())
        if migrated {
            try admin.execute(script: "CREATE DATABASE \(name) TEMPLATE \(try migratedTemplate.get())")
        } else {
            try admin.execute(script: "CREATE DATABASE \(name)")
        }
        return TestDatabase(name: name, conninfo: try adminConninfo() + " dbname=\(name)")
    }
}

/// One test's private database. Left behind on purpose when a test fails, for inspection; the whole
/// throwaway server goes at the end of the run.
public struct TestDatabase: Sendable {
    public let name: String
    /// libpq conninfo (later keywords win, so `dbname` here overrides the admin one).
    public let conninfo: String

    public func connect() throws -> PostgresConnection {
        try PostgresConnection(conninfo: conninfo)
    }
}

/// Stops the server a test process started, when the process exits.
enum TestClusterShutdown {
    nonisolated(unsafe) private static var server: EmbeddedPostgres?
    nonisolated(unsafe) private static var folder: URL?

    static func register(server: EmbeddedPostgres, folder: URL) {
        self.server = server
        self.folder = folder
        atexit {
            _ = try? TestClusterShutdown.server?.stop()
            if let folder = TestClusterShutdown.folder { try? FileManager.default.removeItem(at: folder) }
        }
    }
}
