import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeFormats
import LahdeStore
import Testing

/// A CSV definition that could mis-read a feed is refused when loaded, naming the file and the key.
@Suite("CSV connector definitions")
struct CSVDefinitionTests {
    static let base = """
        {"name": "vendor", "format": {"type": "csv", "delimiter": ";", "encoding": "iso-8859-1", "entity": "party",
          "keys": [{"scheme": "henkilotunnus", "column": "Hetu"}],
          "valid_from": {"column": "Pvm", "format": "dd.MM.yyyy"},
          "status": {"column": "Tila", "codes": {"01": "new-address", "04": "address-protected", "05": "not-found"}},
          "columns": {"Katuosoite": "address.permanent.street", "Kielto": {"field": "direct_marketing_ban", "boolean": {"true": ["K"], "false": ["E"]}}}},
         "creates_entities": false, "trust": {"default": 20}}
        """

    struct Case: Sendable, CustomTestStringConvertible {
        let replacing: String
        let with: String
        let key: String
        let problem: String
        var testDescription: String { "\(key): \(problem)" }
    }

    static let cases: [Case] = [
        Case(replacing: #""address.permanent.street""#, with: #""address.permanent.streeet""#, key: "format.columns.Katuosoite.field", problem: "names no field"),
        Case(replacing: #""scheme": "henkilotunnus""#, with: #""scheme": "hetu""#, key: "format.keys.0.scheme", problem: "'hetu' is not one of"),
        Case(replacing: #""scheme": "henkilotunnus""#, with: #""scheme": "gsrn""#, key: "format.keys.0.scheme", problem: "does not identify a party"),
        Case(replacing: #""iso-8859-1""#, with: #""utf-16""#, key: "format.encoding", problem: "not an encoding"),
        Case(replacing: #""delimiter": ";""#, with: #""delimter": ";""#, key: "format.delimter", problem: "not a known key"),
        Case(replacing: #""delimiter": ";""#, with: #""delimiter": ";;""#, key: "format.delimiter", problem: "one ASCII character"),
        Case(replacing: #""delimiter": ";""#, with: #""delimiter": ";", "quote": ";""#, key: "format.quote", problem: "differ from the delimiter"),
        Case(replacing: #""Katuosoite": "address.permanent.street""#, with: #""Katuosoite": "address.permanent.street", "KATUOSOITE ": "address.billing.street""#,
             key: "format.columns.Katuosoite", problem: "format.columns.KATUOSOITE  already uses"),
        Case(replacing: #""Katuosoite": "address.permanent.street""#, with: #""Katuosoite": "address.permanent.street", "Hetu": "last_name""#,
             key: "format.columns.Hetu", problem: "format.keys.0.column already uses"),
        Case(replacing: #""Katuosoite": "address.permanent.street""#, with: #""Katuosoite": "address.permanent.street", "Tila": "last_name""#,
             key: "format.columns.Tila", problem: "format.status.column already uses"),
        Case(replacing: #""Katuosoite": "address.permanent.street""#, with: #""Katuosoite": "address.permanent.street", "Osoite": "address.permanent.street""#,
             key: "format.columns.Osoite.field", problem: "already mapped from column 'Katuosoite'"),
        Case(replacing: #""Katuosoite": "address.permanent.street""#, with: #""Katuosoite": "address.permanent.street", "Verkko": "grid_area""#,
             key: "format.columns.Verkko.field", problem: "is a field of accounting_point"),
        Case(replacing: #""Katuosoite": "address.permanent.street""#, with: #""Katuosoite": "address.permanent.street", "Turva": "turvakielto""#,
             key: "format.columns.Turva.field", problem: "set by the status event 'address-protected'"),
        Case(replacing: #""Katuosoite": "address.permanent.street""#, with: #""Katuosoite": {"field": "address.permanent.street", "date": "dd.MM.yyyy"}"#,
             key: "format.columns.Katuosoite.date", problem: "not a date field"),
        Case(replacing: #""Katuosoite": "address.permanent.street""#, with: #""Katuosoite": {"field": "address.permanent.street", "trim": true}"#,
             key: "format.columns.Katuosoite.trim", problem: "not a known key"),
        Case(replacing: #""Katuosoite": "address.permanent.street""#, with: #""Katuosoite": {"field": "address.permanent.street", "reference": "gsrn"}"#,
             key: "format.columns.Katuosoite.reference", problem: "not a link to another entity"),
        Case(replacing: #""Katuosoite": "address.permanent.street""#, with: #""Katuosoite": {"field": "address.permanent.street", "reference": "hetu"}"#,
             key: "format.columns.Katuosoite.reference", problem: "'hetu' is not one of"),
        Case(replacing: #""entity": "party""#, with: #""entity": "contract""#, key: "format.keys.0.scheme", problem: "does not identify a contract"),
        Case(replacing: #""false": ["E"]"#, with: #""false": ["E", "k"]"#, key: "format.columns.Kielto.boolean", problem: "'k' is both"),
        Case(replacing: #""01": "new-address""#, with: #""01": "moved""#, key: "format.status.codes.01", problem: "'moved' is not one of"),
        Case(replacing: #""01": "new-address""#, with: #""01": "new-address", "02": "moved-abroad""#, key: "format.status.codes.02",
             problem: "needs columns mapped to address.abroad.*"),
        Case(replacing: #""dd.MM.yyyy""#, with: #""dd.mm.yy""#, key: "format.valid_from.format", problem: "only yyyy, MM, M, dd, d"),
        Case(replacing: #""dd.MM.yyyy""#, with: #""dMyyyy""#, key: "format.valid_from.format", problem: "followed by punctuation"),
        Case(replacing: #""entity": "party""#, with: #""entity": "party", "header": false"#, key: "format.keys.0.column", problem: "not a column position"),
        Case(replacing: #""entity": "party""#, with: #""entity": "person""#, key: "format.entity", problem: "'person' is not one of"),
        Case(replacing: #""keys": [{"scheme": "henkilotunnus", "column": "Hetu"}]"#, with: #""keys": []"#, key: "format.keys", problem: "names no key column"),
    ]

    func load(_ json: String) throws -> ConnectorDefinition {
        let db = try TestCluster.freshDatabase().connect()
        let catalogue = try FieldCatalogue.load(from: db)
        let folder = try TemporaryFolder.make(prefix: "lahde-defs")
        defer { try? FileManager.default.removeItem(at: folder) }
        try json.write(to: folder.appendingPathComponent("vendor.json"), atomically: true, encoding: .utf8)
        return try ConnectorCatalog(folder: folder).definition(named: "vendor", catalogue: catalogue)
    }

    @Test("the base definition of these cases loads")
    func baseLoads() throws {
        let definition = try load(Self.base)
        let csv = try #require(definition.format.csv)
        #expect(csv.encoding == .iso8859_1)
        #expect(csv.header)
        #expect(csv.quote == UInt8(ascii: "\""))
        #expect(csv.columns.count == 2)
    }

    @Test("refused with the key path and the problem", arguments: cases)
    func refused(_ mistake: Case) throws {
        #expect(Self.base.contains(mistake.replacing))
        let json = Self.base.replacingOccurrences(of: mistake.replacing, with: mistake.with)
        let error = #expect(throws: DefinitionError.self) { try load(json) }
        #expect(error?.key == mistake.key, "\(error?.description ?? "")")
        #expect(error?.problem.contains(mistake.problem) == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("vendor.json") == true)
    }

    @Test("a headerless file names columns by position; column_count bounds them")
    func headerlessPositions() throws {
        let headerless = Self.base
            .replacingOccurrences(of: #""entity": "party""#, with: #""entity": "party", "header": false, "column_count": 5"#)
            .replacingOccurrences(of: #""column": "Hetu""#, with: #""column": "1""#)
            .replacingOccurrences(of: #""column": "Pvm""#, with: #""column": "2""#)
            .replacingOccurrences(of: #""column": "Tila""#, with: #""column": "3""#)
            .replacingOccurrences(of: #""Katuosoite""#, with: #""4""#)
        let kielto = headerless.replacingOccurrences(of: #""Kielto""#, with: #""5""#)
        #expect(try load(kielto).format.csv?.columns.keys.sorted() == ["4", "5"])
        let beyond = headerless.replacingOccurrences(of: #""Kielto""#, with: #""6""#)
        let error = #expect(throws: DefinitionError.self) { try load(beyond) }
        #expect(error?.key == "format.columns.6")
        #expect(error?.problem.contains("beyond column_count 5") == true)
    }
}
