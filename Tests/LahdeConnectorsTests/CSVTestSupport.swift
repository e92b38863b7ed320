import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import LahdePostgres
import LahdeStore
import Testing

/// Files, definitions and loads for the CSV connector tests.
enum CSVTest {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let connectors = ConnectorCatalog(folder: repository.appendingPathComponent("connectors"))

    /// A definition from `connectors/`, checked against the register's catalogue.
    static func shipped(_ name: String, catalogue: FieldCatalogue) throws -> ConnectorDefinition {
        try connectors.definition(named: name, catalogue: catalogue)
    }

    /// A definition decoded without the catalogue check, for reader tests that need no database.
    static func decoded(_ json: String) throws -> ConnectorDefinition {
        try JSONDecoder().decode(ConnectorDefinition.self, from: Data(json.utf8))
    }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func file(_ bytes: [UInt8], name: String = "feed.csv") throws -> String {
        let folder = try TemporaryFolder.make(prefix: "lahde-csv")
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func file(_ text: String, name: String = "feed.csv") throws -> String {
        try file(Array(text.utf8), name: name)
    }

    /// ISO-8859-1 bytes of `text` (every character must be in Latin-1).
    static func latin1(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { scalar in
            precondition(scalar.value < 0x100, "not Latin-1")
            return UInt8(scalar.value)
        }
    }

    /// Everything the connector yields for the file.
    static func items(_ definition: ConnectorDefinition, _ path: String) throws -> [FeedItem] {
        var items: [FeedItem] = []
        try FeedReader.read(try InputFile(path: path), format: definition.format) { items.append($0) }
        return items
    }

    /// Loads one file as `lahde import` does.
    @discardableResult
    static func load(_ path: String, _ definition: ConnectorDefinition, catalogue: FieldCatalogue, into db: PostgresConnection) throws -> BatchReport {
        let file = try InputFile(path: path)
        return try RegisterLoader(connection: db, policy: definition.policy(for: catalogue)).load(file.batchInput) { emit in
            try FeedReader.read(file, format: definition.format, emit: emit)
        }
    }

    /// A party's field as the register's typed tables hold it now (booleans `true`/`false`, dates
    /// `yyyy-mm-dd`), found by customer number; `nil` when there is no value.
    static func value(_ db: PostgresConnection, _ catalogue: FieldCatalogue, customer: String, _ name: String) throws -> String? {
        let field = try #require(catalogue.fields[name], "no field \(name)")
        var sql = """
            SELECT t.\(field.targetColumn)::text AS v FROM \(field.targetTable) t
            JOIN register.party_identifier i ON i.party_id = t.party_id
            WHERE i.scheme = 'customer_number' AND i.value = $1
            """
        if let kind = field.targetKind {
            sql += " AND t.kind = '\(kind)'"
        }
        return try db.query(sql, customer).first?["v"]
    }

    /// The source of a party's field in the provenance, found by customer number.
    static func source(_ db: PostgresConnection, customer: String, _ field: String) throws -> String? {
        try db.query(
            """
            SELECT v.source FROM lahde.provenance v JOIN register.party_identifier i ON i.party_id = v.entity_id
            WHERE v.entity_kind = 'party' AND i.scheme = 'customer_number' AND i.value = $1 AND v.field = $2
            """, customer, field
        ).first?["source"]
    }
}

extension FeedItem {
    var csvRecord: ObservedRecord? {
        if case .record(let record) = self { return record }
        return nil
    }

    var csvRejected: RejectedRecord? {
        if case .rejected(let rejected) = self { return rejected }
        return nil
    }
}

extension ObservedRecord {
    /// Field → value (`nil` = removal), for comparing a record's observations as a whole.
    var csvFieldValues: [String: String?] {
        Dictionary(observations.map { ($0.field, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
