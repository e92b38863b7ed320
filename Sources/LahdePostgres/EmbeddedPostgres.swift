import Foundation
import Logging

/// A private PostgreSQL cluster that Lähde initialises and runs in its own data folder.
///
/// A new user should need nothing but the README: when no `LAHDE_DATABASE_URL` is given, Lähde keeps its
/// register in `<home>/pgdata` and talks to it over a unix socket in `<home>/run` (no TCP listener at
/// all, socket mode 0700), so the only way in is through the file system's permissions on that folder.
///
/// PostgreSQL refuses to run as root; when Lähde is run as root the server runs as the `postgres` user
/// and the folders are handed to it.
public struct EmbeddedPostgres: Sendable {
    public enum State: Sendable, Equatable {
        case notInitialised
        case stopped
        case running(pid: Int32)
    }

    public let home: URL
    public let port: Int
    public let databaseName: String
    private let logger: Logger

    /// - Parameters:
    ///   - home: the data folder (`LAHDE_HOME`, default `.lahde` under the working directory).
    ///   - port: only names the socket file (`.s.PGSQL.<port>`): there is no TCP listener.
    public init(home: URL, port: Int = 5432, databaseName: String = "lahde", logger: Logger = Logger(label: "lahde.db")) {
        self.home = home.standardizedFileURL
        self.port = port
        self.databaseName = databaseName
        self.logger = logger
    }

    /// The data folder Lähde uses when none is configured.
    public static func defaultHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["LAHDE_HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home, isDirectory: true)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            .appendingPathComponent(".lahde", isDirectory: true)
    }

    public var dataDirectory: String { home.appendingPathComponent("pgdata").path }
    public var logFile: String { home.appendingPathComponent("postgres.log").path }

    /// The socket folder: `<home>/run`, or a short folder under `/tmp` when that path would exceed the
    /// 107-byte limit on unix socket paths.
    public var socketDirectory: String {
        let preferred = home.appendingPathComponent("run").path
        if preferred.utf8.count + "/.s.PGSQL.\(port).lock".utf8.count <= 100 { return preferred }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in home.path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "/tmp/lahde-" + String(hash, radix: 16)
    }

    /// libpq connection string for the register database.
    public var conninfo: String {
        "host='\(socketDirectory)' port=\(port) dbname=\(databaseName) user=postgres application_name=lahde"
    }

    // MARK: - State

    public func state() -> State {
        guard FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") else { return .notInitialised }
        if let pid = livePostmasterPID() { return .running(pid: pid) }
        return .stopped
    }

    /// The postmaster's pid if `postmaster.pid` names a live PostgreSQL process.
    ///
    /// After a crash or `kill -9` the pid file stays behind and the pid may since belong to another
    /// program; checking the process's name in `/proc` tells the two apart.
    public func livePostmasterPID() -> Int32? {
        guard let contents = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
            let firstLine = contents.split(separator: "\n").first, let pid = Int32(firstLine.trimmingCharacters(in: .whitespaces))
        else { return nil }
        return Self.isPostgresProcess(pid) ? pid : nil
    }

    static func isPostgresProcess(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
        else {
            return true  // no /proc (not Linux): trust kill(2)
        }
        // "pid (comm) S …": a killed server whose parent never reaps it stays a zombie (state Z), which
        // kill(2) still reports as present.
        let name = stat[stat.index(after: open)..<close]
        let state = stat[stat.index(after: close)...].drop(while: { $0 == " " }).first
        return (name == "postgres" || name == "postmaster") && state != "Z" && state != "X"
    }

    // MARK: - Start and stop

    /// Initialises the cluster if needed, starts it if it is not running and makes sure the register
    /// database exists. Starting a running server is harmless.
    ///
    /// - Returns: `true` if this call started the server.
    @discardableResult
    public func start() throws -> Bool {
        let binaries = try PostgresBinaries.locate()
        try prepareFolders()
        if state() == .notInitialised { try initialise(binaries) }
        if case .running = state() {
            try ensureDatabase()
            return false
        }
        removeStaleLockFiles()
        try startServer(binaries)
        try ensureDatabase()
        return true
    }

