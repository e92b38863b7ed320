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
        let targets = groups.keys.sorted { ($0.table, $0.kind ?? "") < ($1.table, $1.kind ?? "") }
        return targets.enumerated().flatMap { number, target in
            statements(for: target, fields: groups[target]!.sorted { $0.name < $1.name }, number: number)
        }
    }

    private static func statements(for target: Target, fields: [FieldCatalogue.Field], number: Int) -> [String] {
        let entityColumn: String
        let ownsRows: Bool  // the entity's own table, whose rows exist already
        switch target.table {
        case "register.party": (entityColumn, ownsRows) = ("party_id", true)
        case "register.accounting_point": (entityColumn, ownsRows) = ("accounting_point_id", true)
        case "register.contract": (entityColumn, ownsRows) = ("contract_id", true)
        default: (entityColumn, ownsRows) = ("party_id", false)
        }
        let fieldList = fields.map { literal($0.name) }.joined(separator: ", ")
        let pivots = fields.enumerated().map { index, field in
            "bool_or(field = \(literal(field.name))) AS has_\(index), max(value) FILTER (WHERE field = \(literal(field.name))) AS v_\(index)"
        }.joined(separator: ",\n       ")
        // The entity's changed fields pivoted into one row, computed once for the update and the insert.
        let written = "m_write_\(number)"
        var sql = [
            """
            CREATE TEMP TABLE \(written) ON COMMIT DROP AS
            SELECT entity_id,
                   \(pivots)
            FROM m_decided
            WHERE entity_kind = \(literal(target.entityKind.rawValue)) AND rule IN (\(MergeStatements.applied)) AND field IN (\(fieldList))
            GROUP BY entity_id
            """
        ]
        let assignments = fields.enumerated().map { index, field in
            let column = identifier(field.targetColumn)
            return "\(column) = CASE WHEN s.has_\(index) THEN s.v_\(index)\(cast(field.valueType)) ELSE t.\(column) END"
        }.joined(separator: ",\n    ")
        let kindCondition = target.kind.map { " AND t.kind = \(literal($0))" } ?? ""
        sql.append("""
            UPDATE \(target.table) t SET
                \(assignments)
            FROM \(written) s
            WHERE t.\(entityColumn) = s.entity_id\(kindCondition)
            """)
        if !ownsRows {
            // Rows the entity does not have yet are inserted with their values at once, not inserted empty
            // and then updated: half the row versions at an initial load.
            let kindColumns = target.kind == nil ? "" : ", kind"
            let kindValues = target.kind.map { ", " + literal($0) } ?? ""
            let columns = fields.map { identifier($0.targetColumn) }.joined(separator: ", ")
            let values = fields.enumerated().map { index, field in
                let value = "CASE WHEN s.has_\(index) THEN s.v_\(index)\(cast(field.valueType)) END"
                return field.requiredDefault.map { "coalesce(\(value), \($0))" } ?? value
            }.joined(separator: ", ")
            sql.append("""
                INSERT INTO \(target.table) (\(entityColumn)\(kindColumns), \(columns))
                SELECT s.entity_id\(kindValues), \(values)
                FROM \(written) s
                WHERE NOT EXISTS (SELECT 1 FROM \(target.table) t WHERE t.\(entityColumn) = s.entity_id\(kindCondition))
                """)
        }
        return sql
    }

    private static func cast(_ type: FieldValueType) -> String {
        switch type {
        case .date: "::date"
        case .boolean: "::boolean"
        case .reference: "::bigint"
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
