import Foundation

/// The `format` settings of a `datahub-xml` connector definition.
///
/// ```json
/// "format": { "type": "datahub-xml", "xsd_folder": "../shared/reference/datahub/xsd" }
/// ```
/// The XSDs are Fingrid's, versioned with Datahub and not Lähde's to ship, so their folder is a setting.
/// A relative `xsd_folder` is resolved against the folder that holds `connectors/` (the installation or
/// repository root), not the working directory, so that `lahde import` behaves the same from anywhere.
/// `"xsd_folder": null` turns validation off (the §12 checks still run); omitting it means the default.
public struct DatahubSettings: Sendable, Decodable, Equatable {
    public static let defaultXSDFolder = "../shared/reference/datahub/xsd"

    public var xsdFolder: String?
    /// The folder a relative `xsd_folder` is resolved against: set by whoever loads the definition (the
    /// parent of the connectors folder); the working directory when unset.
    public var installationRoot: URL?

    public init(xsdFolder: String? = DatahubSettings.defaultXSDFolder, installationRoot: URL? = nil) {
        self.xsdFolder = xsdFolder
        self.installationRoot = installationRoot
    }

    enum CodingKeys: String, CodingKey { case xsdFolder = "xsd_folder" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.xsdFolder) {
            xsdFolder = try container.decodeIfPresent(String.self, forKey: .xsdFolder)
        } else {
            xsdFolder = Self.defaultXSDFolder
        }
        installationRoot = nil
    }

    /// For the definition check: a set XSD folder must hold the schemas, or every import would fail late.
    public func check(definitionFile: String) throws(DefinitionError) {
        guard let folder = resolvedXSDFolder else { return }
        let probe = folder.appendingPathComponent("masterdata/F01_MasterDataCustomerEvent.xsd").path
        guard FileManager.default.fileExists(atPath: probe) else {
            throw DefinitionError(
                file: definitionFile, key: "format.xsd_folder",
                problem: "\(folder.path) holds no Datahub XSDs (no masterdata/F01_MasterDataCustomerEvent.xsd); set the folder or null to skip validation")
        }
    }

    /// The XSD folder as an absolute URL, or `nil` when validation is off.
    public var resolvedXSDFolder: URL? {
        resolvedXSDFolder(installationRoot: installationRoot ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
    }

    /// The XSD folder as an absolute URL, or `nil` when validation is off.
    public func resolvedXSDFolder(installationRoot: URL) -> URL? {
        guard let folder = xsdFolder, !folder.isEmpty else { return nil }
        if folder.hasPrefix("/") { return URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL }
        return installationRoot.appendingPathComponent(folder, isDirectory: true).standardizedFileURL
    }
}
