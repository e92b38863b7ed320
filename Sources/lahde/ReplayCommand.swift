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
            file no connector claims is listed as skipped. A file two connectors claim, or a file whose \
            connector's definition cannot be used, stops the replay before anything is imported. Order: the \
            first date in the file name (2026-03-01 or 20260301), else the file's modification time; then the \
            file name; then its path. Content already loaded is already-loaded, so replaying a folder twice \
            changes nothing.

            The jobs' archive (LAHDE_ARCHIVE) can be replayed as it is: a file named by its SHA-256 with a \
            <sha256>.json sidecar is read by the connector its folder (archive/<connector>/) or its sidecar \
            names, ordered by the date in its original name, else by the time it was fetched, and the ledger \
            shows its original name.

            --fresh builds a new embedded database in --home (default LAHDE_HOME or ./.lahde), which must not \
            hold one yet, and replays into it. The configured register's erasures (and its suppression key) are \
            carried into the new one first, so erased people stay out of the rebuilt register. The server is \
            left running; later commands reach it with LAHDE_HOME set to that folder.

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
        let carried = fresh ? try carryErasures(into: connection) : 0
        let catalogue = try FieldCatalogue.load(from: connection)
        let catalog = ConnectorCatalog.fromEnvironment()
        var definitions: [String: ConnectorDefinition] = [:]
        var unusable: [String: DefinitionError] = [:]
        var selections: [String: ReplaySelection] = [:]
        for name in catalog.names() {
            do {
                let definition = try catalog.definition(named: name, catalogue: catalogue)
                definitions[name] = definition
                selections[name] = definition.replay
            } catch let error as DefinitionError {
                unusable[name] = error
                selections[name] = catalog.replaySelection(named: name)
            }
        }
        let plan: ReplayPlan
        do {
            plan = try ReplayPlan(folder: folder, selections: selections, connectors: Set(catalog.names()))
        } catch let error as ReplayPlanError {
            throw CommandFailure(.usageOrNotFound, error.description)
        }
        // A definition that cannot be used stops the replay only if one of the files is its to read:
        // skipping them would build another register than the folder describes.
        if let entry = plan.entries.first(where: { unusable[$0.connector] != nil }), let error = unusable[entry.connector] {
            throw CommandFailure(.usageOrNotFound, "\(entry.relativePath) is read by \(entry.connector), whose definition cannot be used: \(error.description)")
        }
        for (name, error) in unusable.sorted(by: { $0.key < $1.key }) {
            FileHandle.standardError.write(Data("lahde: warning: \(name) is not used by this replay: \(error.description)\n".utf8))
        }
        let suppressionKey = try RegisterSession.suppressionKey(create: false)

        var files: [[String: Any]] = []
        var totals = BatchReport.Counts()
        var statuses: [String: Int] = [:]
        for (index, entry) in plan.entries.enumerated() {
            guard let definition = definitions[entry.connector] else { continue }
            let loader = RegisterLoader(
                connection: connection, policy: definition.policy(for: catalogue), lockMode: lock, suppressionKey: suppressionKey)
            let report = try FeedFileImport.load(
                path: entry.path, fileName: entry.originalName, definition: definition, loader: loader, progress: !output.json)
            statuses[report.status.rawValue, default: 0] += 1
            if report.status == .loaded { totals.add(report.counts) }
            var object: [String: Any] = [
                "order": index + 1, "file": entry.relativePath, "connector": entry.connector,
                "feed_time": ISO8601DateFormatter().string(from: entry.feedTime), "feed_time_from": entry.timeSource,
                "sha256": report.sha256, "batch": report.batch as Any, "status": report.status.rawValue, "counts": report.counts.jsonObject,
            ]
            if let error = report.error { object["error"] = error }
            if let originalName = entry.originalName { object["original_name"] = originalName }
            files.append(object)
            if !output.json { print(Self.line(index + 1, entry, report)) }
        }
        let failed = statuses[BatchReport.Status.failed.rawValue] ?? 0
        if output.json {
            OutputOptions.printJSON([
                "folder": folder, "database": databaseName, "files": files, "skipped": plan.unmatched, "erasures_carried": carried,
                "totals": [
                    "files": plan.entries.count, "loaded": statuses["loaded"] ?? 0, "already_loaded": statuses["already-loaded"] ?? 0,
                    "failed": failed, "skipped": plan.unmatched.count, "counts": totals.jsonObject,
                ] as [String: Any],
            ])
        } else {
            if carried > 0 { print("carried \(carried) erasures into the new database: their people stay suppressed") }
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
        let folder = freshHome
        let server = EmbeddedPostgres(home: folder)
        guard server.state() == .notInitialised else {
            throw CommandFailure(.usageOrNotFound, "\(folder.path) already holds a database; --fresh needs a new folder (--home)")
        }
        let target = DatabaseTarget.embedded(server)
        return (try target.connect(), target.displayName)
    }

    /// The new home: `--home`, else `LAHDE_HOME` (or `./.lahde`).
    private var freshHome: URL {
        (home.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? EmbeddedPostgres.defaultHome()).standardizedFileURL
    }

    /// With `--fresh`: copies the configured register's erasure audit and suppression hashes into the new
    /// database before anything is replayed, so that a rebuilt register never brings an erased person
    /// back; the suppression key is copied beside the new database unless `LAHDE_SUPPRESSION_KEY_FILE`
    /// names it. Nothing to copy when the configured register is the new folder or does not exist yet.
    private func carryErasures(into connection: PostgresConnection) throws -> Int {
        let source = try DatabaseTarget.fromEnvironment()
        if case .embedded(let server) = source, server.home.standardizedFileURL == freshHome || server.state() == .notInitialised {
            return 0
        }
        let from = try source.connect()
        let erasures = try from.query(
            "SELECT erasure_id, to_json(erased_at) #>> '{}' AS erased_at, reason, entity_kind, removed::text AS removed FROM lahde.erasure ORDER BY erasure_id"
        ).rows
        guard !erasures.isEmpty else { return 0 }
        let suppressions = try from.query("SELECT key_hash, erasure_id FROM lahde.suppression ORDER BY key_hash").rows
        try connection.transaction {
            for row in erasures {
                try connection.query(
                    """
                    INSERT INTO lahde.erasure (erasure_id, erased_at, reason, entity_kind, removed) OVERRIDING SYSTEM VALUE
                    VALUES ($1, $2::timestamptz, $3, $4, $5::jsonb)
                    """, row.int("erasure_id"), row["erased_at"], row["reason"], row["entity_kind"], row["removed"])
            }
            for row in suppressions {
                try connection.query("INSERT INTO lahde.suppression (key_hash, erasure_id) VALUES ($1, $2)", row["key_hash"], row.int("erasure_id"))
            }
            try connection.query("SELECT setval(pg_get_serial_sequence('lahde.erasure', 'erasure_id'), (SELECT max(erasure_id) FROM lahde.erasure))")
        }
        let environment = ProcessInfo.processInfo.environment
        if (environment["LAHDE_SUPPRESSION_KEY_FILE"] ?? "").isEmpty {
            let oldKey = SuppressionKey.path(environment: environment, home: EmbeddedPostgres.defaultHome())
            let newKey = freshHome.appendingPathComponent("suppression.key").path
            if let bytes = FileManager.default.contents(atPath: oldKey), !FileManager.default.fileExists(atPath: newKey) {
                guard FileManager.default.createFile(atPath: newKey, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
                    throw CommandFailure(.usageOrNotFound, "cannot copy the suppression key to \(newKey)")
                }
            }
        }
        return erasures.count
    }

    private static func line(_ order: Int, _ entry: ReplayPlan.Entry, _ report: BatchReport) -> String {
        let counts = report.counts
        let name = entry.originalName.map { "\(entry.relativePath) (\($0))" } ?? entry.relativePath
        let prefix = "\(order). \(name) [\(entry.connector)]"
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
