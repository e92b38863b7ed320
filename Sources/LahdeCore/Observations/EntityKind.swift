/// What a record in a feed is about.
public enum EntityKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A person or an organisation (customer, contract party, estate).
    case party
    /// A Datahub accounting point, keyed by its GSRN.
    case accountingPoint = "accounting_point"
    /// A contract linking a party and an accounting point, keyed by Datahub's contract id.
    case contract
}
