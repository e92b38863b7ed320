/// One row of a query result, values in PostgreSQL's text format.
///
/// Rows are copied out of the libpq result at once so that no Swift value outlives the C memory it came
/// from; callers convert with the typed accessors.
public struct PostgresRow: Sendable {
    public let columns: [String]
    public let values: [String?]

    public subscript(_ index: Int) -> String? { values[index] }

    public subscript(_ column: String) -> String? {
        guard let index = columns.firstIndex(of: column) else { return nil }
        return values[index]
    }

    public func string(_ column: String) -> String? { self[column] }

    public func int(_ column: String) -> Int? { self[column].flatMap { Int($0) } }

    public func bool(_ column: String) -> Bool? { self[column].map { $0 == "t" || $0 == "true" } }
}

/// What a statement returned: its rows and, for INSERT/UPDATE/DELETE/MERGE/COPY, the affected-row count.
public struct PostgresResult: Sendable {
    public let rows: [PostgresRow]
    public let affectedRows: Int

    public var first: PostgresRow? { rows.first }
}
