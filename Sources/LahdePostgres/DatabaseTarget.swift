import Foundation

/// Which PostgreSQL Lähde works against: a server the operator names, or the embedded one.
///
/// The URL is a secret (it may carry a password), so it is read from the environment or from a file —
/// `LAHDE_DATABASE_URL` or `LAHDE_DATABASE_URL_FILE` — and never from a command-line argument, which any
/// user on the machine could read from the process list.
public enum DatabaseTarget: Sendable {
    case external(conninfo: String)
    case embedded(EmbeddedPostgres)

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> DatabaseTarget
    {
        if let url = environment["LAHDE_DATABASE_URL"], !url.isEmpty {
            return .external(conninfo: url)
        }
        if let path = environment["LAHDE_DATABASE_URL_FILE"], !path.isEmpty {
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw EmbeddedPostgresError("LAHDE_DATABASE_URL_FILE names \(path), which cannot be read")
            }
            return .external(conninfo: contents.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return .embedded(EmbeddedPostgres(home: EmbeddedPostgres.defaultHome(environment: environment)))
    }

    /// Connects, starting the embedded server first when that is the target.
    public func connect() throws -> PostgresConnection {
        switch self {
        case .external(let conninfo):
            return try PostgresConnection(conninfo: conninfo)
        case .embedded(let server):
            try server.start()
            return try PostgresConnection(conninfo: server.conninfo)
        }
    }

    /// A description safe to print: the embedded folder, or the external target without its password.
    public var displayName: String {
        switch self {
        case .embedded(let server): return "embedded PostgreSQL in \(server.home.path)"
        case .external(let conninfo): return "PostgreSQL at \(Self.redactingPassword(conninfo))"
        }
    }

    static func redactingPassword(_ conninfo: String) -> String {
        if conninfo.contains("://"), var components = URLComponents(string: conninfo) {
            if components.password != nil { components.password = "***" }
            return components.string ?? "(connection URL)"
        }
        return conninfo.split(separator: " ").map { part in
            part.lowercased().hasPrefix("password=") ? "password=***" : String(part)
        }.joined(separator: " ")
    }
}
