import Foundation

/// The `<sha256>.json` beside an archived feed `archive/<connector>/<sha256>`: what the feed was called
/// at its source and when it was fetched, so that `lahde replay` of the archive can order the feeds by
/// their own time and the ledger can show their own names rather than hashes.
public struct ArchiveSidecar: Sendable, Equatable {
    public var originalName: String
    public var url: String
    public var sha256: String
    public var byteCount: Int64
    public var fetchedAt: Date
    /// The connector that fetched it (older sidecars lack it: their folder names the connector).
    public var connector: String?
    /// The feed's own time when the pull knew it better than the name (`feed_time`): replay orders by it first.
    public var feedTime: Date?

    public init(
        originalName: String, url: String, sha256: String, byteCount: Int64, fetchedAt: Date, connector: String?, feedTime: Date? = nil
    ) {
        self.originalName = originalName
        self.url = url
        self.sha256 = sha256
        self.byteCount = byteCount
        self.fetchedAt = fetchedAt
        self.connector = connector
        self.feedTime = feedTime
    }

    /// Is `name` the name of an archived feed (64 lowercase hex digits)?
    public static func isArchiveName(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// The sidecar of the archived feed at `path`, or nil when there is none or it cannot be read.
    public static func read(besideFeed path: String) -> ArchiveSidecar? {
        guard let data = FileManager.default.contents(atPath: path + ".json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let originalName = object["original_name"] as? String, !originalName.isEmpty,
            let fetched = object["fetched_at"] as? String, let fetchedAt = Self.time(fetched)
        else { return nil }
        return ArchiveSidecar(
            originalName: originalName, url: object["url"] as? String ?? "", sha256: object["sha256"] as? String ?? "",
            byteCount: (object["byte_count"] as? NSNumber)?.int64Value ?? 0, fetchedAt: fetchedAt, connector: object["connector"] as? String,
            feedTime: (object["feed_time"] as? String).flatMap(Self.time))
    }

    /// Fetch times are written to the millisecond: messages pulled from one queue in the same second must
    /// still replay in the order they were taken in.
    static func preciseFormatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }

    /// A fetch time with or without fractional seconds (sidecars from before had whole seconds).
    static func time(_ text: String) -> Date? {
        preciseFormatter().date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    /// Writes the sidecar beside `archive/<connector>/<sha256>` (atomically: a rename of a complete file).
    public func write(in folder: URL) throws {
        var object: [String: Any] = [
            "original_name": originalName, "url": url, "sha256": sha256, "byte_count": byteCount,
            "fetched_at": Self.preciseFormatter().string(from: fetchedAt),
        ]
        if let connector { object["connector"] = connector }
        if let feedTime { object["feed_time"] = Self.preciseFormatter().string(from: feedTime) }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        try data.write(to: folder.appendingPathComponent(sha256 + ".json"), options: .atomic)
    }
}
