import Foundation
import LahdeCore
import LahdeStore

/// Reads `observations-jsonl`: one JSON object per line, each a record of field observations.
///
/// It is the format of hand-made corrections (a data subject's rectification entered by the privacy
/// officer) and of test feeds; every other connector produces the same records from its own format.
///
/// ```json
/// {"entity": "party", "keys": {"customer_number": "100001", "henkilotunnus": "010594Y9032"},
///  "valid_from": "2026-03-01", "fields": {"last_name": "Virtanen", "email": null}}
/// ```
/// `keys` are tried in the order customer number, henkilötunnus, Y-tunnus, Datahub party, GSRN, and the
/// first names a new entity; a `null` field value removes the value; `valid_from` is a date (Finnish
/// midnight) or an ISO 8601 time with its offset, and defaults to the time of receipt.
public struct ObservationLinesConnector: Sendable {
    static let keyOrder: [MatchKey.Scheme] = [.customerNumber, .henkilotunnus, .yTunnus, .datahubParty, .gsrn]

    public init() {}

    public func read(_ file: InputFile, emit: (FeedItem) throws -> Void) throws {
        var validity = ValidityTimes()
        try file.forEachLine { bytes, number, range, overlong in
            let locator = "line \(number)"
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank lines are not records
            if overlong {
                try emit(.rejected(RejectedRecord(locator: locator, reason: "the line is longer than 1 MiB", raw: bytes)))
                return
            }
            switch Self.record(from: bytes, locator: locator, range: range, validity: &validity) {
            case .success(let record): try emit(.record(record))
            case .failure(let problem): try emit(.rejected(RejectedRecord(locator: locator, reason: problem.description, raw: bytes)))
            }
        }
    }

    /// The line's JSON object: read directly when it has the usual plain shape, by Foundation otherwise.
    static func object(from bytes: [UInt8]) -> [String: JSONLineValue]? {
        if let object = PlainJSONLineReader.read(bytes) { return object }
        guard case .object(let object)? = JSONLineValue.parsedByFoundation(bytes) else { return nil }
        return object
    }

    static func record(
        from bytes: [UInt8], locator: String, range: Range<Int64>, validity: inout ValidityTimes
    ) -> Result<ObservedRecord, ObservationProblem> {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return .failure(ObservationProblem("the line is not valid UTF-8"))
        }
        guard let object = object(from: bytes) else {
            return .failure(ObservationProblem("the line is not a JSON object"))
        }
        guard case .string(let entityText)? = object["entity"], let entity = EntityKind(rawValue: entityText) else {
            return .failure(ObservationProblem("'entity' must be \(EntityKind.allCases.map { "'\($0.rawValue)'" }.joined(separator: " or "))"))
        }
        guard case .object(let keyObject)? = object["keys"] else {
            return .failure(ObservationProblem("'keys' must be an object of identifiers"))
        }
        var keys: [MatchKey] = []
        for name in keyObject.keys where MatchKey.Scheme(rawValue: name) == nil {
            return .failure(ObservationProblem("unknown key scheme '\(name.prefix(40))'"))
        }
        for scheme in keyOrder {
            guard let raw = keyObject[scheme.rawValue] else { continue }
            guard case .string(let text) = raw else { return .failure(ObservationProblem("key '\(scheme.rawValue)' must be a string")) }
            do {
                keys.append(try MatchKey.parse(scheme: scheme, text))
            } catch {
                return .failure(ObservationProblem("key '\(scheme.rawValue)': \(error.description)"))
            }
        }
        var validFrom: Date?
        if let raw = object["valid_from"], raw != .null {
            guard case .string(let text) = raw, let date = validity.parse(text) else {
                return .failure(ObservationProblem("'valid_from' must be a date yyyy-mm-dd or an ISO 8601 time with offset"))
            }
            validFrom = date
        }
        guard case .object(let fields)? = object["fields"] else {
            return .failure(ObservationProblem("'fields' must be an object"))
        }
        var observations: [FieldObservation] = []
        observations.reserveCapacity(fields.count)
        for name in fields.keys.sorted() {
            switch fields[name]! {
            case .null: observations.append(FieldObservation(field: name, value: nil))
            case .string(let text): observations.append(FieldObservation(field: name, value: text))
            case .bool(let flag): observations.append(FieldObservation(field: name, value: flag ? "true" : "false"))
            // A number loses leading zeros (postal codes, customer numbers), so numbers are refused.
            case .object, .other: return .failure(ObservationProblem("field '\(name.prefix(64))' must be a string, a boolean or null"))
            }
        }
        return .success(ObservedRecord(entityKind: entity, keys: keys, validFrom: validFrom, locator: locator, rawRange: range, observations: observations))
    }
}
