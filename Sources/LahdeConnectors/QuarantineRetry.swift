import Foundation
import LahdeCore
import LahdePostgres
import LahdeStore

/// Re-drives quarantined records through their connector's current definition (`lahde quarantine retry`).
///
/// The records of one original batch become one retry batch: their raw bytes, after the batch's
/// preamble (a CSV header), form a small input that the connector reads as it would the file. The retry
/// batch carries the original file's name and hash, and every record keeps its original line, so the
/// provenance of a value it writes points at the file and line the value came from. Afterwards, in one
/// transaction, each original row is marked resolved by the retry batch, or — when the record was
/// quarantined again — keeps its row with the new reason (the retry batch's own copy is dropped).
///
/// Records are self-contained in line-based formats only: `csv` and `observations-jsonl`. The
/// others (a VTJ change file's records lean on their envelope, a Datahub message on its peek
/// response) are reported as not retryable and left as they are: re-import the fixed file instead.
public struct QuarantineRetry {
    public enum Selection: Sendable {
        case ids([Int])
        case batch(Int)
        case all
    }

    /// What happened to the records of one original batch.
    public struct Outcome: Sendable {
        public var originalBatch: Int
        public var connector: String
        public var file: String
        public var retryBatch: Int?
        public var resolved: [Int] = []
        public var stillQuarantined: [Int] = []
        /// Why nothing was tried (a format whose records cannot be read alone, a definition that no
        /// longer loads, a failed batch).
        public var notRetried: String?
    }

    private struct Row {
        let id: Int
        let batch: Int
        let connector: String
        let file: String
        let sha256: String
        let preamble: [UInt8]?
        let locator: String
        let raw: [UInt8]
    }

    private let connection: PostgresConnection
    private let catalog: ConnectorCatalog
    private let suppressionKey: SuppressionKey?

    public init(connection: PostgresConnection, catalog: ConnectorCatalog, suppressionKey: SuppressionKey?) {
        self.connection = connection
        self.catalog = catalog
        self.suppressionKey = suppressionKey
    }

    public func retry(_ selection: Selection) throws -> [Outcome] {
        let ids: [Int]? = if case .ids(let list) = selection { list } else { nil }
        let batch: Int? = if case .batch(let number) = selection { number } else { nil }
        let rows = try connection.query(
            """
            SELECT q.quarantine_id, q.batch_id, b.connector, b.file_name, b.sha256, encode(o.preamble, 'hex') AS preamble,
                   q.locator, encode(q.raw, 'hex') AS raw
            FROM lahde.quarantine q JOIN lahde.batch b USING (batch_id)
            JOIN lahde.batch o ON o.batch_id = coalesce(b.retry_of, b.batch_id)
            WHERE q.resolved_at IS NULL
              AND ($1::bigint[] IS NULL OR q.quarantine_id = ANY ($1::bigint[]))
              AND ($2::bigint IS NULL OR q.batch_id = $2)
            ORDER BY q.batch_id, q.quarantine_id
            """, ids.map { "{" + $0.map(String.init).joined(separator: ",") + "}" }, batch
        ).rows.map { row in
            Row(
                id: row.int("quarantine_id") ?? 0, batch: row.int("batch_id") ?? 0, connector: row["connector"] ?? "",
                file: row["file_name"] ?? "", sha256: row["sha256"] ?? "", preamble: row["preamble"].flatMap { Hex.decode($0) },
                locator: row["locator"] ?? "", raw: Hex.decode(row["raw"] ?? "") ?? [])
        }
        var outcomes: [Outcome] = []
        var grouped: [(Int, [Row])] = []
        for row in rows {
            if grouped.last?.0 == row.batch { grouped[grouped.count - 1].1.append(row) } else { grouped.append((row.batch, [row])) }
        }
        for (_, group) in grouped { outcomes.append(try retry(group)) }
        return outcomes
    }

