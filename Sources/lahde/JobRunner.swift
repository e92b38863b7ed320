import Foundation
import LahdeConnectors
import LahdeCore
import LahdeFetch
import LahdePostgres
import LahdeStore
import Logging

/// Runs scheduled jobs: fetch into the archive, then import through the same path as `lahde import`.
///
/// Each job runs under its own lock (``JobLedger/tryLock(job:)``): a second `lahde run` skips a job that
/// is running elsewhere, and re-checks whether a job is still due once it holds the lock, so two
/// processes started together run each due job once.
struct JobRunner {
    struct Outcome {
        enum Status: String {
            case loaded, unchanged, failed
            /// Running in another process right now.
            case skipped
            case notDue = "not-due"
        }

        let job: String
        var status: Status
        var run: Int?
        var file: String?
        var sha256: String?
        var batch: Int?
        var counts: BatchReport.Counts?
        var error: String?
        var nextDue: Date?
        var attempts: Int?
        var resumed = false
        /// The source said the feed had not changed since the last download; nothing was transferred.
        var notModified = false
    }

    let connection: PostgresConnection
    let catalogue: FieldCatalogue
    let archive: URL
    let showProgress: Bool
    let logger = Logger(label: "lahde.run")

    private var ledger: JobLedger { JobLedger(connection: connection) }

    /// The last successful run's start, by which a schedule's next due time is counted.
    func lastSuccess(of job: ScheduledJob) throws -> Date? {
        try ledger.runs(job: job.name, successfulOnly: true).first.map { Date(timeIntervalSince1970: $0.startedEpoch) }
    }

    /// Runs `job`; with `onlyIfDue`, only when its schedule has come round since its last successful run.
    func run(_ job: ScheduledJob, onlyIfDue: Bool, now: Date = Date()) throws -> Outcome {
        guard try ledger.tryLock(job: job.name) else {
            return Outcome(job: job.name, status: .skipped, error: "job \(job.name) is running in another lahde process; skipped")
        }
        defer { ledger.unlock(job: job.name) }
        try ledger.markInterrupted(job: job.name)

        if onlyIfDue {
            // Checked under the lock: another process may have just finished this job.
            let due = job.nextDue(lastSuccess: try lastSuccess(of: job))
            guard let due, due <= now else { return Outcome(job: job.name, status: .notDue, nextDue: due) }
        }

        let runID = try ledger.start(job: job.name)
        var outcome = Outcome(job: job.name, status: .failed, run: runID)
        logger.notice("job started", metadata: ["job": "\(job.name)", "run": "\(runID)"])
        do {
            let request = try job.fetchRequest()
            let archived = try FeedDownloader(archive: archive, retry: job.retryPolicy).download(request, connector: job.name, now: now)
            outcome.file = archived.originalName
            outcome.sha256 = archived.sha256
            outcome.attempts = archived.attempts
            outcome.resumed = archived.resumed
            outcome.notModified = archived.notModified
            let loader = RegisterLoader(
                connection: connection, policy: job.definition.policy(for: catalogue), lockMode: .wait,
                suppressionKey: try RegisterSession.suppressionKey(create: false))
            let report = try FeedFileImport.load(
                path: archived.path, fileName: archived.originalName, definition: job.definition, loader: loader, progress: showProgress)
            if report.status == .failed {
                throw CommandFailure(.inputFailed, "importing \(archived.originalName) (archived as \(archived.path)): \(report.error ?? "failed")")
            }
            outcome.status = report.status == .loaded ? .loaded : .unchanged
            outcome.batch = report.batch
            outcome.counts = report.counts
            try ledger.finish(
                run: runID, status: outcome.status == .loaded ? .loaded : .unchanged, sha256: archived.sha256, byteCount: archived.byteCount,
                fileName: archived.originalName, batch: report.batch)
            logger.notice("job finished", metadata: ["job": "\(job.name)", "run": "\(runID)", "status": "\(outcome.status.rawValue)"])
        } catch let error as PostgresError where error.isConnectionLoss {
            throw error
        } catch {
            let message = Redaction.maskingHenkilotunnus(in: "\(error)")
            outcome.error = message
            try ledger.finish(run: runID, status: .failed, error: message, sha256: outcome.sha256, fileName: outcome.file)
            logger.error("job failed", metadata: ["job": "\(job.name)", "run": "\(runID)", "error": "\(message)"])
        }
        outcome.nextDue = job.nextDue(lastSuccess: try lastSuccess(of: job))
        return outcome
    }
}
