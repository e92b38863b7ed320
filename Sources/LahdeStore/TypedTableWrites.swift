import Foundation
import LahdeCore

/// Generates the statements that copy the batch's winning values into the typed register tables.
///
/// One statement per target table (and row kind) pivots all of an entity's changed fields into a single
/// row update, so a person whose three fields changed is updated once, not three times. Table, column and
/// field names come from the catalogue in Lähde's own migration, never from a feed.
enum TypedTableWrites {
    private struct Target: Hashable {
        let table: String
        let kind: String?
        let entityKind: EntityKind
    }

    /// - Parameter written: the fields this batch changes; tables holding none of them are skipped.
    static func statements(for catalogue: FieldCatalogue, written: Set<String>) -> [String] {
        let groups = Dictionary(grouping: catalogue.fields.values.filter { written.contains($0.name) }) {
            Target(table: $0.targetTable, kind: $0.targetKind, entityKind: $0.entityKind)
        }
        return groups.keys.sorted { ($0.table, $0.kind ?? "") < ($1.table, $1.kind ?? "") }.flatMap { target in
            statements(for: target, fields: groups[target]!.sorted { $0.name < $1.name })
        }
    }

    private static func statements(for target: Target, fields: [FieldCatalogue.Field]) -> [String] {
        let entityColumn: String
        let ownsRows: Bool  // the entity's own table, whose rows exist already
        switch target.table {
        case "register.party": (entityColumn, ownsRows) = ("party_id", true)
        case "register.accounting_point": (entityColumn, ownsRows) = ("accounting_point_id", true)
        default: (entityColumn, ownsRows) = ("party_id", false)
        }
        let fieldList = fields.map { literal($0.name) }.joined(separator: ", ")
        let changed = """
            SELECT entity_id, field, value FROM m_decided
            WHERE entity_kind = \(literal(target.entityKind.rawValue)) AND rule IN (\(MergeStatements.applied)) AND field IN (\(fieldList))
            """
        var sql: [String] = []
        let kindColumns = target.kind == nil ? "" : ", kind"
        let kindValues = target.kind.map { ", " + literal($0) } ?? ""
        if !ownsRows {
            sql.append("""
                INSERT INTO \(target.table) (\(entityColumn)\(kindColumns))
                SELECT DISTINCT entity_id\(kindValues) FROM (\(changed)) c
                ON CONFLICT DO NOTHING
                """)
        }
        let pivots = fields.enumerated().map { index, field in
            "bool_or(field = \(literal(field.name))) AS has_\(index), max(value) FILTER (WHERE field = \(literal(field.name))) AS v_\(index)"
        }.joined(separator: ",\n       ")
        let assignments = fields.enumerated().map { index, field in
            let column = identifier(field.targetColumn)
            return "\(column) = CASE WHEN s.has_\(index) THEN s.v_\(index)\(cast(field.valueType)) ELSE t.\(column) END"
        }.joined(separator: ",\n    ")
        let kindCondition = target.kind.map { " AND t.kind = \(literal($0))" } ?? ""
        sql.append("""
            UPDATE \(target.table) t SET
                \(assignments)
            FROM (SELECT entity_id,
                   \(pivots)
                  FROM (\(changed)) c GROUP BY entity_id) s
            WHERE t.\(entityColumn) = s.entity_id\(kindCondition)
            """)
        return sql
    }

    private static func cast(_ type: FieldValueType) -> String {
        switch type {
        case .date: "::date"
        case .boolean: "::boolean"
        default: ""
        }
    }

    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func identifier(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
