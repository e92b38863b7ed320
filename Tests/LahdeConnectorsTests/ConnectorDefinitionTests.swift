import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeStore
import Testing

@Suite("Connector definitions")
struct ConnectorDefinitionTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("every definition in connectors/ loads and checks against the field catalogue")
    func shippedDefinitionsLoad() throws {
        let db = try TestCluster.freshDatabase().connect()
        let catalogue = try FieldCatalogue.load(from: db)
        let catalog = ConnectorCatalog(folder: Self.repository.appendingPathComponent("connectors"))
        let names = try FileManager.default.contentsOfDirectory(atPath: catalog.folder.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        #expect(!names.isEmpty)
        for name in names {
            let definition = try catalog.definition(named: name, catalogue: catalogue)
            #expect(definition.name == name)
        }
    }

    @Test("a definition naming an unknown field is refused with the file and the key")
    func unknownTrustField() throws {
        let db = try TestCluster.freshDatabase().connect()
        let catalogue = try FieldCatalogue.load(from: db)
        let folder = try TemporaryFolder.make(prefix: "lahde-defs")
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"{"name": "bad", "format": {"type": "observations-jsonl"}, "creates_entities": false, "trust": {"default": 1, "fields": {"shoe_size": 5}}}"#
            .write(to: folder.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let error = #expect(throws: DefinitionError.self) {
            try ConnectorCatalog(folder: folder).definition(named: "bad", catalogue: catalogue)
        }
        #expect(error?.key == "trust.fields.shoe_size")
        #expect(error?.description.contains("bad.json") == true)
    }

    @Test("a missing required key is named")
    func missingKey() throws {
        let db = try TestCluster.freshDatabase().connect()
        let catalogue = try FieldCatalogue.load(from: db)
        let folder = try TemporaryFolder.make(prefix: "lahde-defs")
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"{"name": "half", "format": {"type": "observations-jsonl"}, "trust": {"default": 1}}"#
            .write(to: folder.appendingPathComponent("half.json"), atomically: true, encoding: .utf8)
        let error = #expect(throws: DefinitionError.self) {
            try ConnectorCatalog(folder: folder).definition(named: "half", catalogue: catalogue)
        }
        #expect(error?.key == "creates_entities")
    }

    @Test("the api section of a pulling connector: read with paths resolved against the installation; a misspelt key is named")
    func apiSection() throws {
        let db = try TestCluster.freshDatabase().connect()
        let catalogue = try FieldCatalogue.load(from: db)
        let root = try TemporaryFolder.make(prefix: "lahde-defs")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("connectors")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try #"{"name": "pull", "format": {"type": "vtj-api"}, "creates_entities": false, "trust": {"default": 80}, "api": {"base_url": "https://example.invalid/api/v1", "page_folder": "pages", "send_hetulista": false}}"#
            .write(to: folder.appendingPathComponent("pull.json"), atomically: true, encoding: .utf8)
        let api = try #require(try ConnectorCatalog(folder: folder).definition(named: "pull", catalogue: catalogue).api)
        #expect(api.baseURL == "https://example.invalid/api/v1")
        #expect(api.sendHenkilotunnusList == false)
        #expect(api.resolvedPageFolder?.path == root.appendingPathComponent("pages").standardizedFileURL.path)

        try #"{"name": "typo", "format": {"type": "vtj-api"}, "creates_entities": false, "trust": {"default": 80}, "api": {"base_url": "https://example.invalid", "client_cert": "c.pem"}}"#
            .write(to: folder.appendingPathComponent("typo.json"), atomically: true, encoding: .utf8)
        let error = #expect(throws: DefinitionError.self) {
            try ConnectorCatalog(folder: folder).definition(named: "typo", catalogue: catalogue)
        }
        #expect(error?.key == "api.client_cert")
    }
}
