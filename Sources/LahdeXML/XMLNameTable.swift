/// The element names a reader has met, numbered in the order met, with their local names' UTF-8 also laid
/// out in one buffer: a path or a child look-up reads those bytes instead of the names' strings (which
/// cost a retain, a release and a string comparison per element passed).
struct XMLNameTable: Sendable {
    private(set) var names: [XMLName] = []
    /// Name `i`'s local name is `localBytes[localStarts[i]..<localStarts[i + 1]]`.
    private(set) var localBytes: [UInt8] = []
    private(set) var localStarts: [Int32] = [0]
    private var ids: [XMLName: Int32] = [:]

    mutating func id(for name: XMLName) -> Int32 {
        if let known = ids[name] { return known }
        let id = Int32(names.count)
        names.append(name)
        localBytes.append(contentsOf: name.local.utf8)
        localStarts.append(Int32(localBytes.count))
        ids[name] = id
        return id
    }

    subscript(id: Int32) -> XMLName { names[Int(id)] }
}
