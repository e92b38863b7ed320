#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A ``ByteSource`` that reads a file (or an inherited descriptor such as standard input) with
/// plain `read(2)` calls.
///
/// POSIX rather than `FileHandle`: `FileHandle.read(upToCount:)` allocates a fresh `Data` per chunk,
/// and its errors on Linux lose the errno. This type copies straight into the reader's buffer and
/// reports failures with the path and errno so an operator can act on them.
///
/// A class because it owns the descriptor and closes it exactly once, when the last reference goes.
public final class FileByteSource: ByteSource {
    public let path: String
    private let descriptor: Int32
    private let closesDescriptor: Bool
    private var reachedEnd = false

    /// Opens `path` for reading.
    ///
    /// - Throws: ``FileByteSourceError`` when the file cannot be opened.
    public init(path: String) throws(FileByteSourceError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileByteSourceError(operation: .open, path: path, errno: errno) }
        self.path = path
        self.descriptor = descriptor
        self.closesDescriptor = true
    }

    /// Reads from a descriptor the caller already has, such as 0 for standard input.
    ///
    /// - Parameters:
    ///   - fileDescriptor: An open, readable descriptor.
    ///   - name: What error messages call the input.
    ///   - closeWhenDone: Whether this source closes the descriptor when it is released.
    public init(fileDescriptor: Int32, name: String, closeWhenDone: Bool = false) {
        self.path = name
        self.descriptor = fileDescriptor
        self.closesDescriptor = closeWhenDone
    }

    deinit {
        if closesDescriptor { _ = close(descriptor) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileByteSourceError) -> Int {
        guard !reachedEnd, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Darwin)
                let count = Darwin.read(descriptor, base, buffer.count)
            #elseif canImport(Musl)
                let count = Musl.read(descriptor, base, buffer.count)
            #else
                let count = Glibc.read(descriptor, base, buffer.count)
            #endif
            if count >= 0 {
                if count == 0 { reachedEnd = true }
                return count
            }
            if errno != EINTR { throw FileByteSourceError(operation: .read, path: path, errno: errno) }
        }
    }
}
