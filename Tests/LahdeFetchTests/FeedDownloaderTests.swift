import _LahdeTestSupport
import Foundation
import LahdeCore
@testable import LahdeFetch
import Testing

/// Downloads over real sockets (the loopback HTTP server) and real files.
@Suite("FeedDownloader")
struct FeedDownloaderTests {
    static let feed = Array((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    static var feedHash: String { SHA256.hex(of: feed) }

    func downloader(attempts: Int = 3) throws -> FeedDownloader {
        let archive = try TemporaryFolder.make(prefix: "lahde-archive")
        return FeedDownloader(archive: archive, retry: RetryPolicy(attempts: attempts, initialDelaySeconds: 0.01, maximumDelaySeconds: 0.05))
    }

    /// Serves `bytes`, honouring `Range: bytes=N-` when `honourRange`.
    static func serve(_ bytes: [UInt8], honourRange: Bool, request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        if honourRange, let range = request.headers["range"], range.hasPrefix("bytes="), range.hasSuffix("-"),
            let start = Int(range.dropFirst(6).dropLast())
        {
            guard start < bytes.count else { return .init(status: 416) }
            return .init(status: 206, headers: ["Content-Range": "bytes \(start)-\(bytes.count - 1)/\(bytes.count)"], body: Array(bytes[start...]))
        }
        return .init(status: 200, body: bytes)
    }

    @Test("a download lands in archive/<connector>/<sha256> with a sidecar, and nothing stays partial")
    func plainDownload() throws {
        let server = try LoopbackHTTPServer { Self.serve(Self.feed, honourRange: true, request: $0) }
        let downloader = try downloader()
        let archived = try downloader.download(FetchRequest(url: server.baseURL + "/feeds/customers%202026.jsonl"), connector: "demo")
        #expect(archived.sha256 == Self.feedHash)
        #expect(archived.path == downloader.folder(connector: "demo").appendingPathComponent(Self.feedHash).path)
        #expect(archived.originalName == "customers 2026.jsonl")
        #expect(archived.wasAlreadyArchived == false)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: archived.path))) == Self.feed)
        let sidecar = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: archived.path + ".json"))) as? [String: Any])
        #expect(sidecar["original_name"] as? String == "customers 2026.jsonl")
        #expect(sidecar["url"] as? String == server.baseURL + "/feeds/customers%202026.jsonl")
        let partials = try FileManager.default.contentsOfDirectory(atPath: downloader.folder(connector: "demo").appendingPathComponent(".partial").path)
        #expect(partials.isEmpty, "\(partials)")

        let again = try downloader.download(FetchRequest(url: server.baseURL + "/feeds/customers%202026.jsonl"), connector: "demo")
        #expect(again.wasAlreadyArchived)
        #expect(again.sha256 == archived.sha256)
    }

    @Test("a transfer cut off mid-way resumes from the partial file's size with a range request")
    func resumesAfterCut() throws {
        let counter = RequestCounter()
        let server = try LoopbackHTTPServer { request in
            if counter.next() == 1 { return .init(status: 200, body: Self.feed, cutAfter: 20_000) }
            return Self.serve(Self.feed, honourRange: true, request: request)
        }
        let archived = try downloader().download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo")
        #expect(archived.sha256 == Self.feedHash)
        #expect(archived.resumed)
        #expect(archived.attempts == 2)
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests[0].headers["range"] == nil)
        #expect(requests[1].headers["range"] == "bytes=20000-")
    }

    @Test("a server that ignores the range restarts the download from zero; the archive holds the exact file")
    func restartsWhenRangeIgnored() throws {
        let counter = RequestCounter()
        let server = try LoopbackHTTPServer { request in
            if counter.next() == 1 { return .init(status: 200, body: Self.feed, cutAfter: 12_345) }
            return Self.serve(Self.feed, honourRange: false, request: request)
        }
        let archived = try downloader().download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo")
        #expect(archived.sha256 == Self.feedHash)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: archived.path))) == Self.feed)
        let ranges = server.requests.map { $0.headers["range"] }
        #expect(ranges == [nil, "bytes=12345-", nil])
    }

    @Test("a partial file left by an earlier, failed download is continued by the next one; it never looks archived")
    func resumesAcrossDownloads() throws {
        let counter = RequestCounter()
        let server = try LoopbackHTTPServer { request in
            if counter.next() == 1 { return .init(status: 200, body: Self.feed, cutAfter: 30_000) }
            return Self.serve(Self.feed, honourRange: true, request: request)
        }
        let downloader = try downloader(attempts: 1)
        #expect(throws: FetchError.self) { try downloader.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo") }
        let archivedNames = try FileManager.default.contentsOfDirectory(atPath: downloader.folder(connector: "demo").path).filter { !$0.hasPrefix(".") }
        #expect(archivedNames.isEmpty, "a half-written file must never look complete: \(archivedNames)")

        let archived = try downloader.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo")
        #expect(archived.sha256 == Self.feedHash)
        #expect(archived.resumed)
        #expect(server.requests.map { $0.headers["range"] } == [nil, "bytes=30000-"])
    }

    @Test("a partial file older than the limit is not continued: the download starts from zero")
    func stalePartialIsDiscarded() throws {
        let server = try LoopbackHTTPServer { Self.serve(Self.feed, honourRange: true, request: $0) }
        let url = server.baseURL + "/feed.bin"
        let downloader = try downloader()
        let partial = downloader.partialPath(url: url, connector: "demo")
        try FileManager.default.createDirectory(atPath: (partial as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(Array(repeating: 0x41, count: 1000)).write(to: URL(fileURLWithPath: partial))  // yesterday's bytes of another version
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-13 * 3600)], ofItemAtPath: partial)
        let archived = try downloader.download(FetchRequest(url: url), connector: "demo")
        #expect(archived.sha256 == Self.feedHash)
        #expect(server.requests.map { $0.headers["range"] } == [nil])
    }

    @Test("500 responses are retried with backoff, then succeed; a 404 is not retried")
    func retries() throws {
        let counter = RequestCounter()
        let server = try LoopbackHTTPServer { request in
            if request.path == "/missing" { return .init(status: 404) }
            return counter.next() <= 2 ? .init(status: 500, body: Array("oops".utf8)) : Self.serve(Self.feed, honourRange: true, request: request)
        }
        let archived = try downloader(attempts: 3).download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo")
        #expect(archived.attempts == 3)
        #expect(archived.sha256 == Self.feedHash, "an error page is never part of the feed")
        let before = server.requests.count
        let once = try downloader(attempts: 3)
        do {
            _ = try once.download(FetchRequest(url: server.baseURL + "/missing"), connector: "demo")
            Issue.record("a 404 must fail")
        } catch {
            #expect(error.problem.contains("404"))
            #expect(error.retryable == false)
        }
        #expect(server.requests.count == before + 1)
    }

    @Test("persistent 500s fail after the configured attempts")
    func givesUp() throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 503) }
        let twice = try downloader(attempts: 2)
        do {
            _ = try twice.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo")
            Issue.record("must fail")
        } catch {
            #expect(error.problem.contains("503"))
            #expect(error.problem.contains("after 2 attempts"))
        }
        #expect(server.requests.count == 2)
    }

    @Test("file:// sources are archived the same way")
    func fileURL() throws {
        let folder = try TemporaryFolder.make(prefix: "lahde-source")
        let source = folder.appendingPathComponent("feed.jsonl")
        try Data(Self.feed).write(to: source)
        let archived = try downloader().download(FetchRequest(url: source.absoluteString), connector: "demo")
        #expect(archived.sha256 == Self.feedHash)
        #expect(archived.originalName == "feed.jsonl")
    }

    @Test("an unchanged feed is not transferred again: If-Modified-Since with the source's time, answered 304")
    func notModified() throws {
        let lastModified = "Tue, 01 Dec 2026 22:00:00 GMT"
        let server = try LoopbackHTTPServer { request in
            if request.headers["if-modified-since"] == lastModified { return .init(status: 304) }
            var response = Self.serve(Self.feed, honourRange: true, request: request)
            response.headers["Last-Modified"] = lastModified
            return response
        }
        let downloader = try downloader()
        let first = try downloader.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo")
        #expect(first.notModified == false)
        let second = try downloader.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo")
        #expect(second.notModified)
        #expect(second.sha256 == first.sha256)
        #expect(second.path == first.path)
        #expect(second.byteCount == Int64(Self.feed.count))
        #expect(server.requests.map { $0.headers["if-modified-since"] } == [nil, lastModified])
    }

    @Test("basic-auth credentials are sent as an Authorization header, never in the URL or the sidecar")
    func basicAuth() throws {
        let server = try LoopbackHTTPServer { request in
            request.headers["authorization"] == "Basic " + Data("lahde:s3cret".utf8).base64EncodedString()
                ? Self.serve(Self.feed, honourRange: true, request: request) : .init(status: 401)
        }
        var request = FetchRequest(url: server.baseURL + "/feed.bin")
        request.username = "lahde"
        request.password = "s3cret"
        let archived = try downloader().download(request, connector: "demo")
        #expect(archived.sha256 == Self.feedHash)
        let sidecar = try String(contentsOfFile: archived.path + ".json", encoding: .utf8)
        #expect(sidecar.contains("s3cret") == false)
        let denied = try downloader()
        do {
            _ = try denied.download(FetchRequest(url: server.baseURL + "/feed.bin"), connector: "demo")
            Issue.record("a 401 must fail")
        } catch {
            #expect(error.retryable == false)
        }
    }

    @Test("backoff doubles up to its ceiling")
    func backoff() {
        let policy = RetryPolicy(attempts: 6, initialDelaySeconds: 2, maximumDelaySeconds: 10)
        #expect((1...5).map { policy.delay(afterAttempt: $0) } == [2, 4, 8, 10, 10])
    }
}


@Suite("libcurl build")
struct CurlLibraryTests {
    @Test("the linked libcurl speaks every scheme a job may use")
    func protocols() {
        let protocols = CurlLibrary.protocols
        for scheme in ["https", "sftp", "file"] {
            #expect(protocols.contains(scheme), "libcurl without \(scheme): \(CurlLibrary.version)")
        }
    }
}
