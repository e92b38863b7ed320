import Foundation
import LahdeXML

/// The compiled Datahub XSDs of one XSD folder, compiled on first use and then shared by every connector
/// reading with that folder.
///
/// Compiling a Datahub schema takes far longer than validating a message, and a folder of messages holds
/// few types, so each type's schema is compiled once per process, not once per file.
final class DatahubSchemaCache: @unchecked Sendable {
    let folder: URL
    private let lock = NSLock()
    private var compiled: [String: XMLSchema] = [:]

    init(folder: URL) {
        self.folder = folder
    }

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [String: DatahubSchemaCache] = [:]

    /// The process's cache for `folder`: the CLI makes a connector per file, and a folder of a thousand
    /// messages must not compile the schemas a thousand times.
    static func shared(for folder: URL) -> DatahubSchemaCache {
        registryLock.lock()
        defer { registryLock.unlock() }
        if let cache = registry[folder.standardizedFileURL.path] { return cache }
        let cache = DatahubSchemaCache(folder: folder.standardizedFileURL)
        registry[folder.standardizedFileURL.path] = cache
        return cache
    }

    /// The schema for `type`; throws when the folder has none for it or it does not compile, which is a
    /// set-up problem for the whole import rather than a fault of one message.
    func schema(for type: DatahubMessageType) throws -> XMLSchema {
        lock.lock()
        defer { lock.unlock() }
        if let schema = compiled[type.schemaPath] { return schema }
        let path = folder.appendingPathComponent(type.schemaPath).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw DatahubSchemaMissing(type: type.code, path: path)
        }
        let schema: XMLSchema
        do {
            schema = try XMLSchema(path: path)
        } catch {
            throw DatahubSchemaBroken(problem: error)
        }
        compiled[type.schemaPath] = schema
        return schema
    }
}
