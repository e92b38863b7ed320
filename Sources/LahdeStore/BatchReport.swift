/// What one batch did, in the form `lahde import --json` prints (a contract other tools rely on).
public struct BatchReport: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        case loaded
        case alreadyLoaded = "already-loaded"
        case failed
    }

    /// Record-level counts: `read = applied + unchanged + superseded + quarantined + suppressed`.
    public struct Counts: Sendable, Codable, Equatable {
        public var read = 0
        public var applied = 0
        public var unchanged = 0
        public var superseded = 0
        public var quarantined = 0
        public var suppressed = 0

        public init() {}

        public var addsUp: Bool { read == applied + unchanged + superseded + quarantined + suppressed }
    }

    /// Field-level counts: how many observations changed a value, confirmed one, lost or were protected against.
    public struct FieldCounts: Sendable, Codable, Equatable {
        public var observed = 0
        public var applied = 0
        public var confirmed = 0
        public var unchanged = 0
        public var superseded = 0
        public var protected = 0

        public init() {}
    }

    public var file: String
    public var sha256: String
    public var batch: Int?
    public var status: Status
    public var counts: Counts
    public var fields: FieldCounts
    public var error: String?

    public init(file: String, sha256: String, batch: Int?, status: Status, counts: Counts, fields: FieldCounts = FieldCounts(), error: String? = nil) {
        self.file = file
        self.sha256 = sha256
        self.batch = batch
        self.status = status
        self.counts = counts
        self.fields = fields
        self.error = error
    }
}