    private func retry(_ rows: [Row]) throws -> Outcome {
        let first = rows[0]
        var outcome = Outcome(originalBatch: first.batch, connector: first.connector, file: first.file)
        let catalogue = try FieldCatalogue.load(from: connection)
        let definition: ConnectorDefinition
        do {
            definition = try catalog.definition(named: first.connector, catalogue: catalogue)
        } catch {
            outcome.notRetried = "\(error)"
            outcome.stillQuarantined = rows.map(\.id)
            return outcome
        }
        switch definition.format.type {
        case "csv" where definition.format.csv?.header == true && first.preamble == nil:
            outcome.notRetried = "the batch was loaded before Lähde kept CSV headers; re-import the fixed file instead"
        case "csv", "observations-jsonl": break
        default:
            outcome.notRetried = "a \(definition.format.type) record cannot be read on its own; re-import the fixed file instead"
        }
        if outcome.notRetried != nil {
            outcome.stillQuarantined = rows.map(\.id)
            return outcome
        }

        // The retry input: preamble, then each record on its own line(s); synthetic line → original line.
        var content = first.preamble ?? []
        if let last = content.last, last != 0x0A { content.append(0x0A) }
        var line = 1 + content.filter { $0 == 0x0A }.count
        var originalLine: [Int: Int] = [:]
        var rowByLine: [Int: Row] = [:]
        for row in rows {
            guard let number = Self.lineNumber(in: row.locator) else { continue }
            originalLine[line] = number
            rowByLine[number] = row
            content += row.raw
            if content.last != 0x0A { content.append(0x0A) }
            line += row.raw.filter { $0 == 0x0A }.count + (row.raw.last == 0x0A ? 0 : 1)
        }
        let folder = try TemporaryFolderForRetry.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("retry-input").path
        guard FileManager.default.createFile(atPath: path, contents: Data(content), attributes: [.posixPermissions: 0o600]) else {
            throw InputFileError("cannot write the retry input in \(folder.path)")
        }
        let file = try InputFile(path: path)
        var input = file.batchInput
        input.fileName = first.file
        input.sha256 = first.sha256  // the bytes are the original file's, line for line
        input.retryOf = first.batch
        input.preamble = first.preamble

        let loader = RegisterLoader(connection: connection, policy: definition.policy(for: catalogue), suppressionKey: suppressionKey)
        let report = try loader.load(input, force: true) { emit in
            try FeedReader.read(file, format: definition.format) { item in
                switch item {
                case .record(var record):
                    record.locator = Self.relocated(record.locator, originalLine)
                    try emit(.record(record))
                case .rejected(var rejected):
                    rejected.locator = Self.relocated(rejected.locator, originalLine)
                    rejected.reason = Self.relocated(rejected.reason, originalLine)
                    try emit(.rejected(rejected))
                }
            }
        }
        guard let retryBatch = report.batch else { throw InputFileError("the retry batch has no id") }
        outcome.retryBatch = retryBatch

        try connection.transaction {
            let again = try connection.query(
                "SELECT quarantine_id, locator, reason FROM lahde.quarantine WHERE batch_id = $1", retryBatch
            ).rows
            var stillBad: Set<Int> = []
            for row in again {
                guard let number = Self.lineNumber(in: row["locator"] ?? ""), let original = rowByLine[number] else { continue }
                stillBad.insert(original.id)
                try connection.query(
                    "UPDATE lahde.quarantine SET reason = $2, retried_at = clock_timestamp() WHERE quarantine_id = $1",
                    original.id, row["reason"])
            }
            try connection.query("DELETE FROM lahde.quarantine WHERE batch_id = $1", retryBatch)
            for row in rows {
                if stillBad.contains(row.id) || Self.lineNumber(in: row.locator) == nil {
                    outcome.stillQuarantined.append(row.id)
                } else {
                    try connection.query(
                        """
                        UPDATE lahde.quarantine SET resolved_at = clock_timestamp(), resolved_by = $2, retried_at = clock_timestamp()
                        WHERE quarantine_id = $1
                        """, row.id, retryBatch)
                    outcome.resolved.append(row.id)
                }
            }
        }
        return outcome
    }

    /// `N` of a locator or reason that starts with `line N`.
    static func lineNumber(in text: String) -> Int? {
        guard text.hasPrefix("line ") else { return nil }
        return Int(text.dropFirst(5).prefix { $0.isNumber })
    }

    /// The text with its leading `line K` (of the retry input) replaced by the original line.
    static func relocated(_ text: String, _ originalLine: [Int: Int]) -> String {
        guard let synthetic = lineNumber(in: text), let original = originalLine[synthetic] else { return text }
        return "line \(original)" + text.dropFirst(5 + String(synthetic).count)
    }
}

/// A private folder for one retry's input (it holds personal data: mode 0700, removed afterwards).
enum TemporaryFolderForRetry {
    static func make() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lahde-retry-" + UUID().uuidString, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder
    }
}
