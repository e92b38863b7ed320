internal import CCurl
import Foundation

/// One SOAP 1.2 request/response over libcurl: an HTTPS POST of an envelope, with the client certificate
/// and key files Datahub's B2B channel authenticates parties by (reference §1).
///
/// Synchronous on the calling thread, like every database call in Lähde. The response body is returned
/// as bytes, unparsed: the caller archives the exact bytes Datahub sent before anything reads them.
public struct SOAPExchange: Sendable {
    public struct Endpoint: Sendable {
        /// `https://<host>/soap/FGR?organisationUser=<B2B user>` (or `http://127.0.0.1:…` in tests).
        public var url: String
        /// PEM files; `nil` for none. Paths, never the secrets themselves.
        public var clientCertificate: String?
        public var clientKey: String?
        /// PEM bundle of the CAs to trust instead of the system's; `nil` for the system store.
        public var caBundle: String?
        public var timeoutSeconds: Int

        public init(url: String, clientCertificate: String? = nil, clientKey: String? = nil, caBundle: String? = nil, timeoutSeconds: Int = 60) {
            self.url = url
            self.clientCertificate = clientCertificate
            self.clientKey = clientKey
            self.caBundle = caBundle
            self.timeoutSeconds = timeoutSeconds
        }
    }

    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
    }

    public let endpoint: Endpoint

    public init(endpoint: Endpoint) {
        self.endpoint = endpoint
    }

    /// POSTs `envelope` with the SOAP 1.2 content type naming `action`. A transport failure (no connection,
    /// TLS, timeout, a cut-off body) throws; any HTTP status is returned for the caller to judge, because a
    /// SOAP fault arrives as status 500 with a body worth reading.
    public func post(action: String, envelope: String) throws(SOAPExchangeError) -> Response {
        guard let handle = curl_easy_init() else { throw SOAPExchangeError("libcurl could not create a handle") }
        defer { curl_easy_cleanup(handle) }
        var headers: UnsafeMutablePointer<curl_slist>?
        headers = curl_slist_append(headers, "Content-Type: application/soap+xml; charset=utf-8; action=\"\(action)\"")
        headers = curl_slist_append(headers, "Expect:")
        defer { curl_slist_free_all(headers) }

        let sink = ResponseSink()
        let body = Array(envelope.utf8)
        var code = CURLE_OK
        func set(_ result: CURLcode) { if code == CURLE_OK { code = result } }
        set(ccurl_setopt_string(handle, CURLOPT_URL, endpoint.url))
        set(ccurl_setopt_long(handle, CURLOPT_POST, 1))
        set(ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headers)))
        set(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(ccurl_setopt_long(handle, CURLOPT_TIMEOUT, endpoint.timeoutSeconds))
        set(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, min(endpoint.timeoutSeconds, 30)))
        // Only HTTP(S), never a redirect elsewhere: a message queue does not move.
        set(ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        if let certificate = endpoint.clientCertificate {
            set(ccurl_setopt_string(handle, CURLOPT_SSLCERT, certificate))
            set(ccurl_setopt_string(handle, CURLOPT_SSLCERTTYPE, "PEM"))
        }
        if let key = endpoint.clientKey {
            set(ccurl_setopt_string(handle, CURLOPT_SSLKEY, key))
            set(ccurl_setopt_string(handle, CURLOPT_SSLKEYTYPE, "PEM"))
        }
        if let bundle = endpoint.caBundle { set(ccurl_setopt_string(handle, CURLOPT_CAINFO, bundle)) }
        set(ccurl_setopt_write_function(handle, { data, size, count, context in
            guard let data, let context else { return 0 }
            let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }))
        let context = Unmanaged.passUnretained(sink).toOpaque()
        set(ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
        guard code == CURLE_OK else { throw SOAPExchangeError("libcurl refused an option: \(Self.text(code))") }

        let performed = body.withUnsafeBufferPointer { buffer -> CURLcode in
            var result = ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, buffer.count)
            if result == CURLE_OK {
                result = ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress))
            }
            return result == CURLE_OK ? curl_easy_perform(handle) : result
        }
        guard performed == CURLE_OK else {
            throw SOAPExchangeError("\(action) to \(Self.hostOnly(endpoint.url)) failed: \(Self.text(performed))")
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        withExtendedLifetime(sink) {}
        return Response(status: status, body: sink.bytes)
    }

    private final class ResponseSink: @unchecked Sendable {
        var bytes: [UInt8] = []
    }

    private static func text(_ code: CURLcode) -> String {
        guard let message = curl_easy_strerror(code) else { return "error \(code.rawValue)" }
        return String(cString: message)
    }

    /// The URL without its query: the organisation user in the query is not for logs.
    static func hostOnly(_ url: String) -> String {
        String(url.split(separator: "?", maxSplits: 1).first ?? "")
    }
}

/// A SOAP exchange that did not complete: transport, TLS or a refused option.
public struct SOAPExchangeError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
