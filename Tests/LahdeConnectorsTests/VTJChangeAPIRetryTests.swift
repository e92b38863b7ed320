import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import LahdeFetch
import LahdePostgres
import LahdeStore
import Testing

/// `lahde pull vtj-api` when the service says "not now" (429/500/502/503, Retry-After), and with the
/// henkilötunnus list sent in chunks; against the fake change API on loopback.
@Suite("lahde pull vtj-api: retries and hetulista chunks")
struct VTJChangeAPIRetryTests {
    /// Delays the pull asked to wait, recorded instead of slept.
    final class Delays: @unchecked Sendable {
        private let lock = NSLock()
        private var recorded: [Double] = []
        var all: [Double] { lock.withLock { recorded } }
        func append(_ value: Double) { lock.withLock { recorded.append(value) } }
    }

    /// Answers the first `times` change requests with `status` (and `Retry-After` when given), then as the fake service.
    final class Throttle: @unchecked Sendable {
        private let lock = NSLock()
        private var left: Int
        let status: Int
        let retryAfter: String?
        let service = FakeVTJService()

        init(times: Int, status: Int, retryAfter: String? = nil) {
            left = times
            self.status = status
            self.retryAfter = retryAfter
        }

        func respond(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
            let refuse: Bool = lock.withLock {
                guard request.method == "POST", left > 0 else { return false }
                left -= 1
                return true
            }
            guard refuse else { return service.respond(request) }
            var headers = ["Content-Type": "text/plain"]
            if let retryAfter { headers["Retry-After"] = retryAfter }
            return .init(status: status, headers: headers, body: Array("slow down".utf8))
        }
    }

    static func setUp(_ throttle: Throttle, configure: (inout ChangeAPISettings) -> Void) throws -> (VTJChangeAPIPullTests.Setup, LoopbackHTTPServer) {
        let db = try TestCluster.freshDatabase().connect()
        try VTJEndToEndTests.loadCustomers(db)
        let server = try LoopbackHTTPServer { throttle.respond($0) }
        let folder = try TemporaryFolder.make(prefix: "lahde-vtj-retry")
        var settings = ChangeAPISettings(baseURL: server.baseURL + "/api/v1")
        settings.backoffSeconds = 0.01
        settings.maxBackoffSeconds = 0.05
        configure(&settings)
        return (VTJChangeAPIPullTests.Setup(db: db, server: server, service: throttle.service, folder: folder, settings: settings), server)
    }

    static func pull(_ setup: VTJChangeAPIPullTests.Setup, _ delays: Delays) -> VTJChangeAPIPull {
        var pull = VTJChangeAPIPullTests.pull(setup)
        pull.sleep = { delays.append($0) }
        return pull
    }

    @Test("429, 500, 502 and 503 are retried with exponential backoff, then the pull goes on", arguments: [429, 500, 502, 503])
    func retriedStatuses(status: Int) throws {
        let (setup, server) = try Self.setUp(Throttle(times: 3, status: status)) { $0.retries = 4 }
        defer { server.stop() }
        let delays = Delays()
        let outcome = try Self.pull(setup, delays).run(since: CalendarDate(year: 2026, month: 3, day: 1))
        #expect(outcome.upToDate)
        #expect(outcome.pages.map(\.fromKey) == [100, 101, 102])
        #expect(delays.all == [0.01, 0.02, 0.04])
        #expect(FakeVTJService.sentKeys(server) == [100, 100, 100, 100, 101, 102])
    }

    @Test("a service still refusing after the configured tries stops the pull with its status and the number of attempts")
    func retriesRunOut() throws {
        let (setup, server) = try Self.setUp(Throttle(times: 10, status: 503)) { $0.retries = 3 }
        defer { server.stop() }
        let delays = Delays()
        var message = ""
        do {
            _ = try Self.pull(setup, delays).run(since: CalendarDate(year: 2026, month: 3, day: 1))
        } catch let error as ChangeAPIPullError {
            message = error.description
        }
        #expect(message.contains("HTTP 503"))
        #expect(message.contains("after 3 attempts"))
        #expect(delays.all == [0.01, 0.02])
        #expect(try PullCursor.read(setup.db, connector: "vtj-api") == 100)
    }

