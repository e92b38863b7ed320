import LahdePostgres

/// Which Datahub queue messages the register has taken in (`lahde.queue_message`, V010).
///
/// Datahub's queue is peek, store, dequeue: a message stays in the queue until dequeued, and a crash after
/// the batch committed but before the dequeue makes the next peek return the same message. The row
/// written here inside the batch's transaction is how the next run knows it is already applied — by its
/// `DocumentReferenceNumber`, whether or not the bytes of the second peek are identical.
public enum QueueMessageLog {
    public struct Entry: Sendable, Equatable {
        public var documentReference: String
        public var batchID: Int
        public var dequeued: Bool
    }

    /// Call inside the batch's transaction (`RegisterLoader.load(alsoRecord:)`).
    public static func record(documentReference: String, batchID: Int, sha256: String, archivedAs: String, on connection: PostgresConnection) throws {
        try connection.query(
            """
            INSERT INTO lahde.queue_message (document_reference, batch_id, sha256, archived_as) VALUES ($1, $2, $3, $4)
            ON CONFLICT (document_reference) DO NOTHING
            """, documentReference, batchID, sha256, archivedAs)
    }

    /// The message taken in under this reference, if any.
    public static func entry(_ documentReference: String, on connection: PostgresConnection) throws -> Entry? {
        guard let row = try connection.query(
            "SELECT batch_id, dequeued_at IS NOT NULL AS dequeued FROM lahde.queue_message WHERE document_reference = $1", documentReference
        ).first else { return nil }
        return Entry(documentReference: documentReference, batchID: row.int("batch_id") ?? 0, dequeued: row["dequeued"] == "t")
    }

    public static func markDequeued(_ documentReference: String, on connection: PostgresConnection) throws {
        try connection.query(
            "UPDATE lahde.queue_message SET dequeued_at = clock_timestamp() WHERE document_reference = $1 AND dequeued_at IS NULL",
            documentReference)
    }
}
