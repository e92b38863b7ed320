import ArgumentParser
import Foundation
import LahdeCore

/// `--json`, shared by every command: one JSON object per result on standard output, for other tools.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print machine-readable JSON instead of text.")
    var json = false

    /// Prints either the human line or the JSON object.
    func emit(human: String, json object: [String: Any]) {
        if json {
            Self.printJSON(object)
        } else {
            print(human)
        }
    }

    static func printJSON(_ object: Any) {
        let cleaned = Self.replacingNils(object)
        guard let data = try? JSONSerialization.data(withJSONObject: cleaned, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return
        }
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// `Optional<Any>.none` inside `[String: Any]` becomes JSON null.
    private static func replacingNils(_ value: Any) -> Any {
        if let dictionary = value as? [String: Any] {
            return dictionary.mapValues { replacingNils($0) }
        }
        if let array = value as? [Any] {
            return array.map { replacingNils($0) }
        }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return NSNull() }
            return replacingNils(wrapped)
        }
        return value
    }
}
