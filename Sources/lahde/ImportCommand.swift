import ArgumentParser
import Foundation
import LahdeConnectors
import LahdeCore
import LahdePostgres
import LahdeStore

/// `lahde import --connector NAME FILE...`: loads feed files into the register, one batch per file.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import feed files with a connector defined in connectors/NAME.json.",
        discussion: """
            Each file is one batch, identified by the SHA-256 of its content: a file whose content this connector
            already loaded is reported as already-loaded and changes nothing. A batch is merged in one transaction;
            bad records are quarantined and the rest loads.

            Exit status 0 when every file loaded (with or without quarantined records), 2 when any failed.

            Examples:
              lahde import --connector customer-corrections samples/corrections/2026-03-corrections.jsonl
              lahde import --connector customer-corrections --json a.jsonl b.jsonl
            """)

    @Option(name: .long, help: "The connector: the name of a definition in connectors/ (or LAHDE_CONNECTORS).")
    var connector: String

    @Flag(name: .long, help: "Reprocess content that was already loaded (the register ends up the same).")
    var force = false

    @Option(name: .long, help: "When another import is merging: wait for it, or fail at once (exit status 4).")
    var lock: MergeLock.Mode = .wait

    @Argument(help: "Feed files to import, in this order.")
    var files: [String]

    @OptionGroup var output: OutputOptions

    func run() throws {
        let connection = try RegisterSession.open()
        let catalogue = try FieldCatalogue.load(from: connection)
        let definition = try RegisterSession.definition(named: connector, catalogue: catalogue)
        let loader = RegisterLoader(
            connection: connection, policy: definition.policy(for: catalogue), lockMode: lock,
            suppressionKey: try RegisterSession.suppressionKey(create: false))
        var failures = 0
        for path in files {
            let report = try FeedFileImport.load(
                path: path, definition: definition, loader: loader, force: force, progress: !output.json)
            if report.status == .failed { failures += 1 }
            emit(report, path: path)
        }
        if failures > 0 { throw ExitCode(ExitStatus.inputFailed.rawValue) }
    }

    private func emit(_ report: BatchReport, path: String) {
        if output.json {
            var object: [String: Any] = [
                "file": path, "sha256": report.sha256, "batch": report.batch as Any, "status": report.status.rawValue,
                "counts": report.counts.jsonObject,
                "fields": [
                    "observed": report.fields.observed, "applied": report.fields.applied, "confirmed": report.fields.confirmed,
                    "unchanged": report.fields.unchanged, "superseded": report.fields.superseded, "protected": report.fields.protected,
                ],
            ]
            if let error = report.error { object["error"] = error }
            OutputOptions.printJSON(object)
            return
        }
        let counts = report.counts
        switch report.status {
        case .failed:
            print("✗ \(path): failed: \(report.error ?? "unknown error")")
        case .alreadyLoaded:
            print("= \(path): already loaded as batch \(report.batch ?? 0) (sha256 \(report.sha256.prefix(12))…); nothing changed")
        case .loaded:
            print(
                "✓ \(path): batch \(report.batch ?? 0), \(counts.read) records: \(counts.applied) applied, \(counts.unchanged) unchanged, "
                    + "\(counts.superseded) superseded, \(counts.quarantined) quarantined")
        }
    }
}
