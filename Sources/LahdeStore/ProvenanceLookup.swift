import LahdeCore
import LahdePostgres

/// Answers "why is this my address?": every field of one entity with the source, file, hash, place in the
/// file, validity time, receipt time and rule that put its value there — and, on request, every earlier value.
public struct ProvenanceLookup {
    public struct Entity: Sendable, Equatable {
        public let kind: EntityKind
        public let id: Int
        /// Identifiers as (scheme, value); the henkilötunnus in full — mask it before display.
        public let identifiers: [(scheme: String, value: String)]

        public static func == (lhs: Entity, rhs: Entity) -> Bool {
            lhs.kind == rhs.kind && lhs.id == rhs.id
        }
    }

    public struct Change: Sendable {
        public let field: String
        public let oldValue: String?
        public let value: String?
        public let source: String
        public let file: String
        public let sha256: String
        public let locator: String
        public let validFrom: String
        public let receivedAt: String
        public let rule: String
        /// JSON array of the candidates that lost within the batch, if any.
        public let losing: String?
    }

    public struct FieldTag: Sendable {
        public let current: Change
        /// Earlier changes, oldest first (only when asked for).
        public let history: [Change]
    }

    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Finds an entity by a henkilötunnus, Y-tunnus, GSRN, customer number or Datahub party id.
    public func entity(for identifier: String) throws -> Entity? {
        let text = identifier.trimmingWhitespace()
        let kind = IdentifierKind.detect(text)
        if kind == .gsrn, let gsrn = try? GSRN.parse(text) {
            guard let row = try connection.query(
                "SELECT accounting_point_id FROM register.accounting_point WHERE gsrn = $1", gsrn.value).first,
                let id = row.int("accounting_point_id")
            else { return nil }
            return Entity(kind: .accountingPoint, id: id, identifiers: [("gsrn", gsrn.value)])
        }
        var candidates: [(String, String)] = []
        switch kind {
        case .henkilotunnus: if let hetu = try? Henkilotunnus.parse(text) { candidates.append(("henkilotunnus", hetu.value)) }
        case .yTunnus: if let business = try? YTunnus.parse(text) { candidates.append(("y_tunnus", business.value)) }
        default: break
        }
        candidates += [("customer_number", text), ("datahub_party", text)]
        for (scheme, value) in candidates {
            if let row = try connection.query(
                "SELECT party_id FROM register.party_identifier WHERE scheme = $1 AND value = $2", scheme, value).first,
                let id = row.int("party_id")
            {
                let identifiers = try connection.query(
                    "SELECT scheme, value FROM register.party_identifier WHERE party_id = $1 AND active ORDER BY scheme, value", id
                ).rows.map { ($0["scheme"] ?? "", $0["value"] ?? "") }
                return Entity(kind: .party, id: id, identifiers: identifiers)
            }
        }
        return nil
    }

    /// The provenance of every field of `entity` (or of one field), alphabetically by field.
    public func fields(of entity: Entity, field: String? = nil, withHistory: Bool = false) throws -> [FieldTag] {
        // One snapshot for the current tags and the history. Without JIT: right after a large import, before
        // autovacuum has gathered statistics, the planner overestimates this small look-up and would spend
        // most of a second compiling it.
        try connection.transaction {
            try connection.query("SET LOCAL jit = off")
            return try fieldsInTransaction(of: entity, field: field, withHistory: withHistory)
        }
    }

    private func fieldsInTransaction(of entity: Entity, field: String?, withHistory: Bool) throws -> [FieldTag] {
        let rows = try connection.query(
            """
            SELECT p.field, NULL AS old_value, p.value, p.source, b.file_name, b.sha256, p.locator,
                   to_json(p.valid_from) #>> '{}' AS valid_from, to_json(p.received_at) #>> '{}' AS received_at, p.rule, NULL AS losing
            FROM lahde.provenance p JOIN lahde.batch b USING (batch_id)
            WHERE p.entity_kind = $1 AND p.entity_id = $2 AND ($3::text IS NULL OR p.field = $3)
            ORDER BY p.field
            """, entity.kind.rawValue, entity.id, field
        ).rows
        var history: [String: [Change]] = [:]
        if withHistory {
            let historyRows = try connection.query(
                """
                SELECT h.field, h.old_value, h.new_value AS value, h.source, b.file_name, b.sha256, h.locator,
                       to_json(h.valid_from) #>> '{}' AS valid_from, to_json(h.received_at) #>> '{}' AS received_at, h.rule,
                       h.losing::text AS losing
                FROM lahde.provenance_history h JOIN lahde.batch b USING (batch_id)
                WHERE h.entity_kind = $1 AND h.entity_id = $2 AND ($3::text IS NULL OR h.field = $3)
                ORDER BY h.history_id
                """, entity.kind.rawValue, entity.id, field
            ).rows
            for row in historyRows { history[row["field"] ?? "", default: []].append(Self.change(row)) }
        }
        return rows.map { row in
            let change = Self.change(row)
            return FieldTag(current: change, history: history[change.field] ?? [])
        }
    }

    private static func change(_ row: PostgresRow) -> Change {
        Change(
            field: row["field"] ?? "", oldValue: row["old_value"], value: row["value"], source: row["source"] ?? "",
            file: row["file_name"] ?? "", sha256: row["sha256"] ?? "", locator: row["locator"] ?? "",
            validFrom: row["valid_from"] ?? "", receivedAt: row["received_at"] ?? "", rule: row["rule"] ?? "", losing: row["losing"])
    }
}
