internal import CCurl
import Foundation

/// One HTTP request and its whole response over libcurl, synchronously (the CLI blocks on its I/O, as it
/// does on libpq): what an API client such as the VTJ change-API pull needs, with mutual TLS and Basic
/// credentials.
///
/// Only `https` and `http` are allowed (no redirect to `file:` or elsewhere: redirects are not
/// followed at all), the peer is always verified, and the credentials never appear in an error.
public enum HTTPExchange {
    public struct Request: Sendable {
        public var method: String
        public var url: String
        public var headers: [String: String]
        public var body: [UInt8]?

        public init(method: String = "GET", url: String, headers: [String: String] = [:], body: [UInt8]? = nil) {
            self.method = method
            self.url = url
            self.headers = headers
            self.body = body
        }
    }

    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
        /// The `Retry-After` header of the response, when it had one (a 429 or 503 saying when to come back).
        public var retryAfter: String? = nil

        /// The wait `Retry-After` asks for, in seconds: a number of seconds or an HTTP date.
        public func retryAfterSeconds(now: Date = Date()) -> Double? {
            guard let text = retryAfter?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            if let seconds = Double(text) { return max(0, seconds) }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            return formatter.date(from: text).map { max(0, $0.timeIntervalSince(now)) }
        }
    }

    /// Client certificate, its key and the CA bundle to verify the server by (DVV's servers present
    /// certificates from DVV's own CA, which is in no default trust store). Paths to PEM files.
    public struct TLS: Sendable {
        public var clientCertificate: String?
        public var clientKey: String?
        public var caBundle: String?

        public init(clientCertificate: String? = nil, clientKey: String? = nil, caBundle: String? = nil) {
            self.clientCertificate = clientCertificate
            self.clientKey = clientKey
            self.caBundle = caBundle
        }
    }

    public struct Credentials: Sendable {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// Bodies larger than this are refused: a change-API page is a few megabytes at most.
    public static let maximumBodyBytes = 256 << 20

    /// Performs the request; any HTTP status is a response (the caller judges it), a transfer that did
    /// not complete is an error.
    public static func perform(
        _ request: Request, tls: TLS = TLS(), credentials: Credentials? = nil, timeoutSeconds: Int = 300
    ) throws(HTTPExchangeError) -> Response {
        Self.initialise
        guard let handle = curl_easy_init() else { throw HTTPExchangeError(url: request.url, message: "libcurl could not create a handle") }
        defer { curl_easy_cleanup(handle) }
        let sink = BodySink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }

        var code = CURLE_OK
        func set(_ result: CURLcode) { if code == CURLE_OK { code = result } }
        set(ccurl_setopt_string(handle, CURLOPT_URL, request.url))
        set(ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "https,http"))
        set(ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        set(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, 30))
        set(ccurl_setopt_long(handle, CURLOPT_TIMEOUT, timeoutSeconds))
        set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        if let path = tls.clientCertificate { set(ccurl_setopt_string(handle, CURLOPT_SSLCERT, path)) }
        if let path = tls.clientKey { set(ccurl_setopt_string(handle, CURLOPT_SSLKEY, path)) }
        if let path = tls.caBundle { set(ccurl_setopt_string(handle, CURLOPT_CAINFO, path)) }
        if let credentials {
            set(ccurl_setopt_long(handle, CURLOPT_HTTPAUTH, 1))  // CURLAUTH_BASIC
            set(ccurl_setopt_string(handle, CURLOPT_USERNAME, credentials.username))
            set(ccurl_setopt_string(handle, CURLOPT_PASSWORD, credentials.password))
        }
        if let headerList { set(ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))) }
        if let body = request.body {
            set(ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count))
            body.withUnsafeBytes { raw in
                set(ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)))
            }
        }
        if request.method != "GET" && !(request.method == "POST" && request.body != nil) {
            set(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
        }
        set(ccurl_setopt_write_function(handle, { data, size, count, context in
            guard let data, let context else { return 0 }
            let sink = Unmanaged<BodySink>.fromOpaque(context).takeUnretainedValue()
            let total = size * count
            guard sink.bytes.count + total <= HTTPExchange.maximumBodyBytes else { return 0 }
            data.withMemoryRebound(to: UInt8.self, capacity: total) { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: total)) }
            return total
        }))
        set(ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
        guard code == CURLE_OK else { throw HTTPExchangeError(url: request.url, message: "libcurl refused an option: \(Self.text(code))") }

        let result = withExtendedLifetime(sink) { curl_easy_perform(handle) }
        guard result == CURLE_OK else {
            let reason = result == CURLE_WRITE_ERROR ? "the response is larger than \(maximumBodyBytes >> 20) MiB" : Self.text(result)
            throw HTTPExchangeError(url: request.url, message: reason)
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var header: UnsafeMutablePointer<curl_header>?
        var retryAfter: String?
        if curl_easy_header(handle, "Retry-After", 0, 1 /* CURLH_HEADER */, -1, &header) == CURLHE_OK, let value = header?.pointee.value {
            retryAfter = String(cString: value)
        }
        return Response(status: status, body: sink.bytes, retryAfter: retryAfter)
    }

    private static func text(_ code: CURLcode) -> String {
        curl_easy_strerror(code).map { String(cString: $0) } ?? "libcurl error \(code.rawValue)"
    }

    /// libcurl's global set-up, once per process, before any handle (it is not thread-safe itself).
    private static let initialise: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()
}

/// Collects a response body as libcurl hands it over.
private final class BodySink {
    var bytes: [UInt8] = []
}

/// A request that did not get a complete response (no connection, TLS refused, timed out, cut off).
/// The URL is shown without any user-info part; credentials are never in it.
public struct HTTPExchangeError: Error, Sendable, CustomStringConvertible {
    public let url: String
    public let message: String

    public init(url: String, message: String) {
        self.url = url
        self.message = message
    }

    public var description: String { "\(Self.withoutUserInfo(url)): \(message)" }

    static func withoutUserInfo(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return url }
        parts.user = nil
        parts.password = nil
        return parts.string ?? url
    }
}
