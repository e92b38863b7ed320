import ArgumentParser
import Foundation
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

    /// The key of the erased people's identifier hashes (see ``SuppressionKey``), kept beside the
    /// embedded database unless `LAHDE_SUPPRESSION_KEY_FILE` names another place.
    static func suppressionKey(create: Bool) throws -> SuppressionKey? {
        try SuppressionKey.load(path: SuppressionKey.path(home: EmbeddedPostgres.defaultHome()), create: create)
    }
}

extension MergeLock.Mode: ExpressibleByArgument {}
