import ArgumentParser
import Foundation
import Logging

/// `lahde`: the command-line face of the pipeline.
///
/// Every command is synchronous: the database layer blocks on libpq, so the process's main thread does
/// the work and nothing runs on Swift's cooperative pool.
@main
struct Lahde: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lahde",
        abstract: "Lähde keeps a Finnish energy company's customer register, and where every value in it came from.",
        discussion: """
            With no LAHDE_DATABASE_URL (or LAHDE_DATABASE_URL_FILE) set, lahde runs its own PostgreSQL in \
            LAHDE_HOME (default ./.lahde), reached only through a unix socket there.

            Exit status: 0 success; 1 bad usage or not found; 2 some input failed; 3 database unavailable; \
            4 another import holds the register's merge lock.

            Examples:
              lahde import --connector customer-system customers.csv
              lahde provenance 100001 --history
              lahde db status
            """,
        version: LahdeVersion.string,
        subcommands: [ImportCommand.self, ReplayCommand.self, PullCommand.self, PurgeCommand.self, ProvenanceCommand.self, ExportCommand.self, EraseCommand.self, BatchesCommand.self, QuarantineCommand.self, DatabaseCommand.self, CheckIdentifierCommand.self, VersionCommand.self]
    )

    static func main() {
        LogSetup.bootstrap()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            // Bad usage exits 1 as the README's table says, not argument-parser's 64.
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usageOrNotFound.rawValue)
            }
            exit(dueTo: error)
        }
    }
}

enum LahdeVersion {
    static let string = "0.1.0"
}
