import ArgumentParser
import LahdeConnectors
import LahdePostgres
import LahdeStore

/// A connection to the configured register with its schema brought up to date — what every command that
/// reads or writes the register starts from.
enum RegisterSession {
    static func open() throws -> PostgresConnection {
        let connection = try DatabaseTarget.fromEnvironment().connect()
        try Migrator(connection: connection).migrate()
        return connection
    }
}

extension MergeLock.Mode: ExpressibleByArgument {}
