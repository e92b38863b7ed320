import Foundation
import LahdePostgres

/// Applies ``RetentionRules`` (`lahde purge`).
///
/// Under the merge lock and in one transaction: marketing permissions past their retention lose their
/// value, their provenance tag and the values in their history (marketing bans are never purged: an
/// objection must be honoured for as long as the register holds the person); quarantined records past
/// theirs are deleted; an audit row in `lahde.purge` records the rules and the counts. A dry run does
/// exactly the same and rolls back, so its counts are the real ones. Archived files past their period
/// are deleted after the commit (a file system cannot join the transaction); the audit row counts them.
public struct RetentionPurge {
    public struct Report: Sendable, Equatable {
        public var purgeID: Int?
        public var marketingPermissions = 0
        public var quarantinedRecords = 0
        public var archivedFiles: [String] = []
    }

    private let connection: PostgresConnection
    private let rules: RetentionRules

    public init(connection: PostgresConnection, rules: RetentionRules) {
        self.connection = connection
        self.rules = rules
    }

    public func run(dryRun: Bool) throws -> Report {
        try MergeLock.acquire(connection, mode: .wait)
        defer { MergeLock.release(connection) }
        var report = Report()
        report.archivedFiles = try expiredArchiveFiles()
        do {
            try connection.transaction {
                if let rule = rules.marketingPermission { report.marketingPermissions = try purgeMarketingPermissions(days: rule.daysAfterLastUse) }
                if let rule = rules.quarantine {
                    report.quarantinedRecords = try connection.query(
                        "DELETE FROM lahde.quarantine WHERE created_at < now() - make_interval(days => $1::int)", rule.days
                    ).affectedRows
                }
                report.purgeID = try connection.query(
                    """
                    INSERT INTO lahde.purge (rules, removed) VALUES ($1::jsonb, jsonb_build_object(
                        'marketing_permissions', $2::int, 'quarantined_records', $3::int, 'archived_files', $4::int))
                    RETURNING purge_id
                    """, rules.auditJSON, report.marketingPermissions, report.quarantinedRecords, report.archivedFiles.count
                ).first?.int("purge_id")
                if dryRun { throw DryRunRollback() }
            }
        } catch is DryRunRollback {
            report.purgeID = nil
            return report
        }
        for file in report.archivedFiles { try FileManager.default.removeItem(atPath: file) }
        return report
    }

    /// Parties with a marketing permission, no active contract, and no use within `days`.
    private func purgeMarketingPermissions(days: Int) throws -> Int {
        try connection.query(
            """
            CREATE TEMPORARY TABLE purge_permission ON COMMIT DROP AS
            SELECT m.party_id
            FROM register.marketing m
            LEFT JOIN lahde.provenance p
              ON p.entity_kind = 'party' AND p.entity_id = m.party_id AND p.field = 'direct_marketing_permission'
            WHERE m.direct_marketing_permission IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM register.contract c
                              WHERE c.party_id = m.party_id AND NOT c.cancelled AND (c.ends_on IS NULL OR c.ends_on >= current_date))
              AND greatest(p.received_at,
                           (SELECT max(c.ends_on)::timestamptz FROM register.contract c WHERE c.party_id = m.party_id))
                  < now() - make_interval(days => $1::int)
            """, days)
        let count = try connection.query(
            "UPDATE register.marketing SET direct_marketing_permission = NULL WHERE party_id IN (SELECT party_id FROM purge_permission)"
        ).affectedRows
        try connection.query(
            """
            UPDATE lahde.field_tag SET tags = tags - 'direct_marketing_permission'
            WHERE entity_kind = 'party' AND entity_id IN (SELECT party_id FROM purge_permission) AND tags ? 'direct_marketing_permission'
            """)
        try connection.query(
            """
            UPDATE lahde.provenance_change c SET
                old_values = (SELECT array_agg(CASE WHEN u.field = 'direct_marketing_permission' THEN NULL ELSE u.value END ORDER BY u.n)
                              FROM unnest(c.fields, c.old_values) WITH ORDINALITY AS u(field, value, n)),
                new_values = (SELECT array_agg(CASE WHEN u.field = 'direct_marketing_permission' THEN NULL ELSE u.value END ORDER BY u.n)
                              FROM unnest(c.fields, c.new_values) WITH ORDINALITY AS u(field, value, n)),
                losing = c.losing - 'direct_marketing_permission'
            WHERE c.entity_kind = 'party' AND c.entity_id IN (SELECT party_id FROM purge_permission)
              AND 'direct_marketing_permission' = ANY (c.fields)
            """)
        return count
    }

    /// Regular files under the archive folder last modified more than the rule's days ago.
    private func expiredArchiveFiles() throws -> [String] {
        guard let rule = rules.archive, FileManager.default.fileExists(atPath: rule.folder) else { return [] }
        let cutoff = Date().addingTimeInterval(-Double(rule.days) * 86_400)
        var expired: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: rule.folder)
        while let relative = enumerator?.nextObject() as? String {
            guard enumerator?.fileAttributes?[.type] as? FileAttributeType == .typeRegular,
                let modified = enumerator?.fileAttributes?[.modificationDate] as? Date, modified < cutoff
            else { continue }
            expired.append((rule.folder as NSString).appendingPathComponent(relative))
        }
        return Self.keepingSidecarsWithTheirFeeds(expired).sorted()
    }

    /// An archived feed (`<sha256>`) and its `<sha256>.json` sidecar go together: a feed's sidecar goes
    /// with it, and a sidecar whose feed stays, stays — `lahde replay` refuses a feed without its sidecar.
    static func keepingSidecarsWithTheirFeeds(_ expired: [String]) -> [String] {
        func isHash(_ name: String) -> Bool {
            name.utf8.count == 64 && name.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
        }
        let set = Set(expired)
        var result: [String] = []
        for path in expired {
            let name = (path as NSString).lastPathComponent
            if name.hasSuffix(".json"), isHash(String(name.dropLast(5))) {
                let feed = String(path.dropLast(5))
                if FileManager.default.fileExists(atPath: feed) && !set.contains(feed) { continue }
            }
            result.append(path)
            if isHash(name), !set.contains(path + ".json"), FileManager.default.fileExists(atPath: path + ".json") {
                result.append(path + ".json")
            }
        }
        return result
    }
}

private struct DryRunRollback: Error {}
