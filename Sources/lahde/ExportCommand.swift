import ArgumentParser
import Foundation
import LahdeCore
import LahdeStore

/// `lahde export IDENTIFIER`: the right of access — everything held about a person, with the source of
/// every value — in a form a person can read or, with `--json`, another system can import.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export everything held about a person, with the source of every value (right of access, portability).",
        discussion: """
            Unlike `lahde provenance`, the export shows the person's identifiers in full: it is the person's own
            data, produced for them. Write it to a file and deliver it; do not paste it into tickets.

            Example:
              lahde export 100001 --json > access-request-2026-114.json
            """)

    @Argument(help: "Henkilötunnus, Y-tunnus or customer number.")
    var identifier: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let connection = try RegisterSession.open()
        let lookup = ProvenanceLookup(connection: connection)
        let entity = try RegisterSession.entity(identifier, in: lookup)
        let tags = try lookup.fields(of: entity, withHistory: true)
        let contracts = try lookup.contracts(of: entity, withHistory: true)
        var sources: [String: [String: String]] = [:]
        for tag in tags + contracts.flatMap(\.fields) {
            for change in [tag.current] + tag.history {
                sources[change.sha256 + change.source] = ["source": change.source, "file": change.file, "sha256": change.sha256]
            }
        }
        let sortedSources = sources.values.sorted { ($0["source"] ?? "", $0["file"] ?? "") < ($1["source"] ?? "", $1["file"] ?? "") }
        if output.json {
            OutputOptions.printJSON([
                "generated_at": Date().formatted(.iso8601),
                "entity": ["kind": entity.kind.rawValue, "id": entity.id],
                "identifiers": entity.identifiers.map { ["scheme": $0.scheme, "value": $0.value] },
                "fields": tags.map(Self.fieldJSON),
                "contracts": contracts.map { contract -> [String: Any] in
                    [
                        "id": contract.id, "contract_id": contract.contractID as Any,
                        "accounting_point": ["gsrn": contract.gsrn as Any], "type": contract.type as Any,
                        "starts_on": contract.startsOn as Any, "ends_on": contract.endsOn as Any, "cancelled": contract.cancelled,
                        "fields": contract.fields.map(Self.fieldJSON),
                    ]
                },
                "sources": sortedSources,
            ])
            return
        }
        print("Data held about \(entity.kind.rawValue) \(entity.id)")
        for identifier in entity.identifiers { print("  \(identifier.scheme): \(identifier.value)") }
        print("")
        for tag in tags { Self.printField(tag) }
        if !contracts.isEmpty {
            print("")
            print("Contracts:")
            for contract in contracts {
                let period = "\(contract.startsOn ?? "?")–\(contract.endsOn ?? "")" + (contract.cancelled ? " (cancelled)" : "")
                print("  \(contract.contractID ?? "contract \(contract.id)") at accounting point \(contract.gsrn ?? "(unknown)"), \(period)")
                for tag in contract.fields { Self.printField(tag, indent: "    ") }
            }
        }
        print("")
        print("Sources:")
        for source in sortedSources { print("  \(source["source"] ?? ""): \(source["file"] ?? "") (sha256 \(source["sha256"] ?? ""))") }
    }

    /// One field with its source and every earlier value, as `--json` shows it.
    static func fieldJSON(_ tag: ProvenanceLookup.FieldTag) -> [String: Any] {
        var object = tag.current.tagJSON
        object["field"] = tag.current.field
        object["history"] = tag.history.map { change -> [String: Any] in
            var earlier = change.tagJSON
            earlier["old_value"] = change.oldValue as Any
            return earlier
        }
        return object
    }

    static func printField(_ tag: ProvenanceLookup.FieldTag, indent: String = "  ") {
        let change = tag.current
        print("\(indent)\(change.field): \(change.value ?? "(removed)")")
        print("\(indent)  source: \(change.source) — \(change.file) \(change.locator), valid from \(change.validFrom)")
    }
}
