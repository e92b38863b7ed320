import Foundation
import LahdeCore
import LahdePostgres

/// The ledger of scheduled job runs (`lahde.job_run`) and the lock that keeps one job from running twice
/// at once.
///
/// The lock is a session advisory lock per job name: PostgreSQL drops it when the holding connection
/// ends, so a killed `lahde run` never leaves a job locked, and its `running` row is marked failed by the
/// next run of the job.
public struct JobLedger {
    public enum Status: String, Sendable {
        case running
        /// New content fetched and imported.
        case loaded
        /// The content was already imported; nothing changed.
        case unchanged
        case failed
    }

    public struct Run: Sendable {
        public let id: Int
        public let job: String
        public let startedAt: String
        /// Seconds since 1970 of `startedAt`, for schedule arithmetic.
        public let startedEpoch: Double
        public let finishedAt: String?
        public let status: String
        public let error: String?
        public let sha256: String?
        public let fileName: String?
        public let batch: Int?
        /// The imported batch's counts (nil when the run imported nothing).
        public let counts: BatchReport.Counts?
    }

    private let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Takes the job's lock for this session; false when another session holds it.
    public func tryLock(job: String) throws -> Bool {
        try connection.query("SELECT pg_try_advisory_lock(hashtext('lahde-job'), hashtext($1)) AS ok", job).first?.bool("ok") ?? false
    }

    public func unlock(job: String) {
        _ = try? connection.query("SELECT pg_advisory_unlock(hashtext('lahde-job'), hashtext($1))", job)
    }

    /// Marks the job's `running` rows failed: called while holding the job's lock, so they belong to
    /// processes that died.
    public func markInterrupted(job: String) throws {
        try connection.query(
            "UPDATE lahde.job_run SET status = 'failed', error = 'interrupted: the process ended before the run finished', finished_at = clock_timestamp() WHERE job = $1 AND status = 'running'",
            job)
    }

    /// Records the start of a run; returns its id.
    public func start(job: String) throws -> Int {
        guard let id = try connection.query("INSERT INTO lahde.job_run (job, status) VALUES ($1, 'running') RETURNING run_id", job).first?.int("run_id")
        else { throw PostgresError(kind: .protocolError, message: "the job ledger did not return a run id") }
        return id
    }

    /// Records how a run ended. The error is masked: a server message may quote an identity code.
    public func finish(
        run: Int, status: Status, error: String? = nil, sha256: String? = nil, byteCount: Int64? = nil, fileName: String? = nil, batch: Int? = nil
    ) throws {
        try connection.query(
            """
            UPDATE lahde.job_run SET status = $2, error = $3, sha256 = $4, byte_count = $5, file_name = $6, batch_id = $7,
                   finished_at = clock_timestamp()
            WHERE run_id = $1
            """, run, status.rawValue, error.map { Redaction.maskingHenkilotunnus(in: $0) }, sha256, byteCount, fileName, batch)
    }

    /// The job's newest runs first; with `successfulOnly`, only runs that loaded or found nothing new.
    public func runs(job: String, limit: Int = 1, successfulOnly: Bool = false) throws -> [Run] {
        try connection.query(
            """
            SELECT r.run_id, r.job, to_json(r.started_at) #>> '{}' AS started_at, extract(epoch FROM r.started_at)::float8 AS started_epoch,
                   to_json(r.finished_at) #>> '{}' AS finished_at, r.status, r.error, r.sha256, r.file_name, r.batch_id,
                   b.read, b.applied, b.unchanged, b.superseded, b.quarantined, b.suppressed
            FROM lahde.job_run r LEFT JOIN lahde.batch b ON b.batch_id = r.batch_id
            WHERE r.job = $1 AND (NOT $3 OR r.status IN ('loaded', 'unchanged'))
            ORDER BY r.run_id DESC LIMIT $2
            """, job, limit, successfulOnly
        ).rows.map { row in
            Run(
                id: row.int("run_id") ?? 0, job: row["job"] ?? "", startedAt: row["started_at"] ?? "",
                startedEpoch: Double(row["started_epoch"] ?? "") ?? 0, finishedAt: row["finished_at"], status: row["status"] ?? "",
                error: row["error"], sha256: row["sha256"], fileName: row["file_name"], batch: row.int("batch_id"),
                counts: row["read"] == nil ? nil : BatchReport.Counts(row))
        }
    }
}
