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

    /// Reads the entity's tag document, its changes and their batches by key and puts them together here.
    /// The views `lahde.provenance` and `lahde.provenance_history` give the same columns, but planning a
    /// query over them (1–3 ms) cost more than running it, and a look-up is meant to take a few
    /// milliseconds in all; these three plan in a fraction of one.
    private func fieldsInTransaction(of entity: Entity, field: String?, withHistory: Bool) throws -> [FieldTag] {
        let current = try connection.query(
            """
            SELECT e.key AS field, e.value ->> 0 AS value, e.value ->> 2 AS batch_id, e.value ->> 3 AS locator,
                   to_json((e.value ->> 4)::timestamptz) #>> '{}' AS valid_from
            FROM lahde.field_tag t CROSS JOIN LATERAL jsonb_each(t.tags) AS e
            WHERE t.entity_kind = $1 AND t.entity_id = $2 AND ($3::text IS NULL OR e.key = $3)
            ORDER BY e.key
            """, entity.kind.rawValue, entity.id, field
        ).rows
        // Oldest first: the history in order, and the last change of a field in a batch is the one whose
        // rule put the value there.
        let changes = try connection.query(
            """
            SELECT u.field, u.old_value, u.new_value AS value, c.batch_id, u.locator, to_json(u.valid_from) #>> '{}' AS valid_from,
                   u.rule, (c.losing -> u.field)::text AS losing
            FROM lahde.provenance_change c
            CROSS JOIN LATERAL unnest(c.fields, c.old_values, c.new_values, c.rules, c.locators, c.valid_froms)
                WITH ORDINALITY AS u(field, old_value, new_value, rule, locator, valid_from, n)
            WHERE c.entity_id = $2 AND c.entity_kind = $1 AND ($3::text IS NULL OR u.field = $3)
            ORDER BY c.change_id, u.n
            """, entity.kind.rawValue, entity.id, field
        ).rows
        let batchIDs = Set((current + changes).compactMap { $0["batch_id"] })
        var batches: [String: (source: String, file: String, sha256: String, receivedAt: String)] = [:]
        if !batchIDs.isEmpty {
            let rows = try connection.query(
                """
                SELECT batch_id, connector, file_name, sha256, to_json(started_at) #>> '{}' AS received_at
                FROM lahde.batch WHERE batch_id = ANY ($1::bigint[])
                """, "{" + batchIDs.sorted().joined(separator: ",") + "}"
            ).rows
            for row in rows {
                batches[row["batch_id"] ?? ""] = (row["connector"] ?? "", row["file_name"] ?? "", row["sha256"] ?? "", row["received_at"] ?? "")
            }
        }
        func change(_ row: PostgresRow, oldValue: String?, rule: String, losing: String?) -> Change? {
            // As in the views, a value whose batch is gone from the ledger is not shown.
            guard let batch = batches[row["batch_id"] ?? ""] else { return nil }
            return Change(
                field: row["field"] ?? "", oldValue: oldValue, value: row["value"], source: batch.source, file: batch.file,
                sha256: batch.sha256, locator: row["locator"] ?? "", validFrom: row["valid_from"] ?? "", receivedAt: batch.receivedAt,
                rule: rule, losing: losing)
        }
        var history: [String: [Change]] = [:]
        var ruleByFieldAndBatch: [String: String] = [:]
        for row in changes {
            let name = row["field"] ?? ""
            ruleByFieldAndBatch[name + "\u{0}" + (row["batch_id"] ?? "")] = row["rule"] ?? ""
            if withHistory, let earlier = change(row, oldValue: row["old_value"], rule: row["rule"] ?? "", losing: row["losing"]) {
                history[name, default: []].append(earlier)
            }
        }
        return current.compactMap { row in
            let name = row["field"] ?? ""
            let rule = ruleByFieldAndBatch[name + "\u{0}" + (row["batch_id"] ?? "")] ?? ""
            guard let now = change(row, oldValue: nil, rule: rule, losing: nil) else { return nil }
            return FieldTag(current: now, history: history[name] ?? [])
        }
    }
}
