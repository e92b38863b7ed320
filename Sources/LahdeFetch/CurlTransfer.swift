internal import CCurl
import Foundation

/// One libcurl transfer of a URL into an open file, from a byte offset onwards.
///
/// Only the downloader uses it; the C handle never leaves this file.
struct CurlTransfer {
    enum Outcome {
        case complete
        /// The source has not changed since `ifModifiedSince`: nothing was transferred.
        case notModified
        /// The server sent the whole file instead of the requested range, the range lay beyond the end, or
        /// the file changed at the source since the partial copy began: start again from byte zero.
        case restartFromZero(String)
        case failed(FetchError)
    }

    /// Receives the body; checks on the first bytes that a resumed transfer continues the same file.
    final class Sink {
        let descriptor: Int32
        var writeErrno: Int32 = 0
        var checkedSource = false
        var sourceChanged = false
        let expectedFileTime: Int
        let handle: UnsafeMutableRawPointer
        /// The source's modification time as libcurl saw it (-1 unknown).
        var fileTime = -1

        init(descriptor: Int32, expectedFileTime: Int, handle: UnsafeMutableRawPointer) {
            self.descriptor = descriptor
            self.expectedFileTime = expectedFileTime
            self.handle = handle
        }
    }

    static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Transfers `request.url` into `descriptor` (positioned at `offset`), asking for the bytes from `offset` on.
    ///
    /// - Parameters:
    ///   - expectedFileTime: the source's modification time when the partial copy began, or -1.
    ///   - ifModifiedSince: transfer only if the source changed after this time (seconds since 1970), or -1.
    /// - Returns: the outcome and the source's modification time (-1 when the protocol does not tell).
    static func run(_ request: FetchRequest, into descriptor: Int32, from offset: Int64, expectedFileTime: Int, ifModifiedSince: Int = -1) -> (Outcome, Int) {
        _ = globalInit
        guard let handle = curl_easy_init() else {
            return (.failed(FetchError(url: request.url, problem: "libcurl could not start a transfer", retryable: true)), -1)
        }
        defer { curl_easy_cleanup(handle) }
        let sink = Sink(descriptor: descriptor, expectedFileTime: offset > 0 ? expectedFileTime : -1, handle: handle)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }

