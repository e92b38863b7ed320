import Foundation
import LahdeStore

/// A connector as declared in `connectors/NAME.json`: which format it reads, what its records may do to
/// the register and how far it is trusted, field by field.
///
/// Definitions are data, not code, so that a utility can add a vendor's feed or re-rank a source without
/// a new build; they are checked when loaded and every problem names the file and the key.
public struct ConnectorDefinition: Sendable, Decodable {
    public struct Format: Sendable, Decodable {
        /// `observations-jsonl`; the CSV, VTJ and Datahub formats arrive with their connectors.
        public var type: String
    }

    public struct Trust: Sendable, Decodable {
        /// Rank for fields not named in `fields`.
        public var `default`: Int
        /// Rank per field name; a name ending in `*` covers every field with that prefix (`address.*`).
        public var fields: [String: Int]?
    }

    public var name: String
    public var description: String?
    /// The provenance source shown to a data subject, e.g. "Customer system export".
    public var source: String?
    public var format: Format
    /// May records that match nothing create new parties and accounting points?
    public var createsEntities: Bool
    /// Records that match nothing (and may not create): `quarantine` (default) or `ignore`.
    public var unmatched: UnmatchedRecords?
    public var trust: Trust
    /// Cron expression for `lahde run` (scheduled jobs arrive with the operations work).
    public var schedule: String?

    enum CodingKeys: String, CodingKey {
        case name, description, source, format, trust, schedule, unmatched
        case createsEntities = "creates_entities"
    }

    /// The loader's view: trust ranks resolved for every field of the catalogue.
    public func policy(for catalogue: FieldCatalogue) -> ConnectorPolicy {
        var ranks: [String: Int] = [:]
        let patterns = (trust.fields ?? [:]).sorted { $0.key.count > $1.key.count }  // longest, most specific first
        for field in catalogue.fields.keys {
            if let exact = trust.fields?[field] {
                ranks[field] = exact
            } else if let match = patterns.first(where: { $0.key.hasSuffix("*") && field.hasPrefix(String($0.key.dropLast())) }) {
                ranks[field] = match.value
            }
        }
        return ConnectorPolicy(
            name: name, createsEntities: createsEntities, trust: ranks, defaultTrust: trust.default, unmatched: unmatched ?? .quarantine)
    }
}
