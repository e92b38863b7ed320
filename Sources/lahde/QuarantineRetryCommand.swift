import ArgumentParser
import Foundation
import LahdeConnectors
import LahdeStore

extension QuarantineCommand {
    /// `lahde quarantine retry`: re-drives quarantined records after an operator fixed a definition.
    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-drive quarantined records through their connector's current definition.",
            discussion: """
                The records of each original batch become one retry batch, recorded with the original file's \
                name and hash; every record keeps its original line, so provenance points at where the value \
                came from. A record that loads stays listed, marked resolved by the retry batch; one still bad \
                keeps its row with the new reason. Only csv and observations-jsonl records can be read on their \
                own; re-import the fixed file for the other formats.

                Examples:
                  lahde quarantine retry 12 13
                  lahde quarantine retry --batch 4 --json
                  lahde quarantine retry --all
                """)

        @Argument(help: "Quarantine ids (from `lahde quarantine list`).")
        var ids: [Int] = []

        @Option(name: .long, help: "Every unresolved record of this batch.")
        var batch: Int?

        @Flag(name: .long, help: "Every unresolved record.")
        var all = false

        @OptionGroup var output: OutputOptions

        func validate() throws {
            let chosen = (ids.isEmpty ? 0 : 1) + (batch == nil ? 0 : 1) + (all ? 1 : 0)
            if chosen != 1 { throw ValidationError("name quarantine ids, or --batch N, or --all") }
        }

        func run() throws {
            let selection: QuarantineRetry.Selection = all ? .all : batch.map { .batch($0) } ?? .ids(ids)
            let retry = QuarantineRetry(
                connection: try RegisterSession.open(), catalog: ConnectorCatalog.fromEnvironment(),
                suppressionKey: try RegisterSession.suppressionKey(create: false))
            let outcomes: [QuarantineRetry.Outcome]
            do {
                outcomes = try retry.retry(selection)
            } catch let busy as MergeLockBusy {
                throw CommandFailure(.locked, busy.description)
            } catch let missingKey as SuppressionKeyError {
                throw CommandFailure(.usageOrNotFound, missingKey.description)
            }
            if outcomes.isEmpty && !ids.isEmpty {
                throw CommandFailure(.usageOrNotFound, "no unresolved quarantined record has the id " + ids.map(String.init).joined(separator: ", "))
            }
            if outcomes.isEmpty && !output.json { print("nothing unresolved to retry") }
            for outcome in outcomes {
                output.emit(
                    human: "batch \(outcome.originalBatch) (\(outcome.connector), \(outcome.file)): "
                        + (outcome.notRetried.map { "not retried: \($0)" }
                            ?? "retry batch \(outcome.retryBatch ?? 0): \(outcome.resolved.count) resolved, \(outcome.stillQuarantined.count) still quarantined"),
                    json: [
                        "batch": outcome.originalBatch, "connector": outcome.connector, "file": outcome.file,
                        "retry_batch": outcome.retryBatch as Any, "resolved": outcome.resolved, "still_quarantined": outcome.stillQuarantined,
                        "not_retried": outcome.notRetried as Any,
                    ])
            }
        }
    }
}