    @Test("a 404 is an answer, not a pause: not retried")
    func notRetried() throws {
        let (setup, server) = try Self.setUp(Throttle(times: 1, status: 404)) { $0.retries = 4 }
        defer { server.stop() }
        let delays = Delays()
        #expect(throws: ChangeAPIPullError.self) { try Self.pull(setup, delays).run(since: CalendarDate(year: 2026, month: 3, day: 1)) }
        #expect(delays.all.isEmpty)
    }

    @Test("Retry-After is waited instead of the backoff; one longer than the ceiling stops the pull at once")
    func retryAfter() throws {
        let (setup, server) = try Self.setUp(Throttle(times: 2, status: 429, retryAfter: "3")) {
            $0.retries = 4
            $0.maxBackoffSeconds = 5
        }
        defer { server.stop() }
        let delays = Delays()
        let outcome = try Self.pull(setup, delays).run(since: CalendarDate(year: 2026, month: 3, day: 1))
        #expect(outcome.upToDate)
        #expect(delays.all == [3, 3])

        let (tooLong, tooLongServer) = try Self.setUp(Throttle(times: 1, status: 503, retryAfter: "600")) { $0.retries = 4 }
        defer { tooLongServer.stop() }
        let none = Delays()
        var message = ""
        do {
            _ = try Self.pull(tooLong, none).run(since: CalendarDate(year: 2026, month: 3, day: 1))
        } catch let error as ChangeAPIPullError {
            message = error.description
        }
        #expect(message.contains("asks to wait 600 s"))
        #expect(none.all.isEmpty)
    }

    @Test("the hetulista is sent in chunks of the configured size, each from the same key; every code is sent once per round")
    func chunks() throws {
        let (setup, server) = try Self.setUp(Throttle(times: 0, status: 200)) { $0.henkilotunnusChunkSize = 2 }
        defer { server.stop() }
        let codes = try setup.db.query(
            "SELECT value FROM register.party_identifier WHERE scheme = 'henkilotunnus' AND active ORDER BY value"
        ).rows.compactMap { $0["value"] }
        #expect(codes.count > 2)
        let chunkCount = (codes.count + 1) / 2
        let outcome = try Self.pull(setup, Delays()).run(since: CalendarDate(year: 2026, month: 3, day: 1))
        #expect(outcome.upToDate)
        #expect(outcome.lastKey == 103)
        #expect(outcome.pages.count == 3 * chunkCount)
        let bodies = server.requests.filter { $0.method == "POST" }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any]
        }
        let firstRound = bodies.prefix(chunkCount)
        #expect(firstRound.allSatisfy { ($0["viimeisinKirjausavain"] as? NSNumber)?.int64Value == 100 })
        #expect(firstRound.allSatisfy { (($0["hetulista"] as? [String])?.count ?? 0) <= 2 })
        #expect(firstRound.flatMap { $0["hetulista"] as? [String] ?? [] } == codes)
        #expect(FakeVTJService.sentKeys(server) == Array(repeating: 100, count: chunkCount) + Array(repeating: 101, count: chunkCount) + Array(repeating: 102, count: chunkCount))
        // Each chunk's page is its own batch, named with its part; identical answers are found already loaded.
        #expect(outcome.pages.first?.report.status == .loaded)
        #expect(outcome.pages.dropFirst().prefix(chunkCount - 1).allSatisfy { $0.report.status == .alreadyLoaded })
    }

    @Test("hetulista_chunk_size and the retry settings are read from the api section; 0 is refused")
    func settings() throws {
        let json = #"{"base_url": "https://x.invalid/api/v1", "retries": 6, "backoff_seconds": 1, "max_backoff_seconds": 30, "hetulista_chunk_size": 500}"#
        let settings = try JSONDecoder().decode(ChangeAPISettings.self, from: Data(json.utf8))
        #expect(settings.chunkSize == 500)
        #expect(settings.retryPolicy.attempts == 6)
        #expect(settings.retryPolicy.delay(afterAttempt: 2) == 2)
        let defaults = try JSONDecoder().decode(ChangeAPISettings.self, from: Data(#"{"base_url": "https://x.invalid"}"#.utf8))
        #expect(defaults.chunkSize == 100_000)
        #expect(defaults.retryPolicy.attempts == 4)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(ChangeAPISettings.self, from: Data(#"{"base_url": "https://x.invalid", "hetulista_chunk_size": 0}"#.utf8))
        }
    }
}
