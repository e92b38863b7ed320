import LahdeStore

extension ProvenanceLookup.Change {
    /// The provenance tag as `lahde provenance --json` and `lahde export --json` print it: the value and
    /// where it came from. Callers add what their output needs beside it (field name, old value, history).
    var tagJSON: [String: Any] {
        [
            "value": value as Any, "source": source, "file": file, "sha256": sha256, "locator": locator,
            "valid_from": validFrom, "received_at": receivedAt, "rule": rule,
        ]
    }
}
