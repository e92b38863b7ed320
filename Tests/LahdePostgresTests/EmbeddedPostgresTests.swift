import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

/// The embedded server's life cycle, with real `initdb`/`pg_ctl` in a temporary folder. Serialized:
/// each test starts its own server and they would only compete for the two cores.
@Suite("Embedded PostgreSQL", .serialized)
struct EmbeddedPostgresTests {
    @Test("first start initialises, a second start is harmless, stop stops, a second stop is harmless")
    func lifeCycle() throws {
        let home = try TemporaryFolder.make(prefix: "lahde-embedded")
        defer { try? FileManager.default.removeItem(at: home) }
        let server = EmbeddedPostgres(home: home)
        #expect(server.state() == .notInitialised)
        #expect(try server.start() == true)
        defer { _ = try? server.stop() }
        guard case .running = server.state() else {
            Issue.record("server not running after start")
            return
        }
        #expect(try server.start() == false)
        let connection = try PostgresConnection(conninfo: server.conninfo)
        #expect(connection.serverVersion >= 150000)
        #expect(try connection.query("SELECT current_database() AS d").first?["d"] == "lahde")
        // No TCP listener: the only way in is the socket folder.
        #expect(try connection.query("SHOW listen_addresses").first?[0] == "")
        #expect(try server.stop() == true)
        #expect(server.state() == .stopped)
        #expect(try server.stop() == false)
    }

    @Test("after kill -9 of the server, start recovers from the stale pid file and the data is intact")
    func restartAfterKill() throws {
        let home = try TemporaryFolder.make(prefix: "lahde-embedded")
        defer { try? FileManager.default.removeItem(at: home) }
        let server = EmbeddedPostgres(home: home)
        try server.start()
        defer { _ = try? server.stop() }
        do {
            let connection = try PostgresConnection(conninfo: server.conninfo)
            try connection.execute(script: "CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)")
        }
        guard case .running(let pid) = server.state() else {
            Issue.record("server not running")
            return
        }
        kill(pid, SIGKILL)
        // The killed postmaster may linger as a zombie for a moment; state() must not count it as running.
        var waited = 0
        while case .running = server.state(), waited < 100 {
            usleep(50_000)
            waited += 1
        }
        #expect(server.state() == .stopped)
        #expect(FileManager.default.fileExists(atPath: server.dataDirectory + "/postmaster.pid"))
        #expect(try server.start() == true)
        let connection = try PostgresConnection(conninfo: server.conninfo)
        #expect(try connection.query("SELECT n FROM kept").first?.int("n") == 7)
    }

    @Test("a pid file naming a process that is not PostgreSQL is treated as stale")
    func pidReusedByAnotherProgram() throws {
        let home = try TemporaryFolder.make(prefix: "lahde-embedded")
        defer { try? FileManager.default.removeItem(at: home) }
        let server = EmbeddedPostgres(home: home)
        try server.start()
        try server.stop()
        // Our own pid is alive but is not a postgres process.
        try "\(getpid())\n\(server.dataDirectory)\n".write(toFile: server.dataDirectory + "/postmaster.pid", atomically: true, encoding: .utf8)
        #expect(server.state() == .stopped)
        #expect(try server.start() == true)
        defer { _ = try? server.stop() }
        guard case .running(let pid) = server.state() else {
            Issue.record("server not running after recovery")
            return
        }
        #expect(pid != getpid())
    }

    @Test("a socket path too long for unix sockets falls back to a short folder")
    func longSocketPath() throws {
        let deep = URL(fileURLWithPath: "/tmp/" + String(repeating: "deeply-nested-folder/", count: 6))
        let server = EmbeddedPostgres(home: deep)
        #expect(server.socketDirectory.hasPrefix("/tmp/lahde-"))
        #expect(server.socketDirectory.utf8.count < 40)
    }

    @Test("missing server programs give one clear line naming ops/setup")
    func missingBinaries() {
        let error = #expect(throws: EmbeddedPostgresError.self) {
            try PostgresBinaries.locate(
                environment: ["PATH": "/nonexistent", "LAHDE_PG_BIN": "/nonexistent"], debianRoot: "/nonexistent")
        }
        #expect(error?.description.contains("ops/setup") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test("LAHDE_PG_BIN is honoured before the Debian folders")
    func explicitBinaries() throws {
        let found = try PostgresBinaries.locate(environment: ["LAHDE_PG_BIN": "/usr/lib/postgresql/15/bin", "PATH": ""])
        #expect(found.directory == "/usr/lib/postgresql/15/bin")
    }
}
