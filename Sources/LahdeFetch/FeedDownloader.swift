import Foundation
import LahdeCore

/// Fetches feeds into the archive: `archive/<connector>/<sha256>`, each with a `<sha256>.json` sidecar
/// (original name, URL, time fetched).
///
/// A download goes into `archive/<connector>/.partial/` first and only becomes `<sha256>` by a rename
/// after it is complete and synced to disk, so nothing named by a hash is ever half-written. A transfer
/// that breaks off is resumed from the partial file's size (a range request); when the server ignores
/// the range, or the file changed at the source meanwhile, it starts again from zero. Failed transfers
/// are retried with exponential backoff; the partial file also survives the process, so the next run
/// continues where this one stopped.
///
/// What was last archived from each URL is remembered (`.sources/`) with the source's modification
/// time; the next download asks for the file only if it changed since (HTTP `If-Modified-Since`), so an unchanged
/// feed is not transferred again.
public struct FeedDownloader: Sendable {
    public let archive: URL
    public let retry: RetryPolicy
    /// Waits between attempts (replaced in tests only to observe the delays; the default sleeps).
    let sleep: @Sendable (Double) -> Void

    public init(archive: URL, retry: RetryPolicy = RetryPolicy()) {
        self.init(archive: archive, retry: retry, sleep: { seconds in if seconds > 0 { usleep(useconds_t(seconds * 1_000_000)) } })
    }

    init(archive: URL, retry: RetryPolicy, sleep: @escaping @Sendable (Double) -> Void) {
        self.archive = archive
        self.retry = retry
        self.sleep = sleep
    }

    /// A partial download older than this is started again from zero rather than continued.
    public var maximumPartialAge: TimeInterval = 12 * 3600

    /// Where the download of `url` collects its bytes: one partial file per URL, so that a later run
    /// resumes the same download.
    func partialPath(url: String, connector: String) -> String {
        let name = String(SHA256.hex(of: Array(url.utf8)).prefix(24))
        return folder(connector: connector).appendingPathComponent(".partial", isDirectory: true).appendingPathComponent(name + ".part").path
    }

    /// The folder of one connector's archived feeds.
    public func folder(connector: String) -> URL {
        archive.appendingPathComponent(connector, isDirectory: true)
    }