    /// Stops the server (fast shutdown: running transactions roll back). Stopping a stopped server is harmless.
    @discardableResult
    public func stop() throws -> Bool {
        guard case .running = state() else {
            removeStaleLockFiles()
            return false
        }
        let binaries = try PostgresBinaries.locate()
        let result = try runAsServerUser([binaries.pgCtl, "-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"])
        guard result.status == 0 else {
            throw EmbeddedPostgresError("pg_ctl stop failed: \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return true
    }

    private func initialise(_ binaries: PostgresBinaries) throws {
        logger.info("initialising PostgreSQL cluster", metadata: ["folder": "\(dataDirectory)"])
        let result = try runAsServerUser([
            binaries.initdb, "-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
        ])
        guard result.status == 0 else {
            throw EmbeddedPostgresError("initdb failed: \(result.output.suffix(600))")
        }
        // Settings for a batch loader on a small machine. No TCP listener; only the owner may use the socket.
        // A batch rewrites whole pages of the register, and the first change to a page after a checkpoint logs
        // the page in full: compressing those images cut a million-row update's WAL writing by about a tenth.
        let settings = """

            # --- Lähde embedded server ---
            listen_addresses = ''
            unix_socket_directories = '\(socketDirectory)'
            unix_socket_permissions = 0700
            port = \(port)
            shared_buffers = 256MB
            work_mem = 64MB
            maintenance_work_mem = 256MB
            max_wal_size = 4GB
            checkpoint_timeout = 15min
            wal_compression = lz4
            logging_collector = off
            log_min_messages = warning
            log_statement = 'none'
            log_min_error_statement = panic
            """
        // log_min_error_statement = panic: a failed statement's text could hold personal data; the server
        // log must not copy it.
        let configPath = dataDirectory + "/postgresql.conf"
        guard let handle = FileHandle(forWritingAtPath: configPath) else {
            throw EmbeddedPostgresError("cannot append to \(configPath)")
        }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
        try handle.close()
    }

    private func startServer(_ binaries: PostgresBinaries) throws {
        // After a kill -9 the old server's children may hold the shared-memory segment for a moment
        // ("pre-existing shared memory block is still in use"); they exit once they notice the postmaster
        // is gone, so a few retries get through.
        var lastOutput = ""
        for attempt in 1...5 {
            let result = try runAsServerUser([
                binaries.pgCtl, "-D", dataDirectory, "-l", logFile, "-w", "-t", "60",
                "-o", "-c unix_socket_directories='\(socketDirectory)' -c listen_addresses='' -p \(port)", "start",
            ])
            if result.status == 0 { return }
            lastOutput = result.output
            logger.warning("PostgreSQL did not start, retrying", metadata: ["attempt": "\(attempt)"])
            Thread.sleep(forTimeInterval: Double(attempt))
            removeStaleLockFiles()
        }
        let logTail = (try? String(contentsOfFile: logFile, encoding: .utf8))?.split(separator: "\n").suffix(5)
            .joined(separator: "\n") ?? ""
        throw EmbeddedPostgresError("PostgreSQL did not start: \(lastOutput.trimmingCharacters(in: .whitespacesAndNewlines))\n\(logTail)")
    }

    private func ensureDatabase() throws {
        let maintenance = "host='\(socketDirectory)' port=\(port) dbname=postgres user=postgres application_name=lahde"
        let connection = try PostgresConnection(conninfo: maintenance)
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", databaseName).rows.count == 1
        guard !exists else { return }
        // Identifiers cannot be parameters; the name is Lähde's own setting, quoted as an identifier.
        let quotedName = "\"" + databaseName.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        do {
            try connection.execute(script: "CREATE DATABASE " + quotedName)
        } catch {
            // 42P04: created by a concurrent `lahde` process in the meantime.
            guard error.sqlState == "42P04" else { throw error }
        }
    }

    /// Removes `postmaster.pid` and the socket lock file when the process they name is gone.
    private func removeStaleLockFiles() {
        let pidFile = dataDirectory + "/postmaster.pid"
        if FileManager.default.fileExists(atPath: pidFile), livePostmasterPID() == nil {
            logger.notice("removing stale postmaster.pid left by a crashed server")
            try? FileManager.default.removeItem(atPath: pidFile)
        }
        let socketLock = socketDirectory + "/.s.PGSQL.\(port).lock"
        if let contents = try? String(contentsOfFile: socketLock, encoding: .utf8),
            let pid = contents.split(separator: "\n").first.flatMap({ Int32($0.trimmingCharacters(in: .whitespaces)) }),
            !Self.isPostgresProcess(pid)
        {
            try? FileManager.default.removeItem(atPath: socketLock)
            try? FileManager.default.removeItem(atPath: socketDirectory + "/.s.PGSQL.\(port)")
        }
    }

    // MARK: - Running as the server's user

    private var runningAsRoot: Bool { geteuid() == 0 }

    private func prepareFolders() throws {
        let fileManager = FileManager.default
        for folder in [home.path, socketDirectory] {
            try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try fileManager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: socketDirectory)
        guard runningAsRoot else { return }
        try fileManager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: home.path)
        guard let postgresUser = getpwnam("postgres") else {
            throw EmbeddedPostgresError("running as root needs the 'postgres' user, which the postgresql package creates; run ops/setup")
        }
        let uid = postgresUser.pointee.pw_uid
        let gid = postgresUser.pointee.pw_gid
        if !fileManager.fileExists(atPath: dataDirectory) {
            try fileManager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        }
        for folder in [dataDirectory, socketDirectory] { chown(folder, uid, gid) }
        if !fileManager.fileExists(atPath: logFile) { _ = fileManager.createFile(atPath: logFile, contents: nil) }
        chown(logFile, uid, gid)
        let probe = try run(["/usr/sbin/runuser", "-u", "postgres", "--", "test", "-w", dataDirectory])
        guard probe.status == 0 else {
            throw EmbeddedPostgresError(
                "the PostgreSQL server runs as user 'postgres', which cannot reach \(home.path); set LAHDE_HOME to a folder it can enter (e.g. /var/lib/lahde)"
            )
        }
    }

    private func runAsServerUser(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try run(runningAsRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments)
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let outcome = try ChildProcess.run(arguments)
        return (outcome.status, outcome.output)
    }
}
