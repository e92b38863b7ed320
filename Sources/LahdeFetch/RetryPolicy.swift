/// How often and how patiently a failed transfer is tried again: exponential backoff with a ceiling.
///
/// Feed servers fail in the night for minutes at a time (maintenance, a full disk at the vendor); a few
/// spaced retries ride that out, while a server that is down for longer fails the job, which the next
/// scheduled run retries.
public struct RetryPolicy: Sendable, Equatable {
    /// Transfers tried in all (1 = no retry).
    public var attempts: Int
    public var initialDelaySeconds: Double
    public var maximumDelaySeconds: Double

    public init(attempts: Int = 4, initialDelaySeconds: Double = 2, maximumDelaySeconds: Double = 60) {
        self.attempts = max(1, attempts)
        self.initialDelaySeconds = max(0, initialDelaySeconds)
        self.maximumDelaySeconds = max(0, maximumDelaySeconds)
    }

    /// The wait before attempt `attempt + 1` (attempt counted from 1): initial × 2^(attempt−1), capped.
    public func delay(afterAttempt attempt: Int) -> Double {
        var delay = initialDelaySeconds
        for _ in 1..<max(1, attempt) {
            delay *= 2
            if delay >= maximumDelaySeconds { break }
        }
        return min(delay, maximumDelaySeconds)
    }
}
