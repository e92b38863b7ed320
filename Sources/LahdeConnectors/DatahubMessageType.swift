import Foundation

/// What kind of Datahub message an element is, read from its namespace.
///
/// The namespace, not the root element's name, is what identifies a message: F04, F06, F18 and F27 share
/// the root `MasterDataContractEventMessage` and differ only in namespace (reference §6). Prefixes are
/// never looked at.
struct DatahubMessageType: Sendable, Hashable {
    /// `F01`, `E58`, `ACK`, …: the code `hdr:DocumentType` must repeat.
    let code: String
    /// `masterdata`, `common`, … (the XSD folder's subfolder).
    let area: String
    /// `F01_MasterDataCustomerEvent`: the schema file's base name.
    let schemaName: String
    /// `urn:fi:Datahub:mif:<area>:<Code>_<Name>:v1`: the `rsm` namespace.
    let namespace: String

    static let namespacePrefix = "urn:fi:Datahub:mif:"

    /// The `elm` namespace of the transaction's elements.
    let elementsNamespace: String

    /// Where the message's root schema lies in the XSD folder (reference §13).
    var schemaPath: String { "\(area)/\(schemaName).xsd" }

    static let header = "urn:fi:Datahub:mif:common:HDR_Header:elements:v1"
    static let processContext = "urn:fi:Datahub:mif:common:PEC_ProcessEnergyContext:elements:v1"

    /// `nil` for anything that is not a Datahub message namespace.
    init?(namespace: String) {
        guard namespace.hasPrefix(Self.namespacePrefix), namespace.hasSuffix(":v1") else { return nil }
        let parts = namespace.dropFirst(Self.namespacePrefix.count).dropLast(3).split(separator: ":")
        guard parts.count == 2, let underscore = parts[1].firstIndex(of: "_") else { return nil }
        let code = parts[1][..<underscore]
        guard !code.isEmpty, code.count <= 3, code.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else { return nil }
        self.code = String(code)
        self.area = String(parts[0])
        self.schemaName = String(parts[1])
        self.namespace = namespace
        self.elementsNamespace = String(namespace.dropLast(3)) + ":elements:v1"
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var known: [String: DatahubMessageType?] = [:]

    /// `init(namespace:)` remembered: it splits and checks strings, and is asked for every message (and
    /// every element outside one) in a file. At most a few hundred namespaces are kept, so that a hostile
    /// file full of invented ones cannot grow the process.
    static func of(namespace: String) -> DatahubMessageType? {
        lock.lock()
        defer { lock.unlock() }
        if let type = known[namespace] { return type }
        let type = DatahubMessageType(namespace: namespace)
        if known.count < 256 { known[namespace] = type }
        return type
    }

    /// Is this element a whole message (the `rsm:…Message` root), as opposed to a header or transaction?
    static func isMessage(_ namespace: String, _ local: String) -> Bool {
        local.hasSuffix("Message") && DatahubMessageType.of(namespace: namespace) != nil
    }
}
