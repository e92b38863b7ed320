import ArgumentParser
import Foundation
import LahdeConnectors
import LahdeCore
import LahdePostgres
import LahdeStore

/// One feed file through its connector into the register, as `lahde import` and `lahde replay` do it: a file that cannot
/// be read or merged becomes a `failed` report and the caller goes on; a lost connection, a busy merge
/// lock or a missing suppression key stop the whole command.
enum FeedFileImport {
    /// Acknowledgements a Datahub file carries are recorded in the batch's own transaction.
    static func load(
        path: String, definition: ConnectorDefinition, loader: RegisterLoader, force: Bool = false, progress showProgress: Bool
    ) throws -> BatchReport {
        var sha256 = ""
        do {
            let file = try InputFile(path: path)
            sha256 = file.sha256
            let progress = ProgressLine(label: (path as NSString).lastPathComponent, enabled: showProgress && isatty(STDERR_FILENO) == 1)
            defer { progress.finish() }
            var summary: DatahubReadSummary?
            return try loader.load(file.batchInput(for: definition.format), force: force, alsoRecord: { connection, batchID in
                try AcknowledgementLog.record(summary?.acknowledgementLog ?? [], batchID: batchID, on: connection)
            }) { emit in
                summary = try FeedReader.read(file, format: definition.format) { item in
                    progress.advance()
                    try emit(item)
                }
                progress.stage("merging into the register…")
            }
        } catch let busy as MergeLockBusy {
            throw CommandFailure(.locked, busy.description)
        } catch let missingKey as SuppressionKeyError {
            throw CommandFailure(.usageOrNotFound, missingKey.description)
        } catch let error as PostgresError where error.isConnectionLoss {
            throw error
        } catch {
            return BatchReport(
                file: path, sha256: sha256, batch: nil, status: .failed, counts: BatchReport.Counts(),
                error: Redaction.maskingHenkilotunnus(in: "\(error)"))
        }
    }
}
