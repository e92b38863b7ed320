import Foundation

/// Runs a program to completion with posix_spawn and waitpid.
///
/// Foundation's `Process` on Linux was seen to hang in `waitUntilExit()` after `pg_ctl start`, whose
/// server daemonises out from under it; spawning and reaping the child directly has no such failure
/// mode. Output goes to a temporary file rather than a pipe because the daemon inherits the descriptor
/// and would hold a pipe open for its whole life.
public enum ChildProcess {
    public struct Outcome: Sendable {
        /// Exit status, or 128 + signal number when the child was killed.
        public let status: Int32
        /// Standard output, and standard error too unless it was asked for apart.
        public let output: String
        /// Standard error when `separateStandardError` was set, otherwise empty.
        public let errorOutput: String
    }

    /// - Parameters:
    ///   - arguments: the program's absolute path, then its arguments.
    ///   - environment: the child's whole environment; `nil` passes this process's own.
    ///   - standardInput: a file to read standard input from (default `/dev/null`).
    public static func run(
        _ arguments: [String], environment: [String: String]? = nil, standardInput: String = "/dev/null",
        separateStandardError: Bool = false
    ) throws -> Outcome {
        let stem = NSTemporaryDirectory() + "lahde-child-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let outputPath = stem + ".out", errorPath = stem + ".err"
        let outputFD = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard outputFD >= 0 else { throw EmbeddedPostgresError("cannot create \(outputPath): \(String(cString: strerror(errno)))") }
        defer { unlink(outputPath) }
        let errorFD = separateStandardError ? open(errorPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) : outputFD
        guard errorFD >= 0 else { throw EmbeddedPostgresError("cannot create \(errorPath): \(String(cString: strerror(errno)))") }
        defer { if separateStandardError { unlink(errorPath) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput, O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
        posix_spawn_file_actions_adddup2(&actions, errorFD, 2)

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envp?.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = envp.map { posix_spawn(&pid, arguments[0], &actions, nil, argv, $0) }
            ?? posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        close(outputFD)
        if separateStandardError { close(errorFD) }
        guard spawned == 0 else {
            throw EmbeddedPostgresError("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw EmbeddedPostgresError("waitpid failed: \(String(cString: strerror(errno)))") }
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let errorOutput = separateStandardError ? (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" : ""
        return Outcome(status: exitStatus, output: output, errorOutput: errorOutput)
    }

    /// Starts a program and returns its pid without waiting (output discarded); the caller reaps it.
    public static func spawnInBackground(_ arguments: [String], environment: [String: String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw EmbeddedPostgresError("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))") }
        return pid
    }
}
