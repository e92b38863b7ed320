import Foundation

/// The `replay` section of a connector definition: the file names this connector reads when
/// `lahde replay` walks a folder of feeds.
///
/// Feeds arrive under names their senders choose (`customers-2026-01-01.csv`, `LAHDE_20260301_001.MTT`),
/// so the definition — not the folder layout — says which names are its own; one file matched by two
/// connectors is an error, never a guess.
public struct ReplaySelection: Sendable, Decodable {
    /// Shell-style patterns (`*`, `?`, `[…]`) matched against the file name, not its folder.
    public var files: [String]

    public init(files: [String]) {
        self.files = files
    }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(["files"])
        files = try decoder.container(keyedBy: DefinitionKey.self).decode([String].self, forKey: DefinitionKey(stringValue: "files"))
    }

    /// Does `fileName` (without folders) match one of the patterns?
    public func matches(_ fileName: String) -> Bool {
        files.contains { fnmatch($0, fileName, 0) == 0 }
    }
}
