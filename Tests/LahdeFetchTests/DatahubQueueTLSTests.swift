import _LahdeTestSupport
import Foundation
import LahdeFetch
import Testing

/// The Datahub queue client over HTTPS against a real TLS server (`openssl s_server`) that demands a client
/// certificate signed by a throwaway CA, as Datahub's B2B interface does. The server answers one connection
/// with a canned peek response; the SOAP exchange itself is tested against the fake service in
/// `DatahubPullTests`.
@Suite("Datahub queue over HTTPS with a client certificate", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
struct DatahubQueueTLSTests {
    static let peekResponse: [UInt8] = {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope"><soapenv:Header/><soapenv:Body>\
            <b2b:PeekMessageResponse xmlns:b2b="urn:cms:b2b:v01"><b2b:MessageContainer>\
            <b2b:DocumentReferenceNumber>TLS-REF-1</b2b:DocumentReferenceNumber><b2b:Payload/>\
            </b2b:MessageContainer></b2b:PeekMessageResponse></soapenv:Body></soapenv:Envelope>
            """
        let bytes = Array(body.utf8)
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=utf-8\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + bytes
    }()

    @Test("peek presents the client certificate and key files, checks the server against the CA file, and reads the message")
    func peekWithClientCertificate() throws {
        let server = try MutualTLSDownloadTests.TLSServer(reply: Self.peekResponse)
        let client = DatahubQueueClient(endpoint: SOAPExchange.Endpoint(
            url: "https://127.0.0.1:\(server.port)/soap/FGR", clientCertificate: server.path("client.pem"),
            clientKey: server.path("client-plain.key"), caBundle: server.path("ca.pem"), timeoutSeconds: 20))
        let peeked = try #require(try client.peek())
        #expect(peeked.documentReference == "TLS-REF-1")
    }

    @Test("without the client certificate the TLS handshake is refused and peek fails with a clear error")
    func peekWithoutClientCertificate() throws {
        let server = try MutualTLSDownloadTests.TLSServer(reply: Self.peekResponse)
        let client = DatahubQueueClient(endpoint: SOAPExchange.Endpoint(
            url: "https://127.0.0.1:\(server.port)/soap/FGR", caBundle: server.path("ca.pem"), timeoutSeconds: 20))
        #expect(throws: DatahubQueueError.self) { _ = try client.peek() }
    }

    @Test("a server whose certificate the CA file does not vouch for is refused")
    func peekWithUnknownServer() throws {
        let server = try MutualTLSDownloadTests.TLSServer(reply: Self.peekResponse)
        let client = DatahubQueueClient(endpoint: SOAPExchange.Endpoint(
            url: "https://127.0.0.1:\(server.port)/soap/FGR", clientCertificate: server.path("client.pem"),
            clientKey: server.path("client-plain.key"), timeoutSeconds: 20))
        #expect(throws: DatahubQueueError.self) { _ = try client.peek() }
    }
}
