/// A column lookup that a connector cannot proceed without.
///
/// Column names come from the vendor's header, not from personal data, so messages quote them.
public enum CSVHeaderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Required columns absent from the header, with the names that are there to compare against.
    case missingColumns([String], available: [String])
    /// A name that, after trimming and case folding, matches several columns.
    case ambiguousColumn(String, indexes: [Int])

    public var description: String {
        switch self {
        case .missingColumns(let missing, let available):
            "missing required column\(missing.count == 1 ? "" : "s") "
                + missing.map { "\"\($0)\"" }.joined(separator: ", ")
                + "; the header has " + available.map { "\"\($0)\"" }.joined(separator: ", ")
        case .ambiguousColumn(let name, let indexes):
            "column name \"\(name)\" matches several columns (fields "
                + indexes.map { String($0 + 1) }.joined(separator: ", ") + ")"
        }
    }
}
