import ArgumentParser
import Foundation
import LahdeConnectors
import LahdeCore
import LahdeStore

/// `lahde run [JOB...]`: the scheduled jobs — fetch each due feed into the archive and import it.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the scheduled jobs that are due, or the named jobs now.",
        discussion: """
            A job is a connector definition with a "fetch" section; its "schedule" (cron: minute hour \
            day-of-month month day-of-week) says when it is due. Without JOB, every job whose schedule has come \
            round since its last successful run runs (a job that never succeeded is due at once); a failed run \
            is retried by the next one. A job downloads its feed (https, sftp or file URL; resumed and retried \
            with backoff) into the archive (LAHDE_ARCHIVE, default LAHDE_HOME/archive) as <connector>/<sha256>, \
            then imports it; content already imported is not imported again. A job running in another process \
            is skipped.

            Exit status: 0 when no job failed; 2 when any failed; 4 when a named job was running elsewhere.

            Examples:
              lahde run                      # what is due (the systemd timer calls this)
              lahde run customer-system      # one job now, due or not
              lahde run --json
            """)

    @Argument(help: "Jobs (connector names) to run now, due or not. Without any: every due job.")
    var jobs: [String] = []

    @OptionGroup var output: OutputOptions

    func run() throws {
        let connection = try RegisterSession.open()
        let catalogue = try FieldCatalogue.load(from: connection)
        let catalog = ConnectorCatalog.fromEnvironment()
        let runner = JobRunner(
            connection: connection, catalogue: catalogue, archive: ScheduledJob.archiveFolder(),
            showProgress: !output.json && isatty(STDERR_FILENO) == 1)
        var outcomes: [JobRunner.Outcome] = []
        if jobs.isEmpty {
            let (all, broken) = ScheduledJob.all(catalog: catalog, catalogue: catalogue)
            for (name, error) in broken {
                let outcome = JobRunner.Outcome(job: name, status: .failed, error: "the definition cannot be used: \(error)")
                emit(outcome)
                outcomes.append(outcome)
            }
            if all.isEmpty, broken.isEmpty, !output.json { print("no jobs: no connector definition in \(catalog.folder.path) has a fetch section") }
            for job in all {
                // A job without a schedule runs only when named.
                let outcome = job.definition.cronSchedule == nil
                    ? JobRunner.Outcome(job: job.name, status: .notDue) : try runner.run(job, onlyIfDue: true)
                emit(outcome)
                outcomes.append(outcome)
            }
        } else {
            for name in jobs {
                let definition = try RegisterSession.definition(named: name, catalogue: catalogue, in: catalog)
                guard definition.fetch != nil else {
                    throw CommandFailure(.usageOrNotFound, "connector \(name) has no fetch section, so it is not a job; import its files with lahde import")
                }
                let outcome = try runner.run(ScheduledJob(definition: definition), onlyIfDue: false)
                emit(outcome)
                outcomes.append(outcome)
            }
        }
        if outcomes.contains(where: { $0.status == .failed }) { throw ExitCode(ExitStatus.inputFailed.rawValue) }
        if !jobs.isEmpty, outcomes.contains(where: { $0.status == .skipped }) { throw ExitCode(ExitStatus.locked.rawValue) }
    }

    private func emit(_ outcome: JobRunner.Outcome) {
        if output.json {
            OutputOptions.printJSON(outcome.jsonObject)
            return
        }
        let due = outcome.nextDue.map { " (next due \(JobTime.text($0)))" } ?? ""
        switch outcome.status {
        case .loaded:
            let counts = outcome.counts ?? BatchReport.Counts()
            print(
                "✓ \(outcome.job): fetched \(outcome.file ?? "?") (sha256 \(outcome.sha256?.prefix(12) ?? "")…), batch \(outcome.batch ?? 0), "
                    + "\(counts.read) records: \(counts.applied) applied, \(counts.unchanged) unchanged, \(counts.superseded) superseded, "
                    + "\(counts.quarantined) quarantined" + due)
        case .unchanged:
            let how = outcome.notModified ? "not modified at the source" : "already imported"
            print("= \(outcome.job): nothing new (\(outcome.file ?? "?") \(how), batch \(outcome.batch ?? 0))" + due)
        case .failed:
            print("✗ \(outcome.job): failed: \(outcome.error ?? "unknown error")" + (outcome.run.map { " (run \($0); the next run retries)" } ?? ""))
        case .skipped:
            print("~ \(outcome.job): \(outcome.error ?? "running elsewhere")")
        case .notDue:
            print("- \(outcome.job): not due" + (outcome.nextDue.map { " until \(JobTime.text($0))" } ?? " (no schedule: lahde run \(outcome.job) runs it)"))
        }
    }
}

extension JobRunner.Outcome {
    /// One object per job in `lahde run --json`.
    var jsonObject: [String: Any] {
        [
            "job": job, "status": status.rawValue, "run": run as Any, "file": file as Any, "sha256": sha256 as Any, "batch": batch as Any,
            "counts": counts?.jsonObject as Any, "error": error as Any, "next_due": nextDue.map(JobTime.text) as Any,
            "attempts": attempts as Any, "resumed": resumed, "not_modified": notModified,
        ]
    }
}

/// Times in job output: ISO 8601 with the offset, to the second.
enum JobTime {
    static func text(_ date: Date) -> String {
        if date == .distantPast { return "now" }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = .current
        return formatter.string(from: date)
    }
}
