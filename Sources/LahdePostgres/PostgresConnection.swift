import Foundation
internal import CLibPQ

/// A blocking connection to PostgreSQL over libpq.
///
/// Lähde's work is batch work: a connection belongs to one import at a time and every call blocks the
/// calling thread until the server answers. That is deliberate: the CLI runs synchronously on its own
/// thread, so no libpq call ever sits on Swift's cooperative pool, and libpq gives us every COPY form,
/// TLS option, `PG*` variable and `.pgpass` behaviour that `psql` has.
///
/// Not `Sendable`: a libpq connection must not be used from two threads at once.
public final class PostgresConnection {
    private let handle: OpaquePointer

    /// Opens a connection from a libpq connection string: a `postgresql://` URI or `key=value` conninfo.
    ///
    /// TLS settings (`sslmode`, `sslrootcert`, …) and every other libpq option are honoured as given.
    public init(conninfo: String) throws(PostgresError) {
        guard let connection = PQconnectdb(conninfo) else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(kind: .connectionFailed, message: message)
        }
        self.handle = connection
        // The server's NOTICEs ("relation already exists, skipping") are not errors and must not reach a
        // user's terminal uninvited.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit {
        PQfinish(handle)
    }

    /// The server's version number, e.g. 150018 for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Runs one statement with `$1…$n` parameters sent separately from the SQL text.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresParameter] = []) throws(PostgresError) -> PostgresResult {
        let texts = parameters.map { $0.postgresText }
        let result: OpaquePointer? = withCStringArray(texts) { pointers in
            PQexecParams(handle, sql, Int32(texts.count), nil, pointers, nil, nil, 0)
        }
        return try consume(result, kind: .queryFailed)
    }

    /// Runs one statement with parameters given inline: `try db.query("… $1 …", hetu.value)`.
    @discardableResult
    public func query(_ sql: String, _ first: any PostgresParameter, _ rest: any PostgresParameter...) throws(PostgresError)
        -> PostgresResult
    {
        try query(sql, [first] + rest)
    }

    /// Runs a script of several statements with no parameters (migrations, DDL).
    ///
    /// Only for SQL that Lähde itself ships: it takes no values, so nothing from a feed can reach it.
    public func execute(script: String) throws(PostgresError) {
        let result = PQexec(handle, script)
        _ = try consume(result, kind: .queryFailed)
        // PQexec returns only the last result; drain in case the script left more (it should not).
        while let extra = PQgetResult(handle) { PQclear(extra) }
    }

    /// Runs `body` inside BEGIN … COMMIT, rolling back if it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body()
            try query("COMMIT")
            return value
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// Streams rows into the server with `COPY … FROM STDIN`.
    ///
    /// `body` writes through a ``CopyInWriter``, which sends ~32 KiB chunks: measured on this machine,
    /// 16–64 KiB chunks let the server work while the client encodes the next chunk, and 1 MiB chunks
    /// were 1.5× slower. If `body` throws, the COPY is aborted and nothing of it is kept.
    ///
    /// - Returns: the number of rows the server took.
    @discardableResult
    public func copyIn(_ copyStatement: String, _ body: (inout CopyInWriter) throws -> Void) throws -> Int {
        let start = PQexec(handle, copyStatement)
        let status = PQresultStatus(start)
        guard status == PGRES_COPY_IN else {
            _ = try consume(start, kind: .copyFailed)
            throw PostgresError(kind: .protocolError, message: "COPY did not enter COPY IN mode")
        }
        PQclear(start)
        var writer = CopyInWriter(send: { [handle] bytes in
            let sent = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    PQputCopyData(handle, chars.baseAddress, Int32(chars.count))
                }
            }
            if sent != 1 {
                throw PostgresError(kind: Self.copyFailureKind(handle), message: Self.trimmed(PQerrorMessage(handle)))
            }
        })
        do {
            try body(&writer)
            try writer.flush()
        } catch {
            PQputCopyEnd(handle, "aborted by client")
            while let result = PQgetResult(handle) { PQclear(result) }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            throw PostgresError(kind: Self.copyFailureKind(handle), message: Self.trimmed(PQerrorMessage(handle)))
        }
        var rows = 0
        var failure: PostgresError?
        while let result = PQgetResult(handle) {
            do throws(PostgresError) {
                rows = try consume(result, kind: .copyFailed).affectedRows
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return rows
    }

    /// A COPY that fails because the server went away is a lost connection (retrying later may work),
    /// not a problem with the rows: callers tell the two apart by `isConnectionLoss`.
    private static func copyFailureKind(_ connection: OpaquePointer) -> PostgresError.Kind {
        PQstatus(connection) == CONNECTION_OK ? .copyFailed : .connectionFailed
    }

    // MARK: - Results

    private func consume(_ result: OpaquePointer?, kind: PostgresError.Kind) throws(PostgresError) -> PostgresResult {
        guard let result else {
            throw PostgresError(kind: .connectionFailed, message: Self.trimmed(PQerrorMessage(handle)))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            let columnCount = Int(PQnfields(result))
            let rowCount = Int(PQntuples(result))
            let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
            var rows: [PostgresRow] = []
            rows.reserveCapacity(rowCount)
            for row in 0..<rowCount {
                var values: [String?] = []
                values.reserveCapacity(columnCount)
                for column in 0..<columnCount {
                    if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                        values.append(nil)
                    } else {
                        values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                    }
                }
                rows.append(PostgresRow(columns: columns, values: values))
            }
            let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
            return PostgresResult(rows: rows, affectedRows: affected)
        default:
            throw Self.error(from: result, kind: kind, connection: handle)
        }
    }

    private static func error(from result: OpaquePointer, kind: PostgresError.Kind, connection: OpaquePointer)
        -> PostgresError
    {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        let sqlState = field(cpq_diag_sqlstate)
        let message = field(cpq_diag_message_primary) ?? trimmed(PQresultErrorMessage(result))
        let connectionLost = PQstatus(connection) != CONNECTION_OK
        return PostgresError(
            kind: connectionLost ? .connectionFailed : kind,
            sqlState: sqlState,
            message: message.isEmpty ? trimmed(PQerrorMessage(connection)) : message,
            detail: field(cpq_diag_message_detail),
            hint: field(cpq_diag_message_hint)
        )
    }

    private static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "" }
        var value = String(cString: text)
        while value.last?.isWhitespace == true { value.removeLast() }
        return value
    }
}

/// Hands libpq a `const char *const *` built from optional Swift strings, valid only inside `body`.
private func withCStringArray<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    var owned: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
    defer { owned.forEach { free($0) } }
    return owned.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(buffer.count, 1)) {
            body(buffer.count == 0 ? nil : $0)
        }
    }
}
