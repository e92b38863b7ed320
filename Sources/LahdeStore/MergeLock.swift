import LahdePostgres

/// The register-wide lock that keeps two imports from merging at once.
///
/// A session-level advisory lock: PostgreSQL releases it when the holding connection ends, so a killed
/// import never leaves the register locked.
public enum MergeLock {
    /// "lahde-mr" read as bytes.
    static let key: Int64 = 0x6C61_6864_652D_6D72

    public enum Mode: String, Sendable, CaseIterable {
        /// Wait until the other import has finished.
        case wait
        /// Give up at once with ``MergeLockBusy``.
        case fail
    }

    static func acquire(_ connection: PostgresConnection, mode: Mode) throws {
        switch mode {
        case .wait:
            try connection.query("SELECT pg_advisory_lock($1)", key)
        case .fail:
            let acquired = try connection.query("SELECT pg_try_advisory_lock($1) AS ok", key).first?.bool("ok") ?? false
            if !acquired { throw MergeLockBusy() }
        }
    }

    static func release(_ connection: PostgresConnection) {
        _ = try? connection.query("SELECT pg_advisory_unlock($1)", key)
    }
}

/// Another import is merging into this register right now.
public struct MergeLockBusy: Error, Sendable, CustomStringConvertible {
    public var description: String {
        "another import is merging into this register; try again when it has finished, or use --lock wait"
    }
}
