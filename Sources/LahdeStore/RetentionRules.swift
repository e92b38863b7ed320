import Foundation

/// How long Lähde keeps what it no longer needs, as the privacy statements promise (`lahde purge`).
///
/// Read from `LAHDE_RETENTION` (a file), else `retention.json` in `LAHDE_HOME`:
/// ```json
/// {
///   "marketing_permission": { "days_after_last_use": 365 },
///   "quarantine": { "days": 90 },
///   "archive": { "folder": "archive", "days": 730 }
/// }
/// ```
/// Every rule is optional; a rule that is absent removes nothing.
public struct RetentionRules: Sendable, Decodable, Equatable {
    public struct MarketingPermission: Sendable, Decodable, Equatable {
        /// Days after the party's last use — the end of its last contract or the last feed that
        /// observed the permission, whichever is later — with no active contract.
        public var daysAfterLastUse: Int
        enum CodingKeys: String, CodingKey { case daysAfterLastUse = "days_after_last_use" }
        public init(daysAfterLastUse: Int) { self.daysAfterLastUse = daysAfterLastUse }
    }

    public struct Quarantine: Sendable, Decodable, Equatable {
        /// Days after a record was quarantined.
        public var days: Int
        public init(days: Int) { self.days = days }
    }

    public struct Archive: Sendable, Decodable, Equatable {
        /// The archive of fetched feeds; relative to the rules file's folder.
        public var folder: String
        /// Days after a file was last modified (saved into the archive).
        public var days: Int
        public init(folder: String, days: Int) {
            self.folder = folder
            self.days = days
        }
    }

    public var marketingPermission: MarketingPermission?
    public var quarantine: Quarantine?
    public var archive: Archive?

    enum CodingKeys: String, CodingKey {
        case marketingPermission = "marketing_permission"
        case quarantine, archive
    }

    public init(marketingPermission: MarketingPermission? = nil, quarantine: Quarantine? = nil, archive: Archive? = nil) {
        self.marketingPermission = marketingPermission
        self.quarantine = quarantine
        self.archive = archive
    }

    /// The rules file: `LAHDE_RETENTION`, else `retention.json` in `home`.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment, home: URL) -> String {
        if let path = environment["LAHDE_RETENTION"], !path.isEmpty { return path }
        return home.appendingPathComponent("retention.json").path
    }

    /// Loads the rules; an archive folder is resolved against the file's folder.
    public static func load(path: String) throws -> RetentionRules {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RetentionError("no retention rules: \(path) does not exist (set LAHDE_RETENTION or write retention.json in LAHDE_HOME)")
        }
        var rules: RetentionRules
        do {
            rules = try JSONDecoder().decode(RetentionRules.self, from: data)
        } catch {
            throw RetentionError("\(path): \(error)")
        }
        for days in [rules.marketingPermission?.daysAfterLastUse, rules.quarantine?.days, rules.archive?.days].compactMap({ $0 }) where days < 0 {
            throw RetentionError("\(path): a retention period cannot be negative")
        }
        if var archive = rules.archive, !archive.folder.hasPrefix("/") {
            archive.folder = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(archive.folder).path
            rules.archive = archive
        }
        return rules
    }

    /// The rules as the audit row keeps them.
    var auditJSON: String {
        var parts: [String] = []
        if let rule = marketingPermission { parts.append("\"marketing_permission\": {\"days_after_last_use\": \(rule.daysAfterLastUse)}") }
        if let rule = quarantine { parts.append("\"quarantine\": {\"days\": \(rule.days)}") }
        if let rule = archive { parts.append("\"archive\": {\"days\": \(rule.days)}") }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

public struct RetentionError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
