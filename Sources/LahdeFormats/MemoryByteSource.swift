/// A ``ByteSource`` over bytes already in memory.
///
/// `maxReadSize` caps how much one `read` hands out, which is how tests put chunk boundaries inside
/// quoted fields, between CR and LF and in the middle of multi-byte characters.
public struct MemoryByteSource: ByteSource, Sendable {
    public let bytes: [UInt8]
    public let maxReadSize: Int
    private var position = 0

    /// - Parameters:
    ///   - bytes: The whole input.
    ///   - maxReadSize: The most bytes one `read` returns; at least 1.
    public init(_ bytes: some Sequence<UInt8>, maxReadSize: Int = .max) {
        precondition(maxReadSize > 0, "maxReadSize must be positive")
        self.bytes = Array(bytes)
        self.maxReadSize = maxReadSize
    }

    /// Reads the UTF-8 bytes of `text`.
    public init(_ text: String, maxReadSize: Int = .max) {
        self.init(Array(text.utf8), maxReadSize: maxReadSize)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, maxReadSize, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<(position + count)]))
        }
        position += count
        return count
    }
}
