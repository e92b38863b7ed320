/// A feed could not be fetched or archived. Never holds a secret: URLs in definitions carry none.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    public let url: String
    public let problem: String
    /// Whether trying again could help (a dropped connection, a 503) or not (a 404, a refused certificate).
    public let retryable: Bool

    public init(url: String, problem: String, retryable: Bool) {
        self.url = url
        self.problem = problem
        self.retryable = retryable
    }

    public var description: String { "fetching \(url): \(problem)" }
}
