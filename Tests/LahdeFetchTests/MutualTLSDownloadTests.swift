import _LahdeTestSupport
import Foundation
import LahdeCore
import LahdeFetch
import LahdePostgres
import Testing

/// HTTPS with a client certificate against a real TLS server (`openssl s_server`) on the loopback
/// interface, with a throwaway CA, server and client certificate made by the openssl command.
@Suite("HTTPS with a client certificate", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
struct MutualTLSDownloadTests {
    /// The certificates, a feed file, and a TLS server that demands a client certificate signed by the CA.
    final class TLSServer {
        let folder: URL
        let port: UInt16
        let pid: pid_t
        let feed = Array((0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) })
        var url: String { "https://127.0.0.1:\(port)/feed.bin" }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        /// - Parameter reply: serve these bytes as the answer to one connection (any request, e.g. a SOAP
        ///   POST) instead of serving files to GET requests.
        init(reply: [UInt8]? = nil) throws {
            folder = try TemporaryFolder.make(prefix: "lahde-tls")
            let script = """
                set -e
                ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256"
                openssl req -x509 $ec -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Lahde test CA"
                openssl req $ec -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
                printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext
                openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext
                openssl req $ec -keyout client.key -passout file:passphrase -out client.csr -subj "/CN=lahde"
                openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2
                openssl pkey -in client.key -passin file:passphrase -out client-plain.key
                """
            try "kissa123\n".write(to: folder.appendingPathComponent("passphrase"), atomically: true, encoding: .utf8)
            try Data(feed).write(to: folder.appendingPathComponent("feed.bin"))
            let made = try ChildProcess.run(
                ["/bin/sh", "-c", "cd '\(folder.path)' && { \(script); } 2>&1"], environment: ProcessInfo.processInfo.environment, standardInput: "/dev/null",
                separateStandardError: true)
            guard made.status == 0 else { throw FetchError(url: "openssl", problem: made.output, retryable: false) }
            port = Self.freePort()
            let mode: String
            if let reply {
                try Data(reply).write(to: folder.appendingPathComponent("reply"))
                mode = "-naccept 1 < reply"
            } else {
                mode = "-WWW"
            }
            pid = try ChildProcess.spawnInBackground(
                ["/bin/sh", "-c", "cd '\(folder.path)' && exec openssl s_server -quiet -accept 127.0.0.1:\(port) -cert server.pem -key server.key -CAfile ca.pem -Verify 1 -verify_return_error \(mode)"],
                environment: ProcessInfo.processInfo.environment)
            // A reply is for one connection only: wait for the socket without connecting to it.
            if reply != nil { try Self.waitUntilListed(port) } else { try Self.waitUntilListening(port) }
        }

        /// Waits until the kernel lists a listening socket on the port (`/proc/net/tcp`, state 0A).
        static func waitUntilListed(_ port: UInt16) throws {
            let local = String(format: "0100007F:%04X", port)
            for _ in 0..<100 {
                let table = (try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)) ?? ""
                if table.split(separator: "\n").contains(where: { line in
                    let columns = line.split(separator: " ")
                    return columns.count > 3 && columns[1] == local && columns[3] == "0A"
                }) { return }
                usleep(50_000)
            }
            throw FetchError(url: "openssl s_server", problem: "did not start listening", retryable: false)
        }

        deinit {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            try? FileManager.default.removeItem(at: folder)
        }

        /// A port nobody listens on right now (bound and released; good enough for a test).
        static func freePort() -> UInt16 {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(descriptor) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
            return UInt16(bigEndian: address.sin_port)
        }

        static func waitUntilListening(_ port: UInt16) throws {
            for _ in 0..<100 {
                let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = port.bigEndian
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                close(descriptor)
                if connected == 0 { return }
                usleep(50_000)
            }
            throw FetchError(url: "openssl s_server", problem: "did not start listening", retryable: false)
        }
    }

    func downloader() throws -> FeedDownloader {
        FeedDownloader(archive: try TemporaryFolder.make(prefix: "lahde-archive"), retry: RetryPolicy(attempts: 1, initialDelaySeconds: 0))
    }

    @Test("with the client certificate, its encrypted key and passphrase, and the CA file, the feed is archived")
    func clientCertificate() throws {
        let server = try TLSServer()
        var request = FetchRequest(url: server.url)
        request.clientCertificateFile = server.path("client.pem")
        request.clientKeyFile = server.path("client.key")
        request.keyPassphrase = "kissa123"
        request.caFile = server.path("ca.pem")
        let archived = try downloader().download(request, connector: "tls")
        #expect(archived.sha256 == SHA256.hex(of: server.feed))
    }

    @Test("without a client certificate the server refuses the connection")
    func noClientCertificate() throws {
        let server = try TLSServer()
        var request = FetchRequest(url: server.url)
        request.caFile = server.path("ca.pem")
        #expect(throws: FetchError.self) { try downloader().download(request, connector: "tls") }
    }

    @Test("a server certificate from an unknown CA is refused, and not retried")
    func unknownCertificateAuthority() throws {
        let server = try TLSServer()
        var request = FetchRequest(url: server.url)
        request.clientCertificateFile = server.path("client.pem")
        request.clientKeyFile = server.path("client.key")
        request.keyPassphrase = "kissa123"
        let downloader = try downloader()
        do {
            _ = try downloader.download(request, connector: "tls")
            Issue.record("an unknown CA must be refused")
        } catch {
            #expect(error.retryable == false, "\(error)")
        }
    }
}
