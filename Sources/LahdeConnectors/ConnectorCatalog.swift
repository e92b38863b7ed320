import Foundation
import LahdeStore

/// Finds and checks connector definitions.
///
/// The folder is `LAHDE_CONNECTORS`, else `connectors/` under the working directory.
public struct ConnectorCatalog: Sendable {
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ConnectorCatalog {
        if let folder = environment["LAHDE_CONNECTORS"], !folder.isEmpty {
            return ConnectorCatalog(folder: URL(fileURLWithPath: folder, isDirectory: true))
        }
        return ConnectorCatalog(folder: URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("connectors"))
    }

    /// The names of every definition in the folder (`NAME.json`), sorted.
    public func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The `replay` section of `NAME.json` read on its own, without checking the rest of the definition,
    /// so that `lahde replay` can tell which files a definition it cannot use would have read.
    public func replaySelection(named name: String) -> ReplaySelection? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name + ".json").path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let replay = object["replay"] as? [String: Any], let files = replay["files"] as? [String]
        else { return nil }
        return ReplaySelection(files: files)
    }

    /// Loads `NAME.json`, checking it against the field catalogue.
    public func definition(named name: String, catalogue: FieldCatalogue) throws -> ConnectorDefinition {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !name.isEmpty else {
            throw DefinitionError(file: name, key: "name", problem: "connector names are letters, digits, '-' and '_'")
        }
        let file = folder.appendingPathComponent(name + ".json")
        guard let data = FileManager.default.contents(atPath: file.path) else {
            let known = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?
                .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted() ?? []
            throw DefinitionError(
                file: file.path, key: nil,
                problem: "no such connector definition" + (known.isEmpty ? "" : "; known: \(known.joined(separator: ", "))"))
        }
        var definition: ConnectorDefinition
        do {
            definition = try JSONDecoder().decode(ConnectorDefinition.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw DefinitionError(file: file.path, key: (context.codingPath + [key]).definitionKeyPath, problem: "is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw DefinitionError(file: file.path, key: context.codingPath.definitionKeyPath, problem: context.debugDescription)
        } catch let DecodingError.valueNotFound(_, context) {
            throw DefinitionError(file: file.path, key: context.codingPath.definitionKeyPath, problem: "must not be null")
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            throw DefinitionError(file: file.path, key: nil, problem: "is not valid JSON: \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw DefinitionError(file: file.path, key: context.codingPath.definitionKeyPath, problem: context.debugDescription)
        } catch {
            throw DefinitionError(file: file.path, key: nil, problem: "\(error)")
        }
        guard definition.name == name else {
            throw DefinitionError(file: file.path, key: "name", problem: "is '\(definition.name)' but the file is named '\(name).json'")
        }
        guard ConnectorFormats.known.contains(definition.format.type) else {
            throw DefinitionError(file: file.path, key: "format.type", problem: "'\(definition.format.type)' is not a format lahde reads (known: \(ConnectorFormats.known.sorted().joined(separator: ", ")))")
        }
        for pattern in (definition.trust.fields ?? [:]).keys {
            let matches = pattern.hasSuffix("*")
                ? catalogue.fields.keys.contains { $0.hasPrefix(String(pattern.dropLast())) }
                : catalogue.fields[pattern] != nil
            if !matches {
                throw DefinitionError(file: file.path, key: "trust.fields.\(pattern)", problem: "names no field of the register")
            }
        }
        if let csv = definition.format.csv {
            try csv.check(against: catalogue, file: file.path)
        }
        // A relative XSD folder is relative to the installation: the folder holding connectors/.
        definition.format.datahub?.installationRoot = folder.deletingLastPathComponent()
        try definition.format.datahub?.check(definitionFile: file.path)
        definition.api?.installationRoot = folder.deletingLastPathComponent()
        return definition
    }
}

/// A connector definition that cannot be used, with the file and key at fault.
public struct DefinitionError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let key: String?
    public let problem: String

    public var description: String {
        "\(file)" + (key.map { ": \($0)" } ?? "") + ": \(problem)"
    }
}

enum ConnectorFormats {
    static let known: Set<String> = ["observations-jsonl", "csv", "vtj-legacy", "vtj-api", "vtj-xml", "datahub-xml"]
}