        var problems: [String] = []
        func string(_ option: CURLoption, _ value: String?) {
            guard let value else { return }
            if ccurl_setopt_string(handle, option, value) != CURLE_OK { problems.append("option \(option.rawValue)") }
        }
        func long(_ option: CURLoption, _ value: Int) {
            if ccurl_setopt_long(handle, option, value) != CURLE_OK { problems.append("option \(option.rawValue)") }
        }
        string(CURLOPT_URL, request.url)
        // Only the schemes a feed may use, also after a redirect (which is not followed anyway).
        string(CURLOPT_PROTOCOLS_STR, "https,http,sftp,file")
        string(CURLOPT_REDIR_PROTOCOLS_STR, "https")
        long(CURLOPT_FOLLOWLOCATION, 0)
        long(CURLOPT_NOSIGNAL, 1)
        long(CURLOPT_FAILONERROR, 1)  // an error page is never written into the feed
        long(CURLOPT_FILETIME, 1)
        long(CURLOPT_CONNECTTIMEOUT, request.connectTimeoutSeconds)
        long(CURLOPT_LOW_SPEED_LIMIT, 1)
        long(CURLOPT_LOW_SPEED_TIME, request.stallSeconds)
        string(CURLOPT_SSLCERT, request.clientCertificateFile)
        string(CURLOPT_SSLKEY, request.clientKeyFile)
        string(CURLOPT_CAINFO, request.caFile)
        string(CURLOPT_KEYPASSWD, request.keyPassphrase)
        string(CURLOPT_USERNAME, request.username)
        string(CURLOPT_PASSWORD, request.password)
        if let key = request.sshPrivateKeyFile {
            string(CURLOPT_SSH_PRIVATE_KEYFILE, key)
            long(CURLOPT_SSH_AUTH_TYPES, Int(CURLSSH_AUTH_PUBLICKEY))
        }
        string(CURLOPT_SSH_KNOWNHOSTS, request.sshKnownHostsFile)
        if offset > 0, ccurl_setopt_offset(handle, CURLOPT_RESUME_FROM_LARGE, curl_off_t(offset)) != CURLE_OK {
            problems.append("resume offset")
        }
        if ifModifiedSince >= 0, offset == 0 {
            long(CURLOPT_TIMECONDITION, Int(CURL_TIMECOND_IFMODSINCE.rawValue))
            if ccurl_setopt_offset(handle, CURLOPT_TIMEVALUE_LARGE, curl_off_t(ifModifiedSince)) != CURLE_OK { problems.append("time condition") }
        }
        _ = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
        _ = ccurl_setopt_write_function(handle, { data, size, count, userdata in
            guard let data, let userdata else { return 0 }
            let sink = Unmanaged<CurlTransfer.Sink>.fromOpaque(userdata).takeUnretainedValue()
            if !sink.checkedSource {
                sink.checkedSource = true
                var fileTime = -1
                _ = ccurl_getinfo_long(sink.handle, CURLINFO_FILETIME, &fileTime)
                sink.fileTime = fileTime
                if sink.expectedFileTime != -1, fileTime != -1, fileTime != sink.expectedFileTime {
                    sink.sourceChanged = true
                    return 0  // aborts the transfer: the partial copy belongs to an older version of the file
                }
            }
            let total = size * count
            var done = 0
            while done < total {
                let written = Foundation.write(sink.descriptor, data + done, total - done)
                if written < 0 {
                    if errno == EINTR { continue }
                    sink.writeErrno = errno
                    return 0
                }
                done += written
            }
            return total
        })
        guard problems.isEmpty else {
            return (.failed(FetchError(url: request.url, problem: "libcurl refused \(problems.joined(separator: ", "))", retryable: false)), -1)
        }

        let code = curl_easy_perform(handle)
        var responseCode = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        var fileTime = sink.fileTime
        if fileTime == -1 { _ = ccurl_getinfo_long(handle, CURLINFO_FILETIME, &fileTime) }
        if code == CURLE_OK {
            var unmet = 0
            _ = ccurl_getinfo_long(handle, CURLINFO_CONDITION_UNMET, &unmet)
            return (unmet == 1 ? .notModified : .complete, fileTime)
        }
        if sink.sourceChanged { return (.restartFromZero("the file changed at the source since the partial download began"), fileTime) }
        if sink.writeErrno != 0 {
            let reason = String(cString: strerror(sink.writeErrno))
            return (.failed(FetchError(url: request.url, problem: "cannot write the partial file: \(reason)", retryable: false)), fileTime)
        }
        if offset > 0 {
            if code == CURLE_RANGE_ERROR { return (.restartFromZero("the server ignored the range request"), fileTime) }
            if code == CURLE_BAD_DOWNLOAD_RESUME || (code == CURLE_HTTP_RETURNED_ERROR && responseCode == 416) {
                return (.restartFromZero("the partial file is longer than the file at the source"), fileTime)
            }
        }
        let message = String(cString: curl_easy_strerror(code))
        let detail = code == CURLE_HTTP_RETURNED_ERROR ? "HTTP status \(responseCode)" : "\(message) (curl error \(code.rawValue))"
        return (.failed(FetchError(url: request.url, problem: detail, retryable: isRetryable(code, responseCode: responseCode))), fileTime)
    }

    /// Errors that another try cannot fix: a missing file, refused credentials, a bad certificate, a bad URL.
    private static func isRetryable(_ code: CURLcode, responseCode: Int) -> Bool {
        if code == CURLE_HTTP_RETURNED_ERROR {
            return responseCode >= 500 || responseCode == 408 || responseCode == 429
        }
        let permanent: [CURLcode] = [
            CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_FILE_COULDNT_READ_FILE, CURLE_REMOTE_FILE_NOT_FOUND,
            CURLE_LOGIN_DENIED, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CIPHER, CURLE_REMOTE_ACCESS_DENIED,
        ]
        return !permanent.contains(code)
    }
}
