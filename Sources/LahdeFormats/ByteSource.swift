/// Where a streaming reader pulls its bytes from.
///
/// A protocol rather than a `FileHandle` so that tests can feed in-memory data in deliberately
/// awkward pieces (one byte at a time, a UTF-8 sequence cut in half) and so that a download, a pipe
/// or a decompressor can feed a reader without touching the disk.
public protocol ByteSource {
    /// Copies the next bytes of the input into `buffer`.
    ///
    /// Returning fewer bytes than `buffer.count` is fine at any point; readers call again.
    ///
    /// - Returns: The number of bytes written, 0 only at the end of the input (and on every call
    ///   after it).
    /// - Throws: An I/O failure; the reader passes it on as a failure of the whole stream.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}
