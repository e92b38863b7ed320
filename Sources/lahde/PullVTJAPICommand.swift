import ArgumentParser
import Foundation
import LahdeConnectors
import LahdeCore
import LahdeFetch
import LahdePostgres
import LahdeStore

/// `lahde pull vtj-api`: fetches the population register's change pages and imports each as a batch.
struct PullVTJAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vtj-api",
        abstract: "Pull the population register's change pages (VTJ change API) into the register.",
        discussion: """
            Reads the connector's `api` section (base URL, client certificate and key, CA bundle, credentials file)
            from connectors/NAME.json. Each page is kept in the archive (LAHDE_ARCHIVE, default LAHDE_HOME/archive) as NAME/<sha256> with a \
            <sha256>.json sidecar naming it, like the jobs' feeds — or, with api.page_folder, as a named file in that \
            folder — and imported as one batch;
            the page's viimeisinKirjausavain is stored only after its batch committed, and pulling goes on while
            the service says it is not up to date (ajanTasalla: false). An interrupted pull resumes from the last
            committed key; a page pulled again is found already loaded and changes nothing.

            The first pull needs --since, the day whose first change key the service is asked for.

            Exit status 0 when up to date, 2 when the service failed or answered with something unusable (pages
            before it stay committed), 1 for an unknown connector, a missing api section or a first pull without --since.

            Examples:
              lahde pull vtj-api --since 2026-03-01
              lahde pull vtj-api --json
            """)

    @Option(name: .long, help: "The connector: a definition in connectors/ with format vtj-api and an api section.")
    var connector = "vtj-api"

    @Option(name: .long, help: "For the first pull: the day (yyyy-mm-dd) to start from.")
    var since: String?

    @Option(name: .long, help: "When another import is merging: wait for it, or fail at once (exit status 4).")
    var lock: MergeLock.Mode = .wait

    @OptionGroup var output: OutputOptions

    func run() throws {
        var start: CalendarDate?
        if let since {
            guard let day = CalendarDate(isoString: since) else { throw CommandFailure(.usageOrNotFound, "--since must be a day, yyyy-mm-dd") }
            start = day
        }
        let connection = try RegisterSession.open()
        let catalogue = try FieldCatalogue.load(from: connection)
        let definition = try RegisterSession.definition(named: connector, catalogue: catalogue)
        guard definition.format.type == "vtj-api" else {
            throw CommandFailure(.usageOrNotFound, "\(connector) reads '\(definition.format.type)'; lahde pull fetches vtj-api change pages only")
        }
        guard let settings = definition.api else {
            throw CommandFailure(.usageOrNotFound, "connectors/\(connector).json has no api section (base_url, certificates, credentials_file)")
        }
        if start == nil, try PullCursor.read(connection, connector: connector) == nil {
            throw CommandFailure(.usageOrNotFound, "\(connector) has never been pulled: give the day to start from (--since yyyy-mm-dd)")
        }
        let loader = RegisterLoader(
            connection: connection, policy: definition.policy(for: catalogue), lockMode: lock,
            suppressionKey: try RegisterSession.suppressionKey(create: false))
        // One archive for everything Lähde fetched (LAHDE_ARCHIVE), unless api.page_folder asks for a folder of its own.
        let archive = settings.resolvedPageFolder == nil ? FeedArchive(root: ScheduledJob.archiveFolder()) : nil
        let folder = settings.resolvedPageFolder ?? ScheduledJob.archiveFolder().appendingPathComponent(connector)
        let pull = VTJChangeAPIPull(
            connection: connection, loader: loader, connector: connector, settings: settings, pageFolder: folder, pageArchive: archive)
        var pages: [VTJChangeAPIPull.Page] = []
        do {
            let outcome = try pull.run(since: start) { page in
                pages.append(page)
                if !output.json { print(Self.line(page)) }
            }
            summary(pages: pages, lastKey: outcome.lastKey, upToDate: outcome.upToDate, error: nil)
        } catch let busy as MergeLockBusy {
            throw CommandFailure(.locked, busy.description)
        } catch let error as PostgresError where error.isConnectionLoss {
            throw error
        } catch {
            let message = Redaction.maskingHenkilotunnus(in: "\(error)")
            summary(pages: pages, lastKey: try? PullCursor.read(connection, connector: connector), upToDate: false, error: message)
            if !output.json { FileHandle.standardError.write(Data("lahde: \(message)\n".utf8)) }
            throw ExitCode(ExitStatus.inputFailed.rawValue)
        }
    }

    private static func line(_ page: VTJChangeAPIPull.Page) -> String {
        let counts = page.report.counts
        switch page.report.status {
        case .alreadyLoaded:
            return "= keys \(page.fromKey)→\(page.toKey): already loaded as batch \(page.report.batch ?? 0); nothing changed"
        default:
            return "✓ keys \(page.fromKey)→\(page.toKey): batch \(page.report.batch ?? 0), \(counts.read) records: \(counts.applied) applied, "
                + "\(counts.unchanged) unchanged, \(counts.superseded) superseded, \(counts.quarantined) quarantined"
        }
    }

    private func summary(pages: [VTJChangeAPIPull.Page], lastKey: Int64?, upToDate: Bool, error: String?) {
        if output.json {
            var object: [String: Any] = [
                "connector": connector, "last_key": lastKey as Any, "up_to_date": upToDate,
                "pages": pages.map { page in
                    [
                        "from_key": page.fromKey, "to_key": page.toKey, "file": page.file, "sha256": page.report.sha256,
                        "batch": page.report.batch as Any, "status": page.report.status.rawValue, "counts": page.report.counts.jsonObject,
                    ] as [String: Any]
                },
            ]
            if let error { object["error"] = error }
            OutputOptions.printJSON(object)
        } else if error == nil {
            print("\(connector): \(pages.count) page(s), up to date at key \(lastKey.map(String.init) ?? "?")")
        }
    }
}
