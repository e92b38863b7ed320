/// What to fetch and how to authenticate, with every secret already read from the environment or a file
/// (never from a command-line argument or a definition).
public struct FetchRequest: Sendable {
    /// `https://`, `sftp://` or `file://` (plain `http://` only for tests on the loopback interface).
    public var url: String
    /// PEM client certificate and key for HTTPS mutual TLS.
    public var clientCertificateFile: String?
    public var clientKeyFile: String?
    /// PEM bundle of the certificate authorities to trust instead of the system's.
    public var caFile: String?
    /// The SSH private key for SFTP, and the `known_hosts` file its server's key is checked against.
    public var sshPrivateKeyFile: String?
    public var sshKnownHostsFile: String?
    /// Passphrase of the TLS client key or the SSH private key.
    public var keyPassphrase: String?
    /// Basic-auth (HTTPS) or password (SFTP) credentials.
    public var username: String?
    public var password: String?
    /// Seconds to establish a connection; a transfer slower than 1 byte/s for `stallSeconds` is cut and retried.
    public var connectTimeoutSeconds: Int = 30
    public var stallSeconds: Int = 60

    public init(url: String) {
        self.url = url
    }

    var isHTTP: Bool {
        let lowered = url.lowercased()
        return lowered.hasPrefix("https://") || lowered.hasPrefix("http://")
    }

    /// The name the feed has at its source: the URL's last path segment.
    public var originalName: String {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        return name.removingPercentEncodingSafely
    }
}

extension String {
    /// `%20` → space; malformed escapes are kept as they are.
    var removingPercentEncodingSafely: String {
        var bytes: [UInt8] = []
        var iterator = Array(utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
