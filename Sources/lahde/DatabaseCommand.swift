import ArgumentParser
import Foundation
import LahdePostgres
import LahdeStore

/// `lahde db …`: the register's database — the embedded server's life cycle and the schema.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Start, stop and inspect the register's database, and apply its migrations.",
        subcommands: [Start.self, Stop.self, Status.self, Migrate.self]
    )

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Initialise (first time) and start the embedded PostgreSQL. Harmless when it already runs.")
        @OptionGroup var output: OutputOptions

        func run() throws {
            let server = try EmbeddedServer.required()
            let started = try server.start()
            let pid = server.livePostmasterPID().map(Int.init)
            output.emit(
                human: started ? "started embedded PostgreSQL in \(server.home.path)" : "embedded PostgreSQL already running in \(server.home.path)",
                json: ["status": "running", "started": started, "home": server.home.path, "pid": pid as Any])
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded PostgreSQL. Harmless when it is not running.")
        @OptionGroup var output: OutputOptions

        func run() throws {
            let server = try EmbeddedServer.required()
            let stopped = try server.stop()
            output.emit(
                human: stopped ? "stopped embedded PostgreSQL in \(server.home.path)" : "embedded PostgreSQL was not running",
                json: ["status": "stopped", "stopped": stopped, "home": server.home.path])
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show which database lahde uses and whether it runs.")
        @OptionGroup var output: OutputOptions

        func run() throws {
            let target = try DatabaseTarget.fromEnvironment()
            switch target {
            case .external:
                do {
                    let connection = try target.connect()
                    output.emit(
                        human: "\(target.displayName): reachable (server \(connection.serverVersion))",
                        json: ["target": "external", "status": "reachable", "server_version": connection.serverVersion])
                } catch {
                    output.emit(human: "\(target.displayName): unreachable", json: ["target": "external", "status": "unreachable"])
                    throw CommandFailure(.databaseUnavailable, "\(error)")
                }
            case .embedded(let server):
                let state = server.state()
                let (word, pid): (String, Int?) =
                    switch state {
                    case .notInitialised: ("not initialised", nil)
                    case .stopped: ("stopped", nil)
                    case .running(let pid): ("running", Int(pid))
                    }
                output.emit(
                    human: "embedded PostgreSQL in \(server.home.path): \(word)" + (pid.map { " (pid \($0))" } ?? ""),
                    json: ["target": "embedded", "home": server.home.path, "status": word, "pid": pid as Any])
            }
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the register's schema migrations (imports do this by themselves).")
        @OptionGroup var output: OutputOptions

        func run() throws {
            let connection = try DatabaseTarget.fromEnvironment().connect()
            let outcomes = try Migrator(connection: connection).migrate()
            let applied = outcomes.compactMap { outcome -> String? in
                if case .applied(let version, let name) = outcome { return "\(version) \(name)" }
                return nil
            }
            let latest = outcomes.map { outcome -> Int in
                switch outcome {
                case .applied(let version, _), .alreadyApplied(let version, _): return version
                }
            }.max() ?? 0
            output.emit(
                human: applied.isEmpty
                    ? "schema is up to date (version \(latest))"
                    : "applied migrations: \(applied.joined(separator: ", ")); schema version \(latest)",
                json: ["applied": applied, "schema_version": latest])
        }
    }
}

enum EmbeddedServer {
    /// The embedded server, or a clear refusal when an external database is configured (Lähde never
    /// starts a server of its own then).
    static func required() throws -> EmbeddedPostgres {
        switch try DatabaseTarget.fromEnvironment() {
        case .embedded(let server): return server
        case .external(let conninfo):
            _ = conninfo
            throw CommandFailure(.usageOrNotFound, "LAHDE_DATABASE_URL is set, so lahde uses that server and manages no embedded one")
        }
    }
}
