/// What the loader needs to know about the connector a batch came from: its name (the provenance source),
/// whether it may create entities, and how far it is trusted for each field.
public struct ConnectorPolicy: Sendable {
    public var name: String
    /// Only the utility's own customer-system export may create parties in bulk; every other feed must
    /// find an existing record or have its record quarantined as `no matching record`.
    public var createsEntities: Bool
    /// Trust rank per field name; a field absent here gets `defaultTrust`.
    public var trust: [String: Int]
    public var defaultTrust: Int

    public init(name: String, createsEntities: Bool, trust: [String: Int], defaultTrust: Int = 0) {
        self.name = name
        self.createsEntities = createsEntities
        self.trust = trust
        self.defaultTrust = defaultTrust
    }

    public func trust(for field: String) -> Int {
        trust[field] ?? defaultTrust
    }
}
