import ArgumentParser
import Foundation
import LahdeCore
import LahdeStore

/// `lahde provenance IDENTIFIER`: where each value held about a person, company or accounting point came from.
struct ProvenanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provenance",
        abstract: "Show where every field value of a person, company or accounting point came from.",
        discussion: """
            IDENTIFIER is a henkilötunnus, Y-tunnus, customer number or GSRN. For each field: the current value,
            the source, the file and its SHA-256, the place in the file, the validity time, the time received and
            the rule that decided. Exit status 1 when nothing is known by that identifier.

            Examples:
              lahde provenance 100001
              lahde provenance 010594Y9032 --field address.permanent.street --history
            """)

    @Argument(help: "Henkilötunnus, Y-tunnus, customer number or GSRN.")
    var identifier: String

    @Option(name: .long, help: "Only this field (e.g. address.permanent.street).")
    var field: String?

    @Flag(name: .long, help: "Also list every earlier value of each field.")
    var history = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        let connection = try RegisterSession.open()
        let lookup = ProvenanceLookup(connection: connection)
        let entity = try RegisterSession.entity(identifier, in: lookup)
        let tags = try lookup.fields(of: entity, field: field, withHistory: history)
        let identifiers = entity.identifiers.map { ["scheme": $0.scheme, "value": Redaction.maskingHenkilotunnus(in: $0.value)] }
        if output.json {
            OutputOptions.printJSON([
                "entity": ["kind": entity.kind.rawValue, "id": entity.id, "identifiers": identifiers],
                "fields": tags.map { tag -> [String: Any] in
                    var object = Self.json(tag.current)
                    if history { object["history"] = tag.history.map(Self.json) }
                    return object
                },
            ])
            return
        }
        print("\(entity.kind.rawValue) \(entity.id): " + identifiers.map { "\($0["scheme"]!) \($0["value"]!)" }.joined(separator: ", "))
        if tags.isEmpty { print("  (no field values)") }
        for tag in tags {
            let change = tag.current
            print("  \(change.field) = \(Self.masked(change.value).map { "\"\($0)\"" } ?? "(removed)")")
            print("      from \(change.source), \(change.file) \(change.locator) (sha256 \(change.sha256.prefix(12))…)")
            print("      valid from \(change.validFrom), received \(change.receivedAt), rule \(change.rule)")
            for earlier in tag.history {
                print("      · \(earlier.receivedAt): \(Self.masked(earlier.oldValue).map { "\"\($0)\"" } ?? "∅") → \(Self.masked(earlier.value).map { "\"\($0)\"" } ?? "∅") by \(earlier.source) [\(earlier.rule)] \(earlier.file) \(earlier.locator)")
            }
        }
    }

    /// A henkilötunnus correction is provenance too (field `henkilotunnus`, old and new code), and a losing
    /// candidate can quote one: values are masked here as identifiers are. `lahde export` shows them in full.
    private static func masked(_ value: String?) -> String? {
        value.map(Redaction.maskingHenkilotunnus(in:))
    }

    private static func json(_ change: ProvenanceLookup.Change) -> [String: Any] {
        var object = change.tagJSON
        object["value"] = masked(change.value) as Any
        object["field"] = change.field
        if let old = masked(change.oldValue) { object["old_value"] = old }
        if let losing = masked(change.losing), let data = losing.data(using: .utf8), let parsed = try? JSONSerialization.jsonObject(with: data) {
            object["losing"] = parsed
        }
        return object
    }
}
