import Foundation
import LahdePostgres

/// Writes Datahub acknowledgements (ACK messages) into `lahde.acknowledgement` (V010), beside the batch
/// that read them: an ACK says how Datahub judged one of the utility's own messages, which the ledger must
/// answer ("was our update accepted?"), but it is no fact about a customer and is never merged.
public enum AcknowledgementLog {
    public struct Entry: Sendable, Equatable {
        public var messageID: String
        public var acknowledges: String?
        public var process: String?
        public var reasonCode: String?
        public var eventReasons: [String]

        public init(messageID: String, acknowledges: String?, process: String?, reasonCode: String?, eventReasons: [String]) {
            self.messageID = messageID
            self.acknowledges = acknowledges
            self.process = process
            self.reasonCode = reasonCode
            self.eventReasons = eventReasons
        }
    }

    /// Call inside the batch's transaction (`RegisterLoader.load(alsoRecord:)`).
    public static func record(_ entries: [Entry], batchID: Int, on connection: PostgresConnection) throws {
        for entry in entries {
            try connection.query(
                """
                INSERT INTO lahde.acknowledgement (batch_id, message_id, acknowledges, process, reason_code, event_reasons)
                SELECT $1, $2, $3, $4, $5, coalesce(array_agg(r ORDER BY n) FILTER (WHERE r IS NOT NULL), '{}')
                FROM jsonb_array_elements_text($6::jsonb) WITH ORDINALITY AS e(r, n)
                ON CONFLICT (batch_id, message_id) DO NOTHING
                """, batchID, entry.messageID, entry.acknowledges, entry.process, entry.reasonCode, jsonArray(entry.eventReasons))
        }
    }

    /// The acknowledgements a batch recorded, in message order.
    public static func entries(ofBatch batchID: Int, on connection: PostgresConnection) throws -> [Entry] {
        try connection.query(
            """
            SELECT message_id, acknowledges, process, reason_code, array_to_json(event_reasons)::text AS reasons
            FROM lahde.acknowledgement WHERE batch_id = $1 ORDER BY message_id
            """, batchID
        ).rows.map { row in
            let reasons = (try? JSONDecoder().decode([String].self, from: Data((row["reasons"] ?? "[]").utf8))) ?? []
            return Entry(
                messageID: row["message_id"] ?? "", acknowledges: row["acknowledges"], process: row["process"], reasonCode: row["reason_code"],
                eventReasons: reasons)
        }
    }

    private static func jsonArray(_ strings: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
