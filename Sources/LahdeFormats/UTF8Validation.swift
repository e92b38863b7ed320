/// Strict UTF-8 validation (RFC 3629, Unicode Table 3-7 "well-formed byte sequences").
///
/// Written out by hand rather than via `String(validating:)` because the reader needs the offset of
/// the first bad byte for its error message, and because feeds are overwhelmingly ASCII, which the
/// eight-bytes-at-a-time fast path skips at memory speed.
enum UTF8Validation {
    static func firstInvalidOffset(_ bytes: UnsafePointer<UInt8>, count: Int) -> Int? {
        var index = 0
        while index < count {
            index = ASCIIRun.skip(bytes, from: index, count: count)
            guard index < count else { break }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var secondLow: UInt8 = 0x80
            var secondHigh: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondLow = 0xA0  // below is overlong
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; secondHigh = 0x9F  // above are UTF-16 surrogates
            case 0xF0: length = 4; secondLow = 0x90  // below is overlong
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; secondHigh = 0x8F  // above is beyond U+10FFFF
            default: return index  // continuation byte without a lead, C0/C1 overlong, F5–FF
            }
            guard index + length <= count else { return index }
            let second = bytes[index + 1]
            guard second >= secondLow && second <= secondHigh else { return index }
            for next in (index + 2)..<(index + length) where bytes[next] & 0xC0 != 0x80 {
                return index
            }
            index += length
        }
        return nil
    }
}
