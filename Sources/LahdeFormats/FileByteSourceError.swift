#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An I/O failure while reading a feed file.
///
/// Unlike record errors this ends the stream: nothing after it can be trusted to be the file's
/// content. The errno is kept so callers can tell "file missing" from "disk failing".
public struct FileByteSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Operation: String, Sendable, Hashable {
        case open
        case read
    }

    public let operation: Operation
    public let path: String
    public let errno: Int32

    public init(operation: Operation, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String {
        let reason = strerror(errno).map { String(cString: $0) } ?? "errno \(errno)"
        return "cannot \(operation.rawValue) \(path): \(reason)"
    }
}
