/// The column names from a header row, and the lookup from names to field indexes.
///
/// Vendors rename, reorder and re-case columns between deliveries ("Hetu", "HETU ", "hetu"), so
/// lookups trim surrounding whitespace and ignore case, and a connector asks for columns by name
/// rather than hard-coding positions.
public struct CSVHeader: Sendable, Hashable {
    /// The names exactly as in the file.
    public let names: [String]
    private let indexByKey: [String: [Int]]

    public init(names: [String]) {
        self.names = names
        var indexByKey: [String: [Int]] = [:]
        for (index, name) in names.enumerated() {
            indexByKey[Self.key(name), default: []].append(index)
        }
        self.indexByKey = indexByKey
    }

    /// The index of a column, or `nil` when no column has that name or several do.
    public func index(of name: String) -> Int? {
        guard let indexes = indexByKey[Self.key(name)], indexes.count == 1 else { return nil }
        return indexes[0]
    }

    /// The indexes of the columns a connector cannot work without, in the order asked for.
    ///
    /// - Throws: ``CSVHeaderError`` listing every missing column at once (so a vendor's renamed file
    ///   is fixed in one round trip), or the first name that matches more than one column.
    public func indexes(of required: [String]) throws(CSVHeaderError) -> [Int] {
        var result: [Int] = []
        var missing: [String] = []
        for name in required {
            switch indexByKey[Self.key(name)] {
            case let indexes? where indexes.count == 1:
                result.append(indexes[0])
            case let indexes?:
                throw .ambiguousColumn(name, indexes: indexes)
            case nil:
                missing.append(name)
            }
        }
        guard missing.isEmpty else { throw .missingColumns(missing, available: names) }
        return result
    }

    /// The lookup key: trimmed and lower-cased.
    ///
    /// `String` hashing and equality already treat NFC and NFD forms of
    /// "ö" as equal, so decomposed names from macOS tools match too.
    static func key(_ name: String) -> String {
        let trimmed = name.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        return String(trimmed).lowercased()
    }
}
