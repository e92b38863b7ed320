import ArgumentParser
import Foundation
import LahdeCore
import LahdePostgres
import LahdeStore

/// `lahde erase IDENTIFIER --reason TEXT`: the right to erasure, for good.
struct EraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a person's data and provenance for good, keeping an audit entry and a suppression entry.",
        discussion: """
            Removes the person's register rows, every provenance tag and history row, and quarantined inputs that
            quote their identity codes. Keeps an audit entry with the reason and keyed hashes of the identifiers,
            so that later feeds and replays never bring the person back (their records count as suppressed).
            The hash key is LAHDE_SUPPRESSION_KEY_FILE, or suppression.key in LAHDE_HOME (created on first use):
            keep it with the archive.

            Example:
              lahde erase 100001 --reason "Erasure request 2026-114, received 2026-11-20"
            """)

    @Argument(help: "Henkilötunnus, Y-tunnus or customer number.")
    var identifier: String

    @Option(name: .long, help: "Why: the request this erasure answers (kept in the audit entry).")
    var reason: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let connection = try RegisterSession.open()
        let entity = try RegisterSession.entity(identifier, in: ProvenanceLookup(connection: connection))
        let key = try RegisterSession.suppressionKey(create: true)!
        let report: Eraser.Report
        do {
            report = try Eraser(connection: connection, key: key).erase(entity, reason: reason)
        } catch let error as ErasureError {
            throw CommandFailure(.usageOrNotFound, error.description)
        }
        output.emit(
            human: "erased \(entity.kind.rawValue) \(entity.id) (erasure \(report.erasureID)): \(report.identifiers) identifiers suppressed, "
                + "\(report.provenanceRows) provenance tags, \(report.historyRows) history rows and \(report.quarantinedInputs) quarantined inputs removed",
            json: [
                "erasure": report.erasureID, "identifiers_suppressed": report.identifiers, "provenance_removed": report.provenanceRows,
                "history_removed": report.historyRows, "quarantine_removed": report.quarantinedInputs,
            ])
    }
}
