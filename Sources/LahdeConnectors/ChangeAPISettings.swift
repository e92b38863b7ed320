import Foundation
import LahdeFetch

/// The `api` section of a pulling connector's definition (today `vtj-api`): where the change API is and
/// how Lähde proves who it is.
///
/// ```json
/// "api": {
///   "base_url": "https://api.hiekkalaatikko.muutostietopalvelu.dvv.fi/api/v1",
///   "client_certificate": "/etc/lahde/vtj/client.pem", "client_key": "/etc/lahde/vtj/client.key",
///   "ca_bundle": "/etc/lahde/vtj/dvv-ca.pem", "credentials_file": "/etc/lahde/vtj/credentials",
///   "x_road_client": "FI/COM/1234567-8/lahde", "page_folder": "/srv/lahde/archive/vtj-api"
/// }
/// ```
/// Secrets live in files, never in the definition or on the command line: `credentials_file` holds
/// `username:password` on its first line (HTTP Basic); the key file is the TLS client key. Relative
/// paths are resolved against the folder that holds `connectors/`, as for the Datahub XSDs.
public struct ChangeAPISettings: Sendable, Decodable {
    public var baseURL: String
    public var clientCertificate: String?
    public var clientKey: String?
    public var caBundle: String?
    public var credentialsFile: String?
    /// Sent as `X-Road-Client` when the API is reached through the Suomi.fi service bus.
    public var xRoadClient: String?
    /// A folder of its own for the pulled pages (`page_folder`); by default they go into the archive
    /// (`LAHDE_ARCHIVE/NAME/<sha256>` with a sidecar), like every fetched feed.
    public var pageFolder: String?
    /// Send the register's active henkilötunnus codes as `hetulista` (the monitored people); default true.
    public var sendHenkilotunnusList: Bool?
    /// Requests tried in all when the service answers 429, 500, 502 or 503 (`retries`, default 4; 1 = none).
    public var retries: Int?
    /// The first wait between tries and its ceiling, doubling in between (`backoff_seconds`, default 15 —
    /// OPH's client waits 15 s; `max_backoff_seconds`, default 120). A `Retry-After` the service sends is
    /// waited instead; one longer than the ceiling stops the pull (the next one resumes from the cursor).
    public var backoffSeconds: Double?
    public var maxBackoffSeconds: Double?
    /// At most this many henkilötunnus codes per request (`hetulista_chunk_size`, default 100 000): a
    /// larger register is asked about in several requests from the same key.
    public var henkilotunnusChunkSize: Int?
    /// The folder relative paths are resolved against; set by whoever loads the definition.
    public var installationRoot: URL?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case baseURL = "base_url", clientCertificate = "client_certificate", clientKey = "client_key", caBundle = "ca_bundle"
        case credentialsFile = "credentials_file", xRoadClient = "x_road_client", sendHenkilotunnusList = "send_hetulista"
        case pageFolder = "page_folder"
        case retries, backoffSeconds = "backoff_seconds", maxBackoffSeconds = "max_backoff_seconds"
        case henkilotunnusChunkSize = "hetulista_chunk_size"
    }

    public static let defaultChunkSize = 100_000

    /// How a failed request is tried again.
    public var retryPolicy: RetryPolicy {
        RetryPolicy(attempts: retries ?? 4, initialDelaySeconds: backoffSeconds ?? 15, maximumDelaySeconds: maxBackoffSeconds ?? 120)
    }

    /// Codes per request, at least 1.
    public var chunkSize: Int { max(1, henkilotunnusChunkSize ?? Self.defaultChunkSize) }

    public init(baseURL: String, clientCertificate: String? = nil, clientKey: String? = nil, caBundle: String? = nil,
                credentialsFile: String? = nil, xRoadClient: String? = nil, sendHenkilotunnusList: Bool? = nil, installationRoot: URL? = nil)
    {
        self.baseURL = baseURL
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.caBundle = caBundle
        self.credentialsFile = credentialsFile
        self.xRoadClient = xRoadClient
        self.sendHenkilotunnusList = sendHenkilotunnusList
        self.installationRoot = installationRoot
    }

    /// A misspelt key (`"client_cert"`) is an error, not a silently missing certificate.
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        baseURL = try container.decode(String.self, forKey: .baseURL)
        clientCertificate = try container.decodeIfPresent(String.self, forKey: .clientCertificate)
        clientKey = try container.decodeIfPresent(String.self, forKey: .clientKey)
        caBundle = try container.decodeIfPresent(String.self, forKey: .caBundle)
        credentialsFile = try container.decodeIfPresent(String.self, forKey: .credentialsFile)
        xRoadClient = try container.decodeIfPresent(String.self, forKey: .xRoadClient)
        sendHenkilotunnusList = try container.decodeIfPresent(Bool.self, forKey: .sendHenkilotunnusList)
        pageFolder = try container.decodeIfPresent(String.self, forKey: .pageFolder)
        retries = try container.decodeIfPresent(Int.self, forKey: .retries)
        backoffSeconds = try container.decodeIfPresent(Double.self, forKey: .backoffSeconds)
        maxBackoffSeconds = try container.decodeIfPresent(Double.self, forKey: .maxBackoffSeconds)
        henkilotunnusChunkSize = try container.decodeIfPresent(Int.self, forKey: .henkilotunnusChunkSize)
        if let size = henkilotunnusChunkSize, size < 1 {
            throw DecodingError.dataCorruptedError(forKey: .henkilotunnusChunkSize, in: container, debugDescription: "hetulista_chunk_size must be at least 1")
        }
        installationRoot = nil
    }

    var tls: HTTPExchange.TLS {
        HTTPExchange.TLS(clientCertificate: resolved(clientCertificate), clientKey: resolved(clientKey), caBundle: resolved(caBundle))
    }

    /// The Basic credentials from `credentials_file`, or `nil` when none is configured.
    func credentials() throws -> HTTPExchange.Credentials? {
        guard let path = resolved(credentialsFile) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ChangeAPIPullError("cannot read the credentials file \(path)")
        }
        let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
            throw ChangeAPIPullError("the credentials file \(path) must hold username:password on its first line")
        }
        return HTTPExchange.Credentials(username: String(line[..<colon]), password: String(line[line.index(after: colon)...]))
    }

    /// `page_folder` as an absolute path, when set.
    public var resolvedPageFolder: URL? { resolved(pageFolder).map { URL(fileURLWithPath: $0, isDirectory: true) } }

    private func resolved(_ path: String?) -> String? {
        guard let path, !path.isEmpty else { return nil }
        if path.hasPrefix("/") { return path }
        let root = installationRoot ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        return root.appendingPathComponent(path).standardizedFileURL.path
    }
}

/// Why a pull stopped: the service answered with an error or with something that is not a page, or the
/// pull cannot start. Pages committed before it stay committed, and their key is kept.
public struct ChangeAPIPullError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
