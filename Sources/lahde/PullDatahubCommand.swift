import ArgumentParser
import Foundation
import LahdeConnectors
import LahdeCore
import LahdeFetch
import LahdePostgres
import LahdeStore

/// `lahde pull datahub`: drains the utility's Datahub queue — peek, archive, import, dequeue — one message
/// at a time, in queue order.
struct PullDatahubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datahub",
        abstract: "Drain the Datahub message queue: peek, archive, import, dequeue.",
        discussion: """
            For each message Datahub's queue holds (SOAP 1.2 peekMessage): the response is archived byte for \
            byte under its SHA-256, imported with the datahub connector as one batch, and only after that batch \
            committed removed from the queue (dequeueMessage). A message whose batch committed but whose dequeue \
            failed (a crash, a network error) comes back at the next peek; it is recognised by its \
            DocumentReferenceNumber, not applied again, and dequeued. Stops at the first failure (exit status 2): \
            the queue is in order, and what failed is still first in it.

            Settings from the environment (secrets are files, never arguments):
              LAHDE_DATAHUB_URL       the B2B endpoint, https://<host>/soap/FGR?organisationUser=<user>
              LAHDE_DATAHUB_CERT      client certificate (PEM file)
              LAHDE_DATAHUB_KEY       its private key (PEM file)
              LAHDE_DATAHUB_CA        CA bundle to trust instead of the system's (optional)
              LAHDE_ARCHIVE           the archive (default: archive in LAHDE_HOME); messages are kept in \
                                      its datahub/ folder as <sha256> with a <sha256>.json sidecar, like the jobs' feeds
              LAHDE_DATAHUB_ARCHIVE   instead: a folder of its own for the raw messages, named <reference>-<hash>.xml

            Examples:
              lahde pull datahub
              lahde pull datahub --json --max 50
            """)

    @Option(name: .long, help: "Take in at most this many messages in this run.")
    var max = 1000

    @Option(name: .long, help: "When another import is merging: wait for it, or fail at once (exit status 4).")
    var lock: MergeLock.Mode = .wait

    @OptionGroup var output: OutputOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["LAHDE_DATAHUB_URL"], !url.isEmpty else {
            throw CommandFailure(.usageOrNotFound, "LAHDE_DATAHUB_URL is not set: where is the Datahub B2B endpoint?")
        }
        let endpoint = SOAPExchange.Endpoint(
            url: url, clientCertificate: environment["LAHDE_DATAHUB_CERT"], clientKey: environment["LAHDE_DATAHUB_KEY"],
            caBundle: environment["LAHDE_DATAHUB_CA"])
        // One archive for everything Lähde fetched, unless the messages are wanted in a folder of their own.
        let ownFolder = environment["LAHDE_DATAHUB_ARCHIVE"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, isDirectory: true) }
        let feedArchive = FeedArchive(root: ScheduledJob.archiveFolder(environment: environment))
        let archiveFolder = ownFolder ?? feedArchive.root
        do {
            try FileManager.default.createDirectory(at: archiveFolder, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(.inputFailed, "cannot create the archive folder \(archiveFolder.path): \(error.localizedDescription)")
        }

        let connection = try RegisterSession.open()
        let catalogue = try FieldCatalogue.load(from: connection)
        let definition = try RegisterSession.definition(named: "datahub", catalogue: catalogue)
        let loader = RegisterLoader(
            connection: connection, policy: definition.policy(for: catalogue), lockMode: lock,
            suppressionKey: try RegisterSession.suppressionKey(create: false))
        let queue = DatahubQueueClient(endpoint: endpoint)

        var taken = 0
        while taken < max {
            let peeked: DatahubQueueClient.Peeked?
            do {
                peeked = try queue.peek()
            } catch {
                fail(nil, "peek failed: \(error.description)")
            }
            guard let peeked else { break }
            taken += 1
            let reference = peeked.documentReference
            let sha256 = SHA256.hex(of: peeked.response)
            let name = "\(Self.safeName(reference))-\(sha256.prefix(12)).xml"
            let path = ownFolder?.appendingPathComponent(name) ?? feedArchive.folder(connector: "datahub").appendingPathComponent(sha256)
            let archivedAs = ownFolder == nil ? "datahub/\(sha256)" : name

            var report: BatchReport
            if let known = try QueueMessageLog.entry(reference, on: connection) {
                // Committed before; the dequeue did not happen. Not applied again.
                report = BatchReport(file: path.path, sha256: sha256, batch: known.batchID, status: .alreadyLoaded, counts: BatchReport.Counts())
            } else {
                do {
                    // Archived before anything is imported: a message that cannot be kept is not applied either.
                    if ownFolder != nil {
                        try Data(peeked.response).write(to: path, options: .atomic)
                    } else {
                        // Queue order is the feed's order: the time it was taken is its time for replay.
                        let taken = Date()
                        _ = try feedArchive.store(
                            peeked.response, connector: "datahub", originalName: name, url: url, fetchedAt: taken, feedTime: taken)
                    }
                } catch {
                    fail(reference, "cannot archive the message in \(archiveFolder.path): \(error.localizedDescription); the message stays in the queue")
                }
                do {
                    let file = try InputFile(path: path.path)
                    var input = file.batchInput
                    input.fileName = name
                    var summary: DatahubReadSummary?
                    report = try loader.load(input, alsoRecord: { connection, batchID in
                        try AcknowledgementLog.record(summary?.acknowledgementLog ?? [], batchID: batchID, on: connection)
                        try QueueMessageLog.record(
                            documentReference: reference, batchID: batchID, sha256: file.sha256, archivedAs: archivedAs, on: connection)
                    }) { emit in
                        summary = try FeedReader.read(file, format: definition.format, emit: emit)
                    }
                } catch let busy as MergeLockBusy {
                    throw CommandFailure(.locked, busy.description)
                } catch let error as PostgresError where error.isConnectionLoss {
                    throw error
                } catch {
                    fail(reference, "import failed: \(Redaction.maskingHenkilotunnus(in: "\(error)")); the message stays in the queue")
                }
                report.file = path.path
                if report.status == .alreadyLoaded, let batch = report.batch {
                    // The same bytes were imported by hand before: remember the message so it is never redone.
                    try QueueMessageLog.record(documentReference: reference, batchID: batch, sha256: sha256, archivedAs: archivedAs, on: connection)
                }
            }
            do {
                try queue.dequeue(reference)
                try QueueMessageLog.markDequeued(reference, on: connection)
            } catch let error as DatahubQueueError {
                emit(reference, report, dequeued: false)
                fail(reference, "dequeue failed: \(error.description); the message is applied and will be dequeued at the next pull")
            }
            emit(reference, report, dequeued: true)
        }
        if !output.json { print("Datahub queue: \(taken) message\(taken == 1 ? "" : "s") taken in\(taken == max ? " (--max reached)" : "; the queue is empty")") }
    }

    private func emit(_ reference: String, _ report: BatchReport, dequeued: Bool) {
        let counts = report.counts
        output.emit(
            human: "\(report.status == .loaded ? "✓" : "=") message \(reference): batch \(report.batch ?? 0), \(report.status.rawValue), "
                + "\(counts.read) records (\(counts.applied) applied, \(counts.quarantined) quarantined)\(dequeued ? ", dequeued" : ", NOT dequeued")",
            json: [
                "document_reference": reference, "file": report.file, "sha256": report.sha256, "batch": report.batch as Any,
                "status": report.status.rawValue, "counts": report.counts.jsonObject, "dequeued": dequeued,
            ])
    }

    private func fail(_ reference: String?, _ message: String) -> Never {
        if output.json {
            OutputOptions.printJSON(["document_reference": reference as Any, "status": "failed", "error": message])
        } else {
            FileHandle.standardError.write(Data("lahde pull: \(message)\n".utf8))
        }
        Foundation.exit(ExitStatus.inputFailed.rawValue)
    }

    /// A reference as a file name: letters, digits, `.`, `-` and `_` kept, anything else `_`.
    static func safeName(_ reference: String) -> String {
        String(reference.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") ? $0 : "_" }.prefix(64))
    }
}
