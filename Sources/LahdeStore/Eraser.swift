import LahdeCore
import LahdePostgres

/// Erases a person for good (GDPR art. 17), keeping only what proves it was done.
///
/// In one transaction, under the merge lock so that no import is half-way through the same person: the
/// register rows (party, identifiers, addresses, protection, marketing, contracts), every provenance tag
/// and history row, and every quarantined input that quotes one of the person's identity codes go; an
/// audit row with the reason and counts, and a keyed hash of each identifier, stay. The hashes let later
/// feeds and replays recognise the person and suppress their records.
public struct Eraser {
    public struct Report: Sendable, Equatable {
        public let erasureID: Int
        public let identifiers: Int
        public let provenanceRows: Int
        public let historyRows: Int
        public let quarantinedInputs: Int
    }

    private let connection: PostgresConnection
    private let key: SuppressionKey

    public init(connection: PostgresConnection, key: SuppressionKey) {
        self.connection = connection
        self.key = key
    }

    public func erase(_ entity: ProvenanceLookup.Entity, reason: String) throws -> Report {
        guard entity.kind == .party else { throw ErasureError("only people and organisations are erased; an accounting point is not personal data by itself") }
        let trimmedReason = reason.trimmingWhitespace()
        guard !trimmedReason.isEmpty else { throw ErasureError("an erasure needs a reason (the request it answers)") }
        try MergeLock.acquire(connection, mode: .wait)
        defer { MergeLock.release(connection) }
        return try connection.transaction {
            let identifiers = try connection.query(
                "SELECT scheme, value FROM register.party_identifier WHERE party_id = $1", entity.id
            ).rows.compactMap { row -> MatchKey? in
                guard let scheme = row["scheme"].flatMap(MatchKey.Scheme.init(rawValue:)), let value = row["value"] else { return nil }
                return MatchKey(scheme: scheme, value: value)
            }
            guard let erasureID = try connection.query(
                "INSERT INTO lahde.erasure (reason, entity_kind, removed) VALUES ($1, 'party', '{}') RETURNING erasure_id", trimmedReason
            ).first?.int("erasure_id") else { throw ErasureError("the audit row was not written") }
            for identifier in identifiers {
                try connection.query(
                    "INSERT INTO lahde.suppression (key_hash, erasure_id) VALUES ($1, $2) ON CONFLICT (key_hash) DO NOTHING",
                    key.hash(identifier), erasureID)
            }
            // Counted field by field through the views (what `lahde provenance` would have shown), removed
            // from the tables behind them.
            let provenance = try connection.query(
                "SELECT count(*) AS n FROM lahde.provenance WHERE entity_kind = 'party' AND entity_id = $1", entity.id
            ).first?.int("n") ?? 0
            let history = try connection.query(
                "SELECT count(*) AS n FROM lahde.provenance_history WHERE entity_kind = 'party' AND entity_id = $1", entity.id
            ).first?.int("n") ?? 0
            try connection.query("DELETE FROM lahde.field_tag WHERE entity_kind = 'party' AND entity_id = $1", entity.id)
            try connection.query("DELETE FROM lahde.provenance_change WHERE entity_kind = 'party' AND entity_id = $1", entity.id)
            // The person's contracts go with them (ON DELETE CASCADE), and so does the contracts' provenance:
            // it says who held which accounting point when.
            try connection.query(
                "DELETE FROM lahde.field_tag WHERE entity_kind = 'contract' AND entity_id IN (SELECT contract_id FROM register.contract WHERE party_id = $1)",
                entity.id)
            try connection.query(
                "DELETE FROM lahde.provenance_change WHERE entity_kind = 'contract' AND entity_id IN (SELECT contract_id FROM register.contract WHERE party_id = $1)",
                entity.id)
            // Quarantined inputs are found by the person's identity codes: long, unambiguous strings. A
            // customer number alone is too short to search raw bytes by without hitting other people's.
            var quarantined = 0
            for identifier in identifiers where identifier.scheme != .customerNumber {
                quarantined += try connection.query(
                    "DELETE FROM lahde.quarantine WHERE position(convert_to($1, 'UTF8') IN raw) > 0", identifier.value).affectedRows
            }
            try connection.query("TRUNCATE lahde.stage_item")
            try connection.query("DELETE FROM register.party WHERE party_id = $1", entity.id)
            let report = Report(
                erasureID: erasureID, identifiers: identifiers.count, provenanceRows: provenance, historyRows: history,
                quarantinedInputs: quarantined)
            try connection.query(
                "UPDATE lahde.erasure SET removed = jsonb_build_object('identifiers', $2::int, 'provenance', $3::int, 'history', $4::int, 'quarantine', $5::int) WHERE erasure_id = $1",
                erasureID, identifiers.count, provenance, history, quarantined)
            return report
        }
    }
}

public struct ErasureError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
