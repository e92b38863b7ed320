/// A feed safely in the archive: `archive/<connector>/<sha256>`, complete and synced.
public struct ArchivedFeed: Sendable, Equatable {
    public let path: String
    public let sha256: String
    public let byteCount: Int64
    /// The name the feed had at its source (for the ledger and provenance).
    public let originalName: String
    /// The same content was already in the archive before this fetch.
    public let wasAlreadyArchived: Bool
    /// Transfers it took (1 = no retry), and whether any of them continued a partial file.
    public let attempts: Int
    public let resumed: Bool
    /// The source said it had not changed since the last download: nothing was transferred.
    public let notModified: Bool
}
