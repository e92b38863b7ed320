// libFuzzer target: connector definition JSON (LahdeConnectors): decoding, then the checks a definition
// passes when loaded (CSV columns and keys against a field catalogue, Datahub settings).
import Foundation
@testable import LahdeConnectors
import LahdeCore
@testable import LahdeStore

private let catalogue = FieldCatalogue(fields: [
    "last_name": .init(name: "last_name", entityKind: .party, valueType: .text, targetTable: "register.party", targetColumn: "last_name", targetKind: nil, requiredDefault: nil),
    "birth_date": .init(name: "birth_date", entityKind: .party, valueType: .date, targetTable: "register.party", targetColumn: "birth_date", targetKind: nil, requiredDefault: nil),
    "direct_marketing_permission": .init(name: "direct_marketing_permission", entityKind: .party, valueType: .boolean, targetTable: "register.marketing", targetColumn: "direct_marketing_permission", targetKind: nil, requiredDefault: nil),
    "address.permanent.street": .init(name: "address.permanent.street", entityKind: .party, valueType: .text, targetTable: "register.address", targetColumn: "street", targetKind: "permanent", requiredDefault: nil),
    "turvakielto": .init(name: "turvakielto", entityKind: .party, valueType: .boolean, targetTable: "register.protection", targetColumn: "active", targetKind: "turvakielto", requiredDefault: "false"),
    "grid_area": .init(name: "grid_area", entityKind: .accountingPoint, valueType: .text, targetTable: "register.accounting_point", targetColumn: "grid_area", targetKind: nil, requiredDefault: nil),
])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConnectorDefinition(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    do {
        var definition = try JSONDecoder().decode(ConnectorDefinition.self, from: bytes)
        try definition.format.csv?.check(against: catalogue, file: "fuzz.json")
        definition.format.datahub?.installationRoot = URL(fileURLWithPath: "/nonexistent-lahde-fuzz")
        try definition.format.datahub?.check(definitionFile: "fuzz.json")
        _ = definition.policy(for: catalogue)
    } catch {
        _ = "\(error)"
    }
    return 0
}
