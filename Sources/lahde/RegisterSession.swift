import ArgumentParser
import Foundation
import LahdeConnectors
import LahdeCore
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

    /// A connector definition by name, from `connectors/` or `LAHDE_CONNECTORS`; a missing or invalid one
    /// is bad usage (exit status 1) with the definition's own error.
    static func definition(
        named name: String, catalogue: FieldCatalogue, in catalog: ConnectorCatalog? = nil
    ) throws -> ConnectorDefinition {
        do {
            return try (catalog ?? ConnectorCatalog.fromEnvironment()).definition(named: name, catalogue: catalogue)
        } catch let error as DefinitionError {
            throw CommandFailure(.usageOrNotFound, error.description)
        }
    }

    /// The entity an operator named, or a failure with exit status 1 that never repeats a full henkilötunnus.
    static func entity(_ identifier: String, in lookup: ProvenanceLookup) throws -> ProvenanceLookup.Entity {
        guard let entity = try lookup.entity(for: identifier) else {
            throw CommandFailure(.usageOrNotFound, "nothing in the register is known by \(Redaction.maskingHenkilotunnus(in: identifier))")
        }
        return entity
    }

    /// The key of the erased people's identifier hashes (see ``SuppressionKey``), kept beside the
    /// embedded database unless `LAHDE_SUPPRESSION_KEY_FILE` names another place.
    static func suppressionKey(create: Bool) throws -> SuppressionKey? {
        try SuppressionKey.load(path: SuppressionKey.path(home: EmbeddedPostgres.defaultHome()), create: create)
    }
}

extension MergeLock.Mode: ExpressibleByArgument {}
