import ArgumentParser
import Foundation
import LahdePostgres
import LahdeStore

/// `lahde purge`: removes what the retention rules say Lähde no longer may keep.
struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Apply the retention rules (LAHDE_RETENTION, else retention.json in LAHDE_HOME).",
        discussion: """
            Rules: marketing_permission.days_after_last_use (a party with no active contract loses its \
            marketing permission, with its provenance, that many days after its last contract ended or a feed \
            last observed the permission, whichever is later; bans are kept), quarantine.days (quarantined \
            records older than that), archive.days (files in archive.folder older than that). The database \
            part runs in one transaction with an audit row in lahde.purge; --dry-run counts exactly what would \
            go and changes nothing.

            Examples:
              lahde purge --dry-run
              LAHDE_RETENTION=/etc/lahde/retention.json lahde purge --json
            """)

    @Flag(name: .long, help: "Count what would be removed; change nothing.")
    var dryRun = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        let rules: RetentionRules
        do {
            rules = try RetentionRules.load(path: RetentionRules.path(home: EmbeddedPostgres.defaultHome()))
        } catch let error as RetentionError {
            throw CommandFailure(.usageOrNotFound, error.description)
        }
        let report = try RetentionPurge(connection: RegisterSession.open(), rules: rules).run(dryRun: dryRun)
        let verb = dryRun ? "would remove" : "removed"
        output.emit(
            human: (dryRun ? "dry run: " : "purge \(report.purgeID ?? 0): ")
                + "\(verb) \(report.marketingPermissions) marketing permissions, \(report.quarantinedRecords) quarantined records, "
                + "\(report.archivedFiles.count) archived files"
                + report.archivedFiles.map { "\n  \($0)" }.joined(),
            json: [
                "dry_run": dryRun, "purge": report.purgeID as Any,
                "removed": [
                    "marketing_permissions": report.marketingPermissions, "quarantined_records": report.quarantinedRecords,
                    "archived_files": report.archivedFiles.count,
                ],
                "archived_files": report.archivedFiles,
            ])
    }
}