    /// Downloads `request` for `connector` and archives it; returns where it lies and its hash.
    public func download(_ request: FetchRequest, connector: String, now: Date = Date()) throws(FetchError) -> ArchivedFeed {
        let folder = folder(connector: connector)
        let partialFolder = folder.appendingPathComponent(".partial", isDirectory: true)
        do {
            // Feeds hold personal data: the archive is private to Lähde's user.
            try FileManager.default.createDirectory(at: partialFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw FetchError(url: request.url, problem: "cannot create \(partialFolder.path): \(error.localizedDescription)", retryable: false)
        }
        let partial = partialPath(url: request.url, connector: connector)
        let statePath = String(partial.dropLast(".part".count)) + ".filetime"
        // A partial file from long ago may belong to an older version of a file whose server names no
        // modification time; only a recent one (a retry of the same night's run) is continued.
        if let modified = (try? FileManager.default.attributesOfItem(atPath: partial))?[.modificationDate] as? Date,
            now.timeIntervalSince(modified) > maximumPartialAge
        {
            unlink(partial)
            unlink(statePath)
        }
        let source = SourceRecord(folder: folder, url: request.url)
        let previous = source.read()

        var attempt = 0
        var resumed = false
        var restarts = 0
        while true {
            attempt += 1
            let descriptor = open(partial, O_WRONLY | O_CREAT, 0o600)
            guard descriptor >= 0 else {
                throw FetchError(url: request.url, problem: "cannot open \(partial): \(String(cString: strerror(errno)))", retryable: false)
            }
            let offset = lseek(descriptor, 0, SEEK_END)
            let expectedFileTime = Int((try? String(contentsOfFile: statePath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
            if offset > 0 { resumed = true }
            // Ask only for a newer file when the last one from this URL is archived and nothing is half-fetched.
            // (HTTP only: a file:// or SFTP copy is cheap, and a file dropped with an older modification time must not be missed.)
            var ifModifiedSince = -1
            if offset == 0, request.isHTTP, let previous, FileManager.default.fileExists(atPath: folder.appendingPathComponent(previous.sha256).path) {
                ifModifiedSince = previous.fileTime
            }
            let (outcome, fileTime) = CurlTransfer.run(
                request, into: descriptor, from: Int64(offset), expectedFileTime: expectedFileTime, ifModifiedSince: ifModifiedSince)
            if fileTime != -1, offset == 0 || expectedFileTime == -1 {
                try? String(fileTime).write(toFile: statePath, atomically: true, encoding: .utf8)
            }
            switch outcome {
            case .complete:
                let synced = fsync(descriptor) == 0
                close(descriptor)
                guard synced else {
                    throw FetchError(url: request.url, problem: "cannot sync \(partial): \(String(cString: strerror(errno)))", retryable: false)
                }
                let archived = try archiveComplete(partial: partial, request: request, folder: folder, now: now, attempts: attempt, resumed: resumed)
                let sourceTime = fileTime != -1 ? fileTime : expectedFileTime
                source.write(sha256: archived.sha256, fileTime: sourceTime)
                unlink(statePath)
                return archived
            case .notModified:
                close(descriptor)
                unlink(partial)
                guard let previous else {
                    throw FetchError(url: request.url, problem: "the source answered 'not modified' to a first download", retryable: false)
                }
                let path = folder.appendingPathComponent(previous.sha256).path
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).flatMap { $0 } ?? 0
                return ArchivedFeed(
                    path: path, sha256: previous.sha256, byteCount: Int64(size), originalName: request.originalName, wasAlreadyArchived: true,
                    attempts: attempt, resumed: false, notModified: true)
            case .restartFromZero:
                _ = ftruncate(descriptor, 0)
                close(descriptor)
                unlink(statePath)
                restarts += 1
                attempt -= 1  // not a failure of the server: try again at once, from the start
                if restarts > retry.attempts {
                    throw FetchError(url: request.url, problem: "the download had to restart from zero \(restarts) times", retryable: true)
                }
            case .failed(let error):
                close(descriptor)
                guard error.retryable, attempt < retry.attempts else {
                    throw attempt > 1 ? FetchError(url: error.url, problem: "\(error.problem) (after \(attempt) attempts)", retryable: error.retryable) : error
                }
                sleep(retry.delay(afterAttempt: attempt))
            }
        }
    }

    /// Hashes the complete partial file and renames it to its hash: the sidecar first, the content last,
    /// so that an archived feed exists only once it is whole.
    private func archiveComplete(
        partial: String, request: FetchRequest, folder: URL, now: Date, attempts: Int, resumed: Bool
    ) throws(FetchError) -> ArchivedFeed {
        let (sha256, byteCount): (String, Int64)
        do {
            (sha256, byteCount) = try Self.hash(path: partial)
        } catch {
            throw FetchError(url: request.url, problem: "cannot read \(partial): \(error)", retryable: false)
        }
        let target = folder.appendingPathComponent(sha256).path
        // Only a whole file counts as archived: one of another size under the name (a copy or restore that
        // broke off) is replaced by this download rather than taken for the feed.
        if Self.regularFileSize(target) == byteCount {
            unlink(partial)
            return ArchivedFeed(
                path: target, sha256: sha256, byteCount: byteCount, originalName: request.originalName, wasAlreadyArchived: true,
                attempts: attempts, resumed: resumed, notModified: false)
        }
        let sidecar = ArchiveSidecar(
            originalName: request.originalName, url: request.url, sha256: sha256, byteCount: byteCount, fetchedAt: now,
            connector: folder.lastPathComponent)
        do {
            try sidecar.write(in: folder)
        } catch {
            throw FetchError(url: request.url, problem: "cannot write the archive sidecar: \(error.localizedDescription)", retryable: false)
        }
        guard rename(partial, target) == 0 else {
            throw FetchError(url: request.url, problem: "cannot move the download into \(target): \(String(cString: strerror(errno)))", retryable: false)
        }
        Self.syncFolder(folder.path)
        return ArchivedFeed(
            path: target, sha256: sha256, byteCount: byteCount, originalName: request.originalName, wasAlreadyArchived: false,
            attempts: attempts, resumed: resumed, notModified: false)
    }

    static func hash(path: String) throws -> (String, Int64) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FetchError(url: path, problem: "cannot open", retryable: false) }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total: Int64 = 0
        while let chunk = try handle.read(upToCount: 256 * 1024), !chunk.isEmpty {
            chunk.withUnsafeBytes { hasher.update($0) }
            total += Int64(chunk.count)
        }
        return (hasher.finalizeHex(), total)
    }

    /// The size of the regular file at `path`, or nil when there is none (or something else lies there).
    static func regularFileSize(_ path: String) -> Int64? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }

    /// Makes the rename itself durable.
    static func syncFolder(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
