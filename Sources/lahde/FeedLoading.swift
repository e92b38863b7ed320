import Foundation
import LahdeConnectors
import LahdeCore
import LahdePostgres
import LahdeStore

/// Importing one feed file: the path shared by `lahde import` (files an operator names) and `lahde run`
/// (files a job fetched into the archive).
enum FeedLoading {
    /// The loader for `definition`'s batches on `connection`.
    static func loader(connection: PostgresConnection, definition: ConnectorDefinition, catalogue: FieldCatalogue, lockMode: MergeLock.Mode) throws
        -> RegisterLoader
    {
        RegisterLoader(
            connection: connection, policy: definition.policy(for: catalogue), lockMode: lockMode,
            suppressionKey: try RegisterSession.suppressionKey(create: false))
    }

    /// Reads `file` with the connector's format and merges it as one batch.
    ///
    /// - Parameter fileName: the name the ledger and provenance show (an archived feed's original name
    ///   rather than its hash); the file's own name when nil.
    static func load(
        _ file: InputFile, fileName: String? = nil, definition: ConnectorDefinition, loader: RegisterLoader, force: Bool, showProgress: Bool
    ) throws -> BatchReport {
        var input = file.batchInput
        if let fileName { input.fileName = fileName }
        let progress = ProgressLine(label: input.fileName, enabled: showProgress)
        defer { progress.finish() }
        return try loader.load(input, force: force) { emit in
            try FeedReader.read(file, format: definition.format) { item in
                progress.advance()
                try emit(item)
            }
            progress.stage("merging into the register…")
        }
    }
}
