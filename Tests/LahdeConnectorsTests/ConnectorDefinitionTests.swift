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

@Suite("Connector definitions: schedule and fetch")
struct FetchDefinitionTests {
    func load(_ extra: String) throws -> ConnectorDefinition {
        let db = try TestCluster.freshDatabase().connect()
        let catalogue = try FieldCatalogue.load(from: db)
        let folder = try TemporaryFolder.make(prefix: "lahde-defs")
        defer { try? FileManager.default.removeItem(at: folder) }
        try (#"{"name": "job", "format": {"type": "observations-jsonl"}, "creates_entities": false, "trust": {"default": 1}, "# + extra + "}")
            .write(to: folder.appendingPathComponent("job.json"), atomically: true, encoding: .utf8)
        return try ConnectorCatalog(folder: folder).definition(named: "job", catalogue: catalogue)
    }

    @Test("a schedule and an https fetch with a client certificate load")
    func loads() throws {
        let definition = try load(#""schedule": "15 2 * * *", "fetch": {"url": "https://feeds.example.fi/x.csv", "client_certificate": "tls/c.pem", "client_key": "tls/c.key", "key_passphrase_env": "X", "retries": 3}"#)
        #expect(definition.cronSchedule?.expression == "15 2 * * *")
        #expect(definition.fetch?.retries == 3)
        #expect(definition.fetch?.resolvedPath(definition.fetch?.clientCertificate)?.hasSuffix("/tls/c.pem") == true)
    }

    @Test("bad fetch sections and schedules are refused with the key at fault", arguments: [
        (#""schedule": "61 * * * *""#, "schedule"),
        (#""fetch": {"url": "ftp://x/y"}"#, "fetch.url"),
        (#""fetch": {"url": "http://feeds.example.fi/x"}"#, "fetch.url"),
        (#""fetch": {"url": "https://user:secret@feeds.example.fi/x"}"#, "fetch.url"),
        (#""fetch": {"url": "https://feeds.example.fi/x", "client_certificate": "c.pem"}"#, "fetch.client_key"),
        (#""fetch": {"url": "sftp://h/x", "private_key": "k"}"#, "fetch.known_hosts"),
        (#""fetch": {"url": "sftp://h/x", "known_hosts": "k"}"#, "fetch.private_key"),
        (#""fetch": {"url": "file:///srv/x", "ca_file": "ca.pem"}"#, "fetch.ca_file"),
        (#""fetch": {"url": "https://h/x", "password_file": "p"}"#, "fetch.username"),
        (#""fetch": {"url": "https://h/x", "retries": 0}"#, "fetch.retries"),
        (#""fetch": {"url": "https://h/x", "pasword_file": "p"}"#, "fetch.pasword_file"),
    ])
    func refused(extra: String, key: String) throws {
        do {
            _ = try load(extra)
            Issue.record("must be refused: \(extra)")
        } catch let error as DefinitionError {
            #expect(error.key == key, "\(error.description)")
        }
    }

    @Test("secrets come from a file (one trailing newline dropped) or the environment, never the definition")
    func secrets() throws {
        let folder = try TemporaryFolder.make(prefix: "lahde-secret")
        try "s3cret\n".write(to: folder.appendingPathComponent("password"), atomically: true, encoding: .utf8)
        let fromFile = try load(#""fetch": {"url": "https://h/x", "username": "u", "password_file": "\#(folder.path)/password"}"#)
        #expect(try fromFile.fetch?.password() == "s3cret")
        let fromEnvironment = try load(#""fetch": {"url": "https://h/x", "client_certificate": "c", "client_key": "k", "key_passphrase_env": "LAHDE_TEST_PASS"}"#)
        #expect(try fromEnvironment.fetch?.keyPassphrase(environment: ["LAHDE_TEST_PASS": "pp"]) == "pp")
        #expect(throws: FetchSecretError.self) { try fromEnvironment.fetch?.keyPassphrase(environment: [:]) }
    }
}
