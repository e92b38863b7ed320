import _LahdeTestSupport
import Foundation
import LahdeCore
@testable import LahdeFetch
import LahdePostgres
import Testing

/// The archive under disk and permission faults (issue 8): each fault gives a clear error, leaves nothing
/// that looks like a complete archived feed, and the next download with the fault gone completes.
///
/// The tests run as root in CI, where permission bits stop nothing, so the faults are made with things
/// that stop root too: a file where a folder should be, a folder where a file should be, and a disk that
/// is full (a 32 KiB tmpfs when the test may mount one, else `/dev/full` under the partial file's name).
@Suite("FeedDownloader: disk and permission faults")
struct ArchiveDiskFaultTests {
    static let feed = FeedDownloaderTests.feed
    static var feedHash: String { FeedDownloaderTests.feedHash }

    func downloader(archive: URL) -> FeedDownloader {
        FeedDownloader(archive: archive, retry: RetryPolicy(attempts: 2, initialDelaySeconds: 0.01, maximumDelaySeconds: 0.02))
    }

    func server() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { FeedDownloaderTests.serve(Self.feed, honourRange: true, request: $0) }
    }

    /// Names in the connector's folder that are not hidden: only complete archived feeds and sidecars.
    func archivedNames(_ downloader: FeedDownloader) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: downloader.folder(connector: "demo").path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test("an archive folder that cannot be created: a clear error, and the next run with the folder fixed archives the feed")
    func folderNotCreatable() throws {
        let root = try TemporaryFolder.make(prefix: "lahde-archive-fault")
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = root.appendingPathComponent("archive")
        try Data("not a folder".utf8).write(to: archive)  // a file where the archive folder should be
        let server = try server()
        let downloader = downloader(archive: archive)
        let error = try #require(throws: FetchError.self) { try downloader.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo") }
        #expect(error.problem.contains("cannot create"), "\(error)")
        #expect(error.retryable == false)
        #expect(server.requests.isEmpty, "nothing is fetched when it cannot be kept")

        try FileManager.default.removeItem(at: archive)
        let archived = try downloader.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo")
        #expect(archived.sha256 == Self.feedHash)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: archived.path))) == Self.feed)
    }

    @Test("a full disk mid-download: 'No space left on device', no archived file, and the next run with space completes the exact feed")
    func diskFull() throws {
        let root = try TemporaryFolder.make(prefix: "lahde-archive-full")
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = root.appendingPathComponent("archive")
        let server = try server()
        let downloader = downloader(archive: archive)
        let partial = downloader.partialPath(url: server.baseURL + "/feed.bin", connector: "demo")
        let partialFolder = URL(fileURLWithPath: partial).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: partialFolder, withIntermediateDirectories: true)
        // A 32 KiB disk under the partial folder (the feed is 50 000 bytes), or a device that is always full.
        let mounted = geteuid() == 0
            && (try? ChildProcess.run(["/bin/mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", partialFolder.path]))?.status == 0
        defer { if mounted { _ = try? ChildProcess.run(["/bin/umount", partialFolder.path]) } }
        if !mounted { try FileManager.default.createSymbolicLink(atPath: partial, withDestinationPath: "/dev/full") }

        let error = try #require(throws: FetchError.self) { try downloader.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo") }
        #expect(error.problem.contains("No space left on device"), "\(error)")
        #expect(archivedNames(downloader).isEmpty, "a half-written file must never look complete: \(archivedNames(downloader))")
        if mounted {
            let kept = FeedDownloader.regularFileSize(partial) ?? 0
            #expect(kept > 0 && kept < Int64(Self.feed.count), "the partial file holds what fitted: \(kept) bytes")
            _ = try ChildProcess.run(["/bin/umount", partialFolder.path])
        } else {
            unlink(partial)
        }

        // Space again: the download completes (continuing from what fitted, when the partial file was real).
        let archived = try downloader.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo")
        #expect(archived.sha256 == Self.feedHash)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: archived.path))) == Self.feed)
        #expect(archivedNames(downloader) == [Self.feedHash, Self.feedHash + ".json"])
    }

    @Test("the archive entry cannot be written (a folder in the sidecar's place): a clear error, no archived feed, the next run completes")
    func sidecarNotWritable() throws {
        let root = try TemporaryFolder.make(prefix: "lahde-archive-sidecar")
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try server()
        let downloader = downloader(archive: root)
        let obstacle = downloader.folder(connector: "demo").appendingPathComponent(Self.feedHash + ".json/x")
        try FileManager.default.createDirectory(at: obstacle, withIntermediateDirectories: true)

        let error = try #require(throws: FetchError.self) { try downloader.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo") }
        #expect(error.problem.contains("cannot write the archive sidecar"), "\(error)")
        #expect(FileManager.default.fileExists(atPath: downloader.folder(connector: "demo").appendingPathComponent(Self.feedHash).path) == false)
        // The downloaded bytes are kept, still partial, for the next run.
        #expect(FeedDownloader.regularFileSize(downloader.partialPath(url: server.baseURL + "/feed.bin", connector: "demo")) == Int64(Self.feed.count))

        try FileManager.default.removeItem(at: obstacle.deletingLastPathComponent())
        let archived = try downloader.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo")
        #expect(archived.sha256 == Self.feedHash)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: archived.path))) == Self.feed)
    }

    @Test("a cut-off file already under the feed's hash name is replaced by the download, never taken for the archived feed")
    func truncatedArchiveFileReplaced() throws {
        let root = try TemporaryFolder.make(prefix: "lahde-archive-cut")
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try server()
        let downloader = downloader(archive: root)
        let target = downloader.folder(connector: "demo").appendingPathComponent(Self.feedHash)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(Self.feed.prefix(20_000)).write(to: target)  // e.g. a restore of the archive that broke off

        let archived = try downloader.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo")
        #expect(archived.wasAlreadyArchived == false)
        #expect(Array(try Data(contentsOf: target)) == Self.feed)
        #expect(FileManager.default.fileExists(atPath: target.path + ".json"))
    }
}
