/// Finds where each element of one top-level array lies in a JSON document's bytes.
///
/// The change API returns a page as one object whose `muutokset` array holds the records; the loader
/// quarantines a record by its byte range, so the reader needs those ranges, which Foundation's JSON
/// parser does not give. This scanner only delimits values (strings with their escapes, nesting); each
/// element is then parsed on its own, so one malformed record does not lose its page.
enum VTJJSONElementRanges {
    /// The byte ranges of the elements of the array under `key` in the top-level object; `nil` when the
    /// document is not an object holding such an array (or is cut short).
    static func of(key: String, in bytes: [UInt8]) -> [Range<Int>]? {
        var scanner = Scanner(bytes: bytes)
        let target = Array(key.utf8)
        scanner.skipWhitespace()
        if scanner.peek == 0xEF, bytes.count >= 3, bytes[1] == 0xBB, bytes[2] == 0xBF { scanner.index = 3 }  // UTF-8 BOM
        scanner.skipWhitespace()
        guard scanner.take(0x7B) else { return nil }  // {
        var result: [Range<Int>]?
        while true {
            scanner.skipWhitespace()
            if scanner.take(0x7D) { return result }  // }
            guard let name = scanner.string() else { return nil }
            scanner.skipWhitespace()
            guard scanner.take(0x3A) else { return nil }  // :
            scanner.skipWhitespace()
            if Array(bytes[name]) == target, scanner.peek == 0x5B {
                guard let elements = scanner.arrayElements() else { return nil }
                result = elements
            } else {
                guard scanner.skipValue() else { return nil }
            }
            scanner.skipWhitespace()
            if scanner.take(0x2C) { continue }  // ,
            guard scanner.take(0x7D) else { return nil }
            return result
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        /// A string's content range (without quotes), the index left after the closing quote.
        mutating func string() -> Range<Int>? {
            guard take(0x22) else { return nil }
            let start = index
            while let byte = peek {
                if byte == 0x5C {
                    index += 2
                    continue
                }
                if byte == 0x22 {
                    index += 1
                    return start..<(index - 1)
                }
                index += 1
            }
            return nil
        }

        mutating func skipValue() -> Bool {
            guard let byte = peek else { return false }
            switch byte {
            case 0x22: return string() != nil
            case 0x7B, 0x5B:
                var depth = 0
                while let current = peek {
                    switch current {
                    case 0x22:
                        guard string() != nil else { return false }
                        continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return true
                        }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                let start = index
                while let current = peek, !(current == 0x2C || current == 0x7D || current == 0x5D || current <= 0x20) { index += 1 }
                return index > start
            }
        }

        mutating func arrayElements() -> [Range<Int>]? {
            guard take(0x5B) else { return nil }
            var ranges: [Range<Int>] = []
            skipWhitespace()
            if take(0x5D) { return ranges }
            while true {
                skipWhitespace()
                let start = index
                guard skipValue() else { return nil }
                ranges.append(start..<index)
                skipWhitespace()
                if take(0x2C) { continue }
                guard take(0x5D) else { return nil }
                return ranges
            }
        }
    }
}
