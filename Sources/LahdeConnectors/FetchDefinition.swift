import Foundation

/// Where a scheduled job fetches its connector's feed (the `fetch` section of a definition), and how it
/// authenticates. Secrets are never in the definition: passwords and key passphrases are read from a
/// file (`password_file`, `key_passphrase_file`) or an environment variable (`password_env`,
/// `key_passphrase_env`) when the job runs.
///
/// ```json
/// "fetch": {
///   "url": "https://feeds.example.fi/customers/latest.csv",
///   "client_certificate": "/etc/lahde/tls/client.pem", "client_key": "/etc/lahde/tls/client.key",
///   "ca_file": "/etc/lahde/tls/vendor-ca.pem", "retries": 4, "backoff_seconds": 2
/// }
/// ```
public struct FetchDefinition: Sendable, Decodable {
    public var url: String
    public var clientCertificate: String?
    public var clientKey: String?
    public var caFile: String?
    public var privateKey: String?
    public var knownHosts: String?
    public var username: String?
    public var passwordFile: String?
    public var passwordEnv: String?
    public var keyPassphraseFile: String?
    public var keyPassphraseEnv: String?
    /// Transfers tried in all before the job fails (the next run tries again).
    public var retries: Int?
    /// The first wait between attempts; it doubles, up to `max_backoff_seconds`.
    public var backoffSeconds: Double?
    public var maxBackoffSeconds: Double?
    /// Relative paths are relative to this folder (the installation: the folder holding `connectors/`).
    public var installationRoot: URL?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url
        case clientCertificate = "client_certificate"
        case clientKey = "client_key"
        case caFile = "ca_file"
        case privateKey = "private_key"
        case knownHosts = "known_hosts"
        case username
        case passwordFile = "password_file"
        case passwordEnv = "password_env"
        case keyPassphraseFile = "key_passphrase_file"
        case keyPassphraseEnv = "key_passphrase_env"
        case retries
        case backoffSeconds = "backoff_seconds"
        case maxBackoffSeconds = "max_backoff_seconds"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        clientCertificate = try container.decodeIfPresent(String.self, forKey: .clientCertificate)
        clientKey = try container.decodeIfPresent(String.self, forKey: .clientKey)
        caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
        privateKey = try container.decodeIfPresent(String.self, forKey: .privateKey)
        knownHosts = try container.decodeIfPresent(String.self, forKey: .knownHosts)
        username = try container.decodeIfPresent(String.self, forKey: .username)
        passwordFile = try container.decodeIfPresent(String.self, forKey: .passwordFile)
        passwordEnv = try container.decodeIfPresent(String.self, forKey: .passwordEnv)
        keyPassphraseFile = try container.decodeIfPresent(String.self, forKey: .keyPassphraseFile)
        keyPassphraseEnv = try container.decodeIfPresent(String.self, forKey: .keyPassphraseEnv)
        retries = try container.decodeIfPresent(Int.self, forKey: .retries)
        backoffSeconds = try container.decodeIfPresent(Double.self, forKey: .backoffSeconds)
        maxBackoffSeconds = try container.decodeIfPresent(Double.self, forKey: .maxBackoffSeconds)
    }

    /// `https`, `sftp`, `file` (or `http` to the loopback interface, for tests).
    public var scheme: String {
        url.firstRange(of: "://").map { String(url[..<$0.lowerBound]).lowercased() } ?? ""
    }

    /// Checks what can be checked without the files (they may exist only on the production host).
    func check(definitionFile file: String) throws(DefinitionError) {
        func fail(_ key: CodingKeys, _ problem: String) -> DefinitionError {
            DefinitionError(file: file, key: "fetch.\(key.rawValue)", problem: problem)
        }
        let afterScheme = url.firstRange(of: "://").map { String(url[$0.upperBound...]) } ?? ""
        let authority = afterScheme.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        switch scheme {
        case "https", "sftp", "file":
            break
        case "http":
            let host = (authority.split(separator: "@").last.map(String.init) ?? authority).lowercased()
            guard host.hasPrefix("127.0.0.1") || host.hasPrefix("localhost") || host.hasPrefix("[::1]") else {
                throw fail(.url, "plain http is refused (only for tests on 127.0.0.1); use https")
            }
        default:
            throw fail(.url, "'\(url.prefix(60))' must start with https://, sftp:// or file://")
        }
        if authority.contains("@") {
            throw fail(.url, "must not hold credentials; use username with password_file or password_env")
        }
        if scheme == "file", !afterScheme.hasPrefix("/") {
            throw fail(.url, "a file:// URL needs an absolute path (file:///srv/feeds/x.csv)")
        }
        if (clientCertificate == nil) != (clientKey == nil) {
            throw fail(clientCertificate == nil ? .clientCertificate : .clientKey, "client_certificate and client_key go together")
        }
        if scheme != "https" {
            for (key, value) in [(CodingKeys.clientCertificate, clientCertificate), (.clientKey, clientKey), (.caFile, caFile)] where value != nil {
                throw fail(key, "is for https:// sources only")
            }
        }
        if scheme != "sftp" {
            for (key, value) in [(CodingKeys.privateKey, privateKey), (.knownHosts, knownHosts)] where value != nil {
                throw fail(key, "is for sftp:// sources only")
            }
        } else {
            guard knownHosts != nil else { throw fail(.knownHosts, "is required for sftp://: the server's host key must be checked") }
            guard privateKey != nil || passwordFile != nil || passwordEnv != nil else {
                throw fail(.privateKey, "sftp:// needs private_key (or password_file / password_env)")
            }
        }
        if passwordFile != nil, passwordEnv != nil { throw fail(.passwordEnv, "give password_file or password_env, not both") }
        if keyPassphraseFile != nil, keyPassphraseEnv != nil { throw fail(.keyPassphraseEnv, "give key_passphrase_file or key_passphrase_env, not both") }
        if (passwordFile != nil || passwordEnv != nil), username == nil { throw fail(.username, "is needed with a password") }
        if let retries, !(1...20).contains(retries) { throw fail(.retries, "must be 1 to 20") }
        if let backoffSeconds, !(0...3600).contains(backoffSeconds) { throw fail(.backoffSeconds, "must be 0 to 3600") }
        if let maxBackoffSeconds, !(0...3600).contains(maxBackoffSeconds) { throw fail(.maxBackoffSeconds, "must be 0 to 3600") }
    }

    /// A configured path, relative ones taken from the installation folder.
    public func resolvedPath(_ path: String?) -> String? {
        guard let path else { return nil }
        if path.hasPrefix("/") { return path }
        return (installationRoot ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).appendingPathComponent(path).path
    }

    /// The password, read from its file or environment variable now (not when the definition loaded).
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment) throws(FetchSecretError) -> String? {
        try Self.secret(file: resolvedPath(passwordFile), variable: passwordEnv, what: "password", environment: environment)
    }

    public func keyPassphrase(environment: [String: String] = ProcessInfo.processInfo.environment) throws(FetchSecretError) -> String? {
        try Self.secret(file: resolvedPath(keyPassphraseFile), variable: keyPassphraseEnv, what: "key passphrase", environment: environment)
    }

    private static func secret(file: String?, variable: String?, what: String, environment: [String: String]) throws(FetchSecretError) -> String? {
        if let variable {
            guard let value = environment[variable], !value.isEmpty else {
                throw FetchSecretError(description: "the \(what) variable \(variable) is not set")
            }
            return value
        }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw FetchSecretError(description: "cannot read the \(what) file \(file)")
            }
            // One trailing newline is the editor's, not the secret's.
            var text = String(decoding: data, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            if text.hasSuffix("\r") { text.removeLast() }
            return text
        }
        return nil
    }
}

/// A secret named by a definition could not be read. Names the file or variable, never the value.
public struct FetchSecretError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
