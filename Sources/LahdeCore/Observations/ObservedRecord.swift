import Foundation

/// One input record turned into observations of one entity.
public struct ObservedRecord: Sendable {
    public var entityKind: EntityKind
    /// Match keys in the order the connector tries them; the first one names a new entity.
    public var keys: [MatchKey]
    /// The feed's own time from which the values are valid; `nil` means "as of receipt".
    public var validFrom: Date?
    /// Where the record is: `line 12`, `message 7f3a…`, an XPath.
    public var locator: String
    /// Where its raw bytes lie in the input, so a record rejected during the merge can be quarantined
    /// byte for byte without the loader holding every record in memory.
    public var rawRange: Range<Int64>
    public var observations: [FieldObservation]

    public init(
        entityKind: EntityKind, keys: [MatchKey], validFrom: Date?, locator: String, rawRange: Range<Int64>,
        observations: [FieldObservation]
    ) {
        self.entityKind = entityKind
        self.keys = keys
        self.validFrom = validFrom
        self.locator = locator
        self.rawRange = rawRange
        self.observations = observations
    }
}

/// An input record that could not become observations, with everything needed to fix and re-drive it.
public struct RejectedRecord: Sendable {
    public var locator: String
    /// Why, phrased for an operator. Must not contain a henkilötunnus in full.
    public var reason: String
    public var raw: [UInt8]

    public init(locator: String, reason: String, raw: [UInt8]) {
        self.locator = locator
        self.reason = reason
        self.raw = raw
    }
}

/// What a connector yields for each input record.
public enum FeedItem: Sendable {
    case record(ObservedRecord)
    case rejected(RejectedRecord)
}
