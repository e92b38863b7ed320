import LahdeCore
import LahdePostgres

/// Read access to the batch ledger and the quarantine, for operators.
public struct Ledger {
    public struct Batch: Sendable {
        public let id: Int
        public let connector: String
        public let file: String
        public let sha256: String
        public let status: String
        public let startedAt: String
        public let finishedAt: String?
        public let counts: BatchReport.Counts
        public let error: String?
        /// For a `lahde quarantine retry` batch: the batch whose quarantined records it re-drove.
        public let retryOf: Int?
    }

    public struct QuarantinedInput: Sendable {
        public let id: Int
        public let batch: Int
        public let connector: String
        public let file: String
        public let locator: String
        public let reason: String
        public let raw: [UInt8]
        public let createdAt: String
        /// The retry batch that loaded this record after its definition was fixed; nil while unresolved.
        public let resolvedBy: Int?
    }

    private let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The newest batches first.
    public func batches(limit: Int, connector: String? = nil) throws -> [Batch] {
        try connection.query(
            """
            SELECT batch_id, connector, file_name, sha256, status, to_json(started_at) #>> '{}' AS started_at,
                   to_json(finished_at) #>> '{}' AS finished_at, read, applied, unchanged, superseded, quarantined, suppressed, error, retry_of
            FROM lahde.batch WHERE ($2::text IS NULL OR connector = $2)
            ORDER BY batch_id DESC LIMIT $1
            """, limit, connector
        ).rows.map { row in
            Batch(
                id: row.int("batch_id") ?? 0, connector: row["connector"] ?? "", file: row["file_name"] ?? "", sha256: row["sha256"] ?? "",
                status: row["status"] ?? "", startedAt: row["started_at"] ?? "", finishedAt: row["finished_at"],
                counts: BatchReport.Counts(row), error: row["error"], retryOf: row.int("retry_of"))
        }
    }

    /// Quarantined inputs, oldest first, optionally of one batch.
    public func quarantine(batch: Int? = nil, id: Int? = nil, limit: Int = 1000) throws -> [QuarantinedInput] {
        try connection.query(
            """
            SELECT q.quarantine_id, q.batch_id, b.connector, b.file_name, q.locator, q.reason, encode(q.raw, 'hex') AS raw,
                   to_json(q.created_at) #>> '{}' AS created_at, q.resolved_by
            FROM lahde.quarantine q JOIN lahde.batch b USING (batch_id)
            WHERE ($1::bigint IS NULL OR q.batch_id = $1) AND ($2::bigint IS NULL OR q.quarantine_id = $2)
            ORDER BY q.quarantine_id LIMIT $3
            """, batch, id, limit
        ).rows.map { row in
            QuarantinedInput(
                id: row.int("quarantine_id") ?? 0, batch: row.int("batch_id") ?? 0, connector: row["connector"] ?? "",
                file: row["file_name"] ?? "", locator: row["locator"] ?? "", reason: row["reason"] ?? "",
                raw: Hex.decode(row["raw"] ?? "") ?? [], createdAt: row["created_at"] ?? "",
                resolvedBy: row.int("resolved_by"))
        }
    }
}
