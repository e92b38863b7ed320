import Foundation

/// Counts the requests a `LoopbackHTTPServer` handler sees (handlers run on the server's thread, so the
/// count is locked), for fakes that answer the first N requests differently.
public final class RequestCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    public init() {}

    /// The number of this request, from 1.
    public func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
