import ArgumentParser
import Foundation
import LahdeConnectors
import LahdeStore

/// `lahde status`: every scheduled job's last run, its result and counts, and when it is next due.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each scheduled job's last run, result, counts and next due time.",
        discussion: """
            A failed job shows its error; the next `lahde run` retries it. For the batches and quarantined \
            records behind a run: lahde batches --connector JOB, lahde quarantine list.

            Examples:
              lahde status
              lahde status --json
            """)

    @OptionGroup var output: OutputOptions

    func run() throws {
        let connection = try RegisterSession.open()
        let catalogue = try FieldCatalogue.load(from: connection)
        let catalog = ConnectorCatalog.fromEnvironment()
        let ledger = JobLedger(connection: connection)
        let (jobs, broken) = ScheduledJob.all(catalog: catalog, catalogue: catalogue)
        if jobs.isEmpty, broken.isEmpty, !output.json { print("no jobs: no connector definition in \(catalog.folder.path) has a fetch section") }
        for (name, error) in broken {
            output.emit(human: "✗ \(name): the definition cannot be used: \(error)", json: ["job": name, "definition_error": error])
        }
        for job in jobs {
            let last = try ledger.runs(job: job.name).first
            let success = try ledger.runs(job: job.name, successfulOnly: true).first
            let nextDue = job.nextDue(lastSuccess: success.map { Date(timeIntervalSince1970: $0.startedEpoch) })
            if output.json {
                OutputOptions.printJSON([
                    "job": job.name, "schedule": job.definition.schedule as Any, "url": job.definition.fetch?.url as Any,
                    "last_run": last.map(Self.json) as Any, "last_success": success.map(Self.json) as Any,
                    "next_due": nextDue.map(JobTime.text) as Any,
                ])
                continue
            }
            let schedule = job.definition.schedule.map { "schedule '\($0)'" } ?? "no schedule (run by name only)"
            print("\(job.name)  \(schedule)  next due: \(nextDue.map(JobTime.text) ?? "never")")
            guard let last else {
                print("    never run")
                continue
            }
            print("    last run \(last.id): \(last.status) at \(last.startedAt.prefix(19))" + (last.fileName.map { ", \($0)" } ?? ""))
            if let error = last.error { print("    error: \(error)") }
            if let counts = (last.counts ?? success?.counts) {
                print(
                    "    batch \(last.batch ?? success?.batch ?? 0): \(counts.read) records: \(counts.applied) applied, \(counts.unchanged) unchanged, "
                        + "\(counts.superseded) superseded, \(counts.quarantined) quarantined, \(counts.suppressed) suppressed")
            }
            if let success, success.id != last.id { print("    last success: run \(success.id) at \(success.startedAt.prefix(19))") }
        }
    }

    static func json(_ run: JobLedger.Run) -> [String: Any] {
        [
            "run": run.id, "status": run.status, "started_at": run.startedAt, "finished_at": run.finishedAt as Any, "error": run.error as Any,
            "file": run.fileName as Any, "sha256": run.sha256 as Any, "batch": run.batch as Any, "counts": run.counts?.jsonObject as Any,
        ]
    }
}
