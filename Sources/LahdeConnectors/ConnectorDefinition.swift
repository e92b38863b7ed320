import Foundation
import LahdeStore

/// A connector as declared in `connectors/NAME.json`: which format it reads, what its records may do to
/// the register and how far it is trusted, field by field.
///
/// Definitions are data, not code, so that a utility can add a vendor's feed or re-rank a source without
/// a new build; they are checked when loaded and every problem names the file and the key.
public struct ConnectorDefinition: Sendable, Decodable {
    public struct Format: Sendable, Decodable {
        /// `observations-jsonl`, `csv`, `vtj-legacy`, `vtj-api`, `vtj-xml` or `datahub-xml`.
        public var type: String
        /// The layout and column mapping of a `csv` format (its other keys sit beside `type`).
        public var csv: CSVFormat?
        /// The settings of a `datahub-xml` format (the XSD folder), beside `type`.
        public var datahub: DatahubSettings?

        public init(type: String, csv: CSVFormat? = nil, datahub: DatahubSettings? = nil) {
            self.type = type
            self.csv = csv
            self.datahub = datahub
        }

        enum CodingKeys: String, CodingKey { case type }

        public init(from decoder: any Decoder) throws {
            type = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .type)
            csv = type == "csv" ? try CSVFormat(from: decoder) : nil
            datahub = type == "datahub-xml" ? try DatahubSettings(from: decoder) : nil
        }
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
    /// Where a pulling connector (`lahde pull`) fetches from: the `api` section.
    public var api: ChangeAPISettings?
    /// Cron expression for `lahde run` (scheduled jobs arrive with the operations work).
    public var schedule: String?
    /// Which files of a folder `lahde replay` reads with this connector.
    public var replay: ReplaySelection?

    enum CodingKeys: String, CodingKey {
        case name, description, source, format, trust, schedule, unmatched, replay, api
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
