/// What the loader needs to know about the connector a batch came from: its name (the provenance source),
/// whether it may create entities, and how far it is trusted for each field.
public struct ConnectorPolicy: Sendable {
    public var name: String
    /// Only the utility's own customer-system export may create parties in bulk; every other feed must
    /// find an existing record or have its record quarantined as `no matching record`.
    public var createsEntities: Bool
    /// What happens to a record that finds no entity (and may not create one).
    public var unmatched: UnmatchedRecords
    /// Trust rank per field name; a field absent here gets `defaultTrust`.
    public var trust: [String: Int]
    public var defaultTrust: Int

    public init(name: String, createsEntities: Bool, trust: [String: Int], defaultTrust: Int = 0, unmatched: UnmatchedRecords = .quarantine) {
        self.name = name
        self.createsEntities = createsEntities
        self.unmatched = unmatched
        self.trust = trust
        self.defaultTrust = defaultTrust
    }

    public func trust(for field: String) -> Int {
        trust[field] ?? defaultTrust
    }
}

/// A feed's records for people the utility does not have: an address service may send its whole
/// customer file, in which unknown people are expected and quarantining each would bury real problems.
public enum UnmatchedRecords: String, Sendable, Codable, CaseIterable {
    /// Quarantined as `no matching record` (the default: every record is accounted for visibly).
    case quarantine
    /// Counted as unchanged and otherwise left alone.
    case ignore
}
