import LahdeFormats

/// A problem with a delimited file as a whole: nothing in it can be mapped, so the batch fails and loads
/// nothing, rather than quarantining every row for the same reason.
///
/// Messages name the definition's columns, never the header's other names: a file sent without its
/// header row has a customer's data where the names should be.
public enum CSVFileError: Error, Sendable, CustomStringConvertible {
    /// The reader could not start: an empty file where a header was expected, a broken header row, a
    /// byte order mark contradicting the declared encoding.
    case unreadable(CSVReaderError)
    /// Columns the definition maps that the header lacks.
    case missingColumns([String], headerColumnCount: Int)
    /// A column name that matches several header columns.
    case ambiguousColumn(String, positions: [Int])

    public var description: String {
        switch self {
        case .unreadable(.missingHeader):
            "the file is empty, but the definition expects a header row"
        case .unreadable(let error):
            "the file cannot be read as the definition declares it: \(error)"
        case .missingColumns(let names, let count):
            "the header does not match the definition: no column "
                + names.map { "\"\($0)\"" }.joined(separator: ", ")
                + " (the header has \(count) columns; if the file has no header row, the definition must say \"header\": false)"
        case .ambiguousColumn(let name, let positions):
            "the header does not match the definition: column \"\(name)\" appears \(positions.count) times (columns "
                + positions.map { String($0 + 1) }.joined(separator: ", ") + ")"
        }
    }
}
