import Foundation
import LahdeCore

/// Keeps bytes a pull received (a Datahub message, a VTJ change page) in the jobs' archive exactly as
/// ``FeedDownloader`` keeps a download: `archive/<connector>/<sha256>` with its `<sha256>.json` sidecar,
/// written into `.partial/` first, synced, the sidecar written, then renamed to its hash and the folder
/// synced — so that one archive holds every feed, `lahde replay` of it rebuilds from everything and
/// the retention purge's archive rule ages all of it out.
public struct FeedArchive: Sendable {
    /// The archive root (`LAHDE_ARCHIVE`, default `LAHDE_HOME/archive`).
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The folder of one connector's archived feeds.
    public func folder(connector: String) -> URL {
        root.appendingPathComponent(connector, isDirectory: true)
    }

    /// Archives `bytes` for `connector`; returns where they lie (already there when the same content was
    /// archived before: the earlier sidecar is kept).
    ///
    /// - Parameter feedTime: the feed's own time when neither its name nor the fetch time says it well
    ///   (a queue message: the time it was taken from the queue, kept in the sidecar for replay).
    public func store(
        _ bytes: [UInt8], connector: String, originalName: String, url: String, fetchedAt: Date = Date(), feedTime: Date? = nil
    ) throws(FetchError) -> ArchivedFeed {
        let folder = folder(connector: connector)
        let partialFolder = folder.appendingPathComponent(".partial", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: partialFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw FetchError(url: url, problem: "cannot create \(partialFolder.path): \(error.localizedDescription)", retryable: false)
        }
        let sha256 = SHA256.hex(of: bytes)
        let target = folder.appendingPathComponent(sha256).path
        func archived(_ already: Bool) -> ArchivedFeed {
            ArchivedFeed(
                path: target, sha256: sha256, byteCount: Int64(bytes.count), originalName: originalName, wasAlreadyArchived: already,
                attempts: 1, resumed: false, notModified: false)
        }
        if FileManager.default.fileExists(atPath: target) { return archived(true) }
        let partial = partialFolder.appendingPathComponent(UUID().uuidString + ".part").path
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw FetchError(url: url, problem: "cannot open \(partial): \(String(cString: strerror(errno)))", retryable: false)
        }
        var written = 0
        let complete = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 { if errno == EINTR { continue }; return false }
                written += count
            }
            return true
        }
        let synced = complete && fsync(descriptor) == 0
        let problem = String(cString: strerror(errno))
        close(descriptor)
        guard synced else {
            unlink(partial)
            throw FetchError(url: url, problem: "cannot write \(partial): \(problem)", retryable: false)
        }
        let sidecar = ArchiveSidecar(
            originalName: originalName, url: url, sha256: sha256, byteCount: Int64(bytes.count), fetchedAt: fetchedAt, connector: connector,
            feedTime: feedTime)
        do {
            try sidecar.write(in: folder)
        } catch {
            unlink(partial)
            throw FetchError(url: url, problem: "cannot write the archive sidecar: \(error.localizedDescription)", retryable: false)
        }
        guard rename(partial, target) == 0 else {
            let problem = String(cString: strerror(errno))
            unlink(partial)
            throw FetchError(url: url, problem: "cannot move the feed into \(target): \(problem)", retryable: false)
        }
        FeedDownloader.syncFolder(folder.path)
        return archived(false)
    }
}
