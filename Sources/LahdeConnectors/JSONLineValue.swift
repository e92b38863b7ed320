import Foundation

/// A value of an observation line, as far as the line's meaning depends on it.
///
/// Observation lines use a small part of JSON: objects, strings, `true`, `false` and `null`. Numbers and
/// arrays are never valid in them, so they are kept only as `.other`, enough to say what is wrong.
enum JSONLineValue: Equatable {
    case string(String)
    case bool(Bool)
    case null
    case object([String: JSONLineValue])
    /// A number or an array: a JSON value an observation line has no place for.
    case other

    /// The line read by Foundation's full JSON parser: any JSON at all, with its messages for bad input.
    static func parsedByFoundation(_ bytes: [UInt8]) -> JSONLineValue? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) else { return nil }
        return JSONLineValue(foundation: object)
    }

    private init(foundation value: Any) {
        switch value {
        case is NSNull: self = .null
        case let text as String: self = .string(text)
        // JSON true/false arrive as NSNumber; objCType "c" tells them from numbers.
        case let number as NSNumber where String(cString: number.objCType) == "c": self = .bool(number.boolValue)
        case let object as [String: Any]: self = .object(object.mapValues(JSONLineValue.init(foundation:)))
        default: self = .other
        }
    }
}
