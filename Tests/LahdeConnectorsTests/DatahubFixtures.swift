import Foundation
import LahdeConnectors
import LahdeCore
import LahdeStore

/// Where the Datahub tests find their inputs: the reference XSDs and examples beside the repository
/// (`../shared/reference/datahub`, never copied in), Lähde's own samples, and temporary files.
enum DatahubFixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let reference = repository.deletingLastPathComponent().appendingPathComponent("shared/reference/datahub")
    static let xsd = reference.appendingPathComponent("xsd")
    static let examples = reference.appendingPathComponent("examples")
    static let samples = repository.appendingPathComponent("samples/datahub")

    /// One connector for all tests, so the schemas compile once.
    static let validating = DatahubConnector(xsdFolder: xsd)
    static let lenient = DatahubConnector(xsdFolder: nil)

    static func example(_ name: String) throws -> String {
        try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8)
    }

    /// Writes `text` to a fresh temporary file.
    static func file(_ text: String, name: String = "message.xml") throws -> URL {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("lahde-datahub-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    struct Outcome {
        var records: [ObservedRecord] = []
        var rejected: [RejectedRecord] = []
        var summary = DatahubReadSummary()
        var file: InputFile

        func value(_ field: String) -> String? {
            records.first?.observations.first { $0.field == field }?.value
        }
    }

    static func read(_ url: URL, with connector: DatahubConnector = validating) throws -> Outcome {
        let input = try InputFile(path: url.path)
        var outcome = Outcome(file: input)
        outcome.summary = try connector.read(input) { item in
            switch item {
            case .record(let record): outcome.records.append(record)
            case .rejected(let rejected): outcome.rejected.append(rejected)
            }
        }
        return outcome
    }

    static func read(text: String, with connector: DatahubConnector = validating) throws -> Outcome {
        try read(try file(text), with: connector)
    }
}

extension DatahubFixtures {
    static func utc(_ text: String) -> Date {
        try! Date(text, strategy: .iso8601)
    }

    /// A connector's policy from its definition in connectors/.
    static func policy(_ name: String, _ catalogue: FieldCatalogue) throws -> ConnectorPolicy {
        try JSONDecoder().decode(ConnectorDefinition.self, from: Data(contentsOf: repository.appendingPathComponent("connectors/\(name).json")))
            .policy(for: catalogue)
    }
}
