import Foundation

/// A value that can be bound to a `$n` placeholder.
///
/// Lähde sends every parameter in PostgreSQL's text format and lets the server cast it, so one protocol
/// with a single `postgresText` requirement covers all types without binary encoders; values never become
/// part of the SQL text, which is what keeps personal data out of statement logs and injection's reach.
public protocol PostgresParameter: Sendable {
    var postgresText: String? { get }
}

extension String: PostgresParameter {
    public var postgresText: String? { self }
}

extension Substring: PostgresParameter {
    public var postgresText: String? { String(self) }
}

extension Int: PostgresParameter {
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresParameter {
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresParameter {
    public var postgresText: String? { String(self) }
}

extension Bool: PostgresParameter {
    public var postgresText: String? { self ? "true" : "false" }
}

extension Double: PostgresParameter {
    public var postgresText: String? { String(self) }
}

extension Date: PostgresParameter {
    /// ISO 8601 with an explicit UTC offset, so the server never applies its own time zone.
    public var postgresText: String? {
        self.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

extension Optional: PostgresParameter where Wrapped: PostgresParameter {
    public var postgresText: String? { self.flatMap { $0.postgresText } }
}

/// An explicit SQL NULL for a parameter list.
public struct PostgresNull: PostgresParameter {
    public init() {}
    public var postgresText: String? { nil }
}
