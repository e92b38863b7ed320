import ArgumentParser
import Foundation
import LahdeStore

/// `lahde batches`: the ledger — every file Lähde has read, with its outcome and counts.
struct BatchesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batches",
        abstract: "List the batch ledger, newest first.",
        discussion: "Example:\n  lahde batches --connector customer-system-jsonl --limit 5 --json")

    @Option(name: .long, help: "Only this connector's batches.")
    var connector: String?

    @Option(name: .long, help: "How many batches to list.")
    var limit = 20

    @OptionGroup var output: OutputOptions

    func run() throws {
        let batches = try Ledger(connection: RegisterSession.open()).batches(limit: limit, connector: connector)
        if output.json {
            for batch in batches {
                OutputOptions.printJSON([
                    "batch": batch.id, "connector": batch.connector, "file": batch.file, "sha256": batch.sha256, "status": batch.status,
                    "started_at": batch.startedAt, "finished_at": batch.finishedAt as Any, "error": batch.error as Any,
                    "counts": batch.counts.jsonObject, "retry_of": batch.retryOf as Any,
                ])
            }
            return
        }
        if batches.isEmpty { print("no batches yet") }
        for batch in batches {
            let counts = batch.counts
            print(
                "\(batch.id)  \(batch.status.padding(toLength: 7, withPad: " ", startingAt: 0))  \(batch.startedAt.prefix(19))  \(batch.connector)  \(batch.file)  "
                    + "read \(counts.read): \(counts.applied) applied, \(counts.unchanged) unchanged, \(counts.superseded) superseded, "
                    + "\(counts.quarantined) quarantined, \(counts.suppressed) suppressed" + (batch.error.map { "  — \($0)" } ?? "") + (batch.retryOf.map { "  (retry of batch \($0))" } ?? ""))
        }
    }
}
