/// Numbers distinct values in the order they are first met, so that an element's storage keeps small ids
/// and every element of a reader shares one list of the names (or namespace URIs) themselves.
struct XMLInterner<Value: Hashable> {
    /// The values by id; handed to `XMLTreeStorage` as they stand (copy-on-write, so no copy per message).
    private(set) var values: [Value] = []
    private var ids: [Value: Int32] = [:]

    init(_ initial: [Value] = []) {
        for value in initial { _ = id(for: value) }
    }

    mutating func id(for value: Value) -> Int32 {
        if let known = ids[value] { return known }
        let id = Int32(values.count)
        values.append(value)
        ids[value] = id
        return id
    }

    subscript(id: Int32) -> Value { values[Int(id)] }
}
