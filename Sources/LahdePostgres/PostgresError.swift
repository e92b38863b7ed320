/// An error from PostgreSQL or from libpq, keeping what an operator needs to act on it.
///
/// The server's SQLSTATE, message and detail are kept apart (not flattened into one string) so callers can
/// branch on `sqlState` — for example `55P03` when a lock is not available — and so the CLI can redact the
/// detail text, which may quote row values, before printing it.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case connectionFailed = "connection failed"
        case queryFailed = "query failed"
        case copyFailed = "COPY failed"
        case protocolError = "unexpected reply"
    }

    public var kind: Kind
    /// Five-character SQLSTATE (`23505`, `40P01`, …) when the server reported one.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    public var description: String {
        var text = "PostgreSQL \(kind.rawValue)"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        if let hint { text += " Hint: \(hint)" }
        return text
    }

    /// SQLSTATE class 08, a server shutting down or restarting (57P01 admin shutdown, 57P02 crash shutdown,
    /// 57P03 cannot connect now) and a lost connection: the server went away, retrying later may work.
    public var isConnectionLoss: Bool {
        kind == .connectionFailed || (sqlState?.hasPrefix("08") ?? false) || (sqlState?.hasPrefix("57P") ?? false)
    }
}
