/// A growable byte buffer that its owner frees with `free()`: the SAX2 walk appends every text chunk of a
/// selected element to one, and `Array.append(contentsOf:)` was a visible cost per chunk.
struct XMLByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafePointer<UInt8>, count length: Int) {
        if count + length > capacity { grow(to: count + length) }
        (base + count).initialize(from: bytes, count: length)
        count += length
    }

    /// Keeps the first `length` bytes.
    mutating func truncate(to length: Int) { count = min(count, length) }

    /// The bytes as an array (copied).
    var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    func free() { base.deallocate() }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.initialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }
}
