import Foundation

/// Where the PostgreSQL server programs (`initdb`, `pg_ctl`, `postgres`) live.
///
/// Debian keeps them out of `PATH`, under `/usr/lib/postgresql/<major>/bin`; `LAHDE_PG_BIN` overrides the
/// search for other layouts.
public struct PostgresBinaries: Sendable {
    public let directory: String

    public var initdb: String { directory + "/initdb" }
    public var pgCtl: String { directory + "/pg_ctl" }
    public var postgres: String { directory + "/postgres" }

    /// Finds the newest installed server, preferring `LAHDE_PG_BIN`.
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment, debianRoot: String = "/usr/lib/postgresql"
    ) throws(EmbeddedPostgresError) -> PostgresBinaries {
        var candidates: [String] = []
        if let explicit = environment["LAHDE_PG_BIN"], !explicit.isEmpty { candidates.append(explicit) }
        let majors = ((try? FileManager.default.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        candidates += majors.map { "\(debianRoot)/\($0)/bin" }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in candidates {
            let binaries = PostgresBinaries(directory: directory)
            if FileManager.default.isExecutableFile(atPath: binaries.initdb),
                FileManager.default.isExecutableFile(atPath: binaries.pgCtl)
            {
                return binaries
            }
        }
        throw EmbeddedPostgresError(
            "PostgreSQL server programs (initdb, pg_ctl) were not found; run ops/setup to install them, or set LAHDE_PG_BIN"
        )
    }
}

/// A failure to set up, start or stop the embedded server, phrased for the person at the terminal.
public struct EmbeddedPostgresError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
