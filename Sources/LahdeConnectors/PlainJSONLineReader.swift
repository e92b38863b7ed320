/// Reads the one shape nearly every observation line has — an object of strings, booleans, nulls and
/// objects of those, nothing escaped — straight from its bytes.
///
/// Foundation's parser builds an `NSDictionary` of boxed values for every line and was half of the client's
/// time in a large import (BENCHMARKS.md). Anything outside this shape (an escape, a number, an array, a
/// repeated key, deeper nesting, bad syntax) returns nil, and the caller reads the line with Foundation,
/// so the verdict on an unusual or broken line is Foundation's, word for word.
struct PlainJSONLineReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    /// - Parameter bytes: valid UTF-8 (the caller has checked).
    static func read(_ bytes: [UInt8]) -> [String: JSONLineValue]? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = PlainJSONLineReader(bytes: buffer)
            guard case .object(let object)? = reader.value(depth: 0) else { return nil }
            reader.skipSpace()
            return reader.index == buffer.count ? object : nil
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Objects nest two deep in an observation line (the line, its keys and fields); deeper is not plain.
    private static let maximumDepth = 2

    private mutating func value(depth: Int) -> JSONLineValue? {
        skipSpace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""): return string().map(JSONLineValue.string)
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { return nil }
            return object(depth: depth)
        case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return word("null") ? .null : nil
        default: return nil
        }
    }

    private mutating func object(depth: Int) -> JSONLineValue? {
        index += 1  // {
        var members: [String: JSONLineValue] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let name = string() else { return nil }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            guard let member = value(depth: depth + 1), members.updateValue(member, forKey: name) == nil else { return nil }
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default: return nil
            }
        }
    }

    /// A string without escapes or control characters (JSON forbids raw ones; an escape sends the line to
    /// Foundation, which decodes every kind).
    private mutating func string() -> String? {
        index += 1  // opening quote
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    private mutating func word(_ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard bytes.count - index >= length else { return false }
        for offset in 0..<length where bytes[index + offset] != text.utf8Start[offset] { return false }
        index += length
        return true
    }

    /// JSON's whitespace: space, tab, line feed, carriage return.
    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }
}
