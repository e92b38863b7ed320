import Foundation
import LahdeCore
import LahdePostgres
import LahdeStore

/// An in-memory feed for loader tests: records written as text lines, so that every record has real raw
/// bytes and a byte range, and the feed has a content hash like a file.
public struct TestFeed: Sendable {
    public var name: String
    private var lines: [String] = []
    private var items: [Item] = []

    private enum Item: Sendable {
        case record(EntityKind, [MatchKey], Date?, [FieldObservation])
        case rejected(String)
    }

    public init(name: String) {
        self.name = name
    }

    /// Adds a record of a party found by `keys` (scheme, value) with `fields` (nil value = removal).
    public mutating func party(_ keys: [(MatchKey.Scheme, String)], validFrom: String? = nil, _ fields: KeyValuePairs<String, String?>) {
        record(.party, keys, validFrom: validFrom, fields)
    }

    public mutating func record(_ kind: EntityKind, _ keys: [(MatchKey.Scheme, String)], validFrom: String? = nil, _ fields: KeyValuePairs<String, String?>) {
        let matchKeys = keys.map { MatchKey(scheme: $0.0, value: $0.1) }
        let observations = fields.map { FieldObservation(field: $0.key, value: $0.value) }
        let date = validFrom.map { text -> Date in
            guard let date = try? Date(text.count == 10 ? text + "T00:00:00Z" : text, strategy: .iso8601) else {
                preconditionFailure("bad test date \(text)")
            }
            return date
        }
        lines.append("\(kind.rawValue) \(keys.map { "\($0.0.rawValue)=\($0.1)" }.joined(separator: ",")) \(validFrom ?? "-") " + fields.map { "\($0.key)=\($0.value ?? "∅")" }.joined(separator: ";"))
        items.append(.record(kind, matchKeys, date, observations))
    }

    /// Adds a record the connector could not parse.
    public mutating func rejected(_ rawLine: String, reason: String) {
        lines.append(rawLine)
        items.append(.rejected(reason))
    }

    public var content: [UInt8] { Array(lines.map { $0 + "\n" }.joined().utf8) }

    public var batchInput: BatchInput {
        let bytes = content
        return BatchInput(fileName: name, sha256: SHA256.hex(of: bytes), byteCount: Int64(bytes.count)) { range in
            Array(bytes[Int(range.lowerBound)..<Int(range.upperBound)])
        }
    }

    /// Hands every record to the loader, as a connector would.
    public func produce(_ emit: (FeedItem) throws -> Void) throws {
        var offset: Int64 = 0
        for (number, (line, item)) in zip(lines, items).enumerated() {
            let length = Int64(line.utf8.count + 1)
            let range = offset..<(offset + length)
            offset += length
            switch item {
            case .record(let kind, let keys, let date, let observations):
                try emit(.record(ObservedRecord(entityKind: kind, keys: keys, validFrom: date, locator: "line \(number + 1)", rawRange: range, observations: observations)))
            case .rejected(let reason):
                try emit(.rejected(RejectedRecord(locator: "line \(number + 1)", reason: reason, raw: Array((line + "\n").utf8))))
            }
        }
    }

    /// Loads this feed with `policy` into the database behind `connection`.
    @discardableResult
    public func load(into connection: PostgresConnection, as policy: ConnectorPolicy, force: Bool = false) throws -> BatchReport {
        try RegisterLoader(connection: connection, policy: policy).load(batchInput, force: force) { emit in try produce(emit) }
    }
}
