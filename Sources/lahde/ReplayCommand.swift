import ArgumentParser
import Foundation
import LahdeConnectors
import LahdeCore
import LahdePostgres
import LahdeStore

/// `lahde replay DIR`: imports every feed under a folder, each with the connector whose `replay.files`
/// patterns match its name, in the order of the feeds' own time (see ``ReplayPlan``).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Import every feed under a folder, in the feeds' own time order, each with its connector.",
        discussion: """
            A file's connector is the definition whose "replay": {"files": [...]} patterns match its name; a \
            file no connector claims is listed as skipped, a file two connectors claim stops the replay before \
            anything is imported. Order: the first date in the file name (2026-03-01 or 20260301), else the \
            file's modification time; then the file name; then its path. Content already loaded is \
            already-loaded, so replaying a folder twice changes nothing.

            --fresh builds a new embedded database in --home (default LAHDE_HOME or ./.lahde), which must not \
            hold one yet, and replays into it; LAHDE_DATABASE_URL is not used. The server is left running; \
            later commands reach it with LAHDE_HOME set to that folder.

            Exit status 0 when every file loaded, 2 when any failed (the others still loaded), 1 when the \
            folder or the definitions cannot be used.

            Examples:
              lahde replay samples/
              lahde replay --fresh --home /srv/lahde-rebuilt --json /srv/lahde/archive
            """)

    @Argument(help: "The folder of feeds (read recursively; hidden files are skipped).")
    var folder: String

    @Flag(name: .long, help: "Replay into a new, empty embedded database (in --home).")
    var fresh = false

    @Option(name: .long, help: "With --fresh: the data folder of the new database (must not hold a database yet).")
    var home: String?

    @Option(name: .long, help: "When another import is merging: wait for it, or fail at once (exit status 4).")
    var lock: MergeLock.Mode = .wait

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if home != nil && !fresh { throw ValidationError("--home is only used with --fresh") }
    }

    func run() throws {
        let (connection, databaseName) = try openDatabase()
        try Migrator(connection: connection).migrate()
        let catalogue = try FieldCatalogue.load(from: connection)
        let catalog = ConnectorCatalog.fromEnvironment()
        var definitions: [String: ConnectorDefinition] = [:]
        let plan: ReplayPlan
        do {
            for name in catalog.names() { definitions[name] = try catalog.definition(named: name, catalogue: catalogue) }
            plan = try ReplayPlan(folder: folder, definitions: Array(definitions.values))
        } catch let error as DefinitionError {
            throw CommandFailure(.usageOrNotFound, error.description)
        } catch let error as ReplayPlanError {
            throw CommandFailure(.usageOrNotFound, error.description)
        }
        let suppressionKey = try RegisterSession.suppressionKey(create: false)

        var files: [[String: Any]] = []
        var totals = BatchReport.Counts()
        var statuses: [String: Int] = [:]
        for (index, entry) in plan.entries.enumerated() {
            guard let definition = definitions[entry.connector] else { continue }
            let loader = RegisterLoader(
                connection: connection, policy: definition.policy(for: catalogue), lockMode: lock, suppressionKey: suppressionKey)
            let report = try FeedFileImport.load(path: entry.path, definition: definition, loader: loader, progress: !output.json)
            statuses[report.status.rawValue, default: 0] += 1
            if report.status == .loaded { totals.add(report.counts) }
            var object: [String: Any] = [
                "order": index + 1, "file": entry.relativePath, "connector": entry.connector,
                "feed_time": ISO8601DateFormatter().string(from: entry.feedTime), "feed_time_from": entry.timeSource,
                "sha256": report.sha256, "batch": report.batch as Any, "status": report.status.rawValue, "counts": report.counts.jsonObject,
            ]
            if let error = report.error { object["error"] = error }
            files.append(object)
            if !output.json { print(Self.line(index + 1, entry, report)) }
        }
        let failed = statuses[BatchReport.Status.failed.rawValue] ?? 0
        if output.json {
            OutputOptions.printJSON([
                "folder": folder, "database": databaseName, "files": files, "skipped": plan.unmatched,
                "totals": [
                    "files": plan.entries.count, "loaded": statuses["loaded"] ?? 0, "already_loaded": statuses["already-loaded"] ?? 0,
                    "failed": failed, "skipped": plan.unmatched.count, "counts": totals.jsonObject,
                ] as [String: Any],
            ])
        } else {
            for skipped in plan.unmatched { print("- \(skipped): no connector's replay.files matches; skipped") }
            print(
                "\(plan.entries.count) files into \(databaseName): \(statuses["loaded"] ?? 0) loaded, "
                    + "\(statuses["already-loaded"] ?? 0) already loaded, \(failed) failed, \(plan.unmatched.count) skipped; "
                    + "\(totals.read) records read: \(totals.applied) applied, \(totals.unchanged) unchanged, "
                    + "\(totals.superseded) superseded, \(totals.quarantined) quarantined, \(totals.suppressed) suppressed")
        }
        if failed > 0 { throw ExitCode(ExitStatus.inputFailed.rawValue) }
    }

    /// The configured database, or with `--fresh` a new embedded one.
    private func openDatabase() throws -> (PostgresConnection, String) {
        guard fresh else {
            let target = try DatabaseTarget.fromEnvironment()
            return (try target.connect(), target.displayName)
        }
        let folder = home.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? EmbeddedPostgres.defaultHome()
        let server = EmbeddedPostgres(home: folder)
        guard server.state() == .notInitialised else {
            throw CommandFailure(.usageOrNotFound, "\(folder.path) already holds a database; --fresh needs a new folder (--home)")
        }
        let target = DatabaseTarget.embedded(server)
        return (try target.connect(), target.displayName)
    }

    private static func line(_ order: Int, _ entry: ReplayPlan.Entry, _ report: BatchReport) -> String {
        let counts = report.counts
        let prefix = "\(order). \(entry.relativePath) [\(entry.connector)]"
        switch report.status {
        case .failed: return "✗ \(prefix): failed: \(report.error ?? "unknown error")"
        case .alreadyLoaded: return "= \(prefix): already loaded as batch \(report.batch ?? 0)"
        case .loaded:
            return "✓ \(prefix): batch \(report.batch ?? 0), \(counts.read) records: \(counts.applied) applied, "
                + "\(counts.unchanged) unchanged, \(counts.superseded) superseded, \(counts.quarantined) quarantined"
                + (counts.suppressed > 0 ? ", \(counts.suppressed) suppressed" : "")
        }
    }
}

extension BatchReport.Counts {
    mutating func add(_ other: BatchReport.Counts) {
        read += other.read
        applied += other.applied
        unchanged += other.unchanged
        superseded += other.superseded
        quarantined += other.quarantined
        suppressed += other.suppressed
    }
}
