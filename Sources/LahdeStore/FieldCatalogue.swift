import LahdeCore
import LahdePostgres

/// The fields the register knows, read from `lahde.field` so that the database is the one place that says
/// which fields exist, what type they hold and which column keeps them.
public struct FieldCatalogue: Sendable {
    public struct Field: Sendable {
        public let name: String
        public let entityKind: EntityKind
        public let valueType: FieldValueType
        public let targetTable: String
        public let targetColumn: String
        /// The value of the row's `kind` column (`permanent` for `address.permanent.street`).
        public let targetKind: String?
        /// The target column's default (SQL from Lähde's own migrations) when the column is NOT NULL: a new
        /// row that this batch gives no value for this column takes it.
        public let requiredDefault: String?
    }

    public let fields: [String: Field]

    public static func load(from connection: PostgresConnection) throws -> FieldCatalogue {
        let rows = try connection.query(
            """
            SELECT f.name, f.entity_kind, f.value_type, f.target_table, f.target_column, f.target_kind,
                   CASE WHEN c.is_nullable = 'NO' THEN c.column_default END AS required_default
            FROM lahde.field f
            LEFT JOIN information_schema.columns c
              ON c.table_schema || '.' || c.table_name = f.target_table AND c.column_name = f.target_column
            ORDER BY f.name
            """
        ).rows
        var fields: [String: Field] = [:]
        for row in rows {
            guard let name = row["name"], let kind = row["entity_kind"].flatMap(EntityKind.init(rawValue:)),
                let type = row["value_type"].flatMap(FieldValueType.init(rawValue:)), let table = row["target_table"],
                let column = row["target_column"]
            else { continue }
            fields[name] = Field(name: name, entityKind: kind, valueType: type, targetTable: table, targetColumn: column, targetKind: row["target_kind"],
                requiredDefault: row["required_default"])
        }
        return FieldCatalogue(fields: fields)
    }

    /// Checks one observation against the catalogue and returns its canonical value, or why it is unusable.
    public func validate(_ observation: FieldObservation, of entityKind: EntityKind) -> Result<String?, ObservationProblem> {
        guard let field = fields[observation.field] else {
            return .failure(ObservationProblem("unknown field '\(observation.field.prefix(64))'"))
        }
        guard field.entityKind == entityKind else {
            return .failure(ObservationProblem("field '\(field.name)' does not belong to a \(entityKind.rawValue)"))
        }
        guard let value = observation.value else { return .success(nil) }
        do {
            return .success(try field.valueType.canonical(value))
        } catch {
            return .failure(ObservationProblem("field '\(field.name)': \(error.description)"))
        }
    }
}

/// Why one observation cannot be used.
public struct ObservationProblem: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = Redaction.maskingHenkilotunnus(in: description) }
}
