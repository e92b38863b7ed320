import LahdePostgres
import Testing
import _LahdeTestSupport

/// The test server that the libcurl clients' tests stand on: checked once with the curl program so that
/// a failure there points at the server, not at the client under test.
@Suite("Loopback HTTP test server")
struct LoopbackHTTPServerTests {
    @Test("answers with the handler's response and records the request")
    func roundTrip() throws {
        let server = try LoopbackHTTPServer { request in
            .init(contentType: "text/plain", text: "\(request.method) \(request.path) \(request.bodyText)")
        }
        defer { server.stop() }
        let outcome = try ChildProcess.run(["/usr/bin/curl", "-sS", "--data-binary", "hello", "\(server.baseURL)/queue?x=1"], separateStandardError: true)
        #expect(outcome.status == 0)
        #expect(outcome.output == "POST /queue hello")
        #expect(server.requests.map(\.target) == ["/queue?x=1"])
    }

    @Test("a cut response ends the transfer early, as a dropped connection would")
    func cut() throws {
        let server = try LoopbackHTTPServer { _ in .init(body: Array(repeating: 65, count: 1000), cutAfter: 10) }
        defer { server.stop() }
        let outcome = try ChildProcess.run(["/usr/bin/curl", "-sS", server.baseURL], separateStandardError: true)
        #expect(outcome.status != 0)
        #expect(outcome.output == String(repeating: "A", count: 10))
    }
}
