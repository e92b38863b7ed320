/// Strings of up to 15 UTF-8 bytes made straight from bytes a reader has already validated, for the
/// cells of bulk feeds.
///
/// Every such string is a "small string": its bytes live in the `String` value itself, so no memory
/// is allocated, but the standard library's initialisers still zero, copy, validate and classify the
/// bytes through several calls — about 100 instructions for a postal code, several times what putting
/// the bytes in place costs, on every cell of every row. The layout of a small string is part of
/// Swift's stable ABI (`StringObject`: the bytes in order across the two words, the top byte holding
/// the discriminator — immortal, small, whether ASCII — and the count). ``isAvailable`` checks it once
/// against strings the standard library made itself; on a platform that lays strings out differently
/// the check fails and callers take the ordinary initialiser, so a layout change costs speed, never
/// correctness.
package enum SmallString {
    package static let maximumCount = 15

    /// Whether ``make(_:count:readable:available:)`` builds strings exactly as the standard library does here.
    package static let isAvailable: Bool = {
        guard MemoryLayout<String>.size == 16 else { return false }
        for sample in ["Postinumero 123", "Jyväskylä", "Å", "", "12345678", "123456789"] {
            let bytes = Array(sample.utf8)
            let expected = String(decoding: bytes, as: UTF8.self)
            // Once with room to read whole words, once without.
            for padding in [0, 16] {
                let padded = bytes + Array(repeating: 0xFF, count: padding)
                let made = padded.withUnsafeBufferPointer { words(of: $0.baseAddress!, count: bytes.count, readable: padded.count) }
                guard unsafeBitCast(expected, to: (UInt64, UInt64).self) == made else { return false }
            }
        }
        return true
    }()

    /// The two words of the small string holding `count` (≤ 15) valid UTF-8 bytes from `base`, which may
    /// be read up to `readable` bytes (whole words when there is room, byte by byte otherwise).
    @inlinable @inline(__always)
    static func words(of base: UnsafePointer<UInt8>, count: Int, readable: Int) -> (UInt64, UInt64) {
        var low: UInt64 = 0
        var high: UInt64 = 0
        if readable >= 16 {
            low = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
            high = UInt64(littleEndian: UnsafeRawPointer(base + 8).loadUnaligned(as: UInt64.self))
        } else {
            for offset in 0..<count {
                if offset < 8 {
                    low |= UInt64(base[offset]) &<< (UInt64(offset) &* 8)
                } else {
                    high |= UInt64(base[offset]) &<< (UInt64(offset &- 8) &* 8)
                }
            }
        }
        // Keep the string's own bytes only.
        if count < 8 { low &= (1 &<< (UInt64(count) &* 8)) &- 1 }
        high &= count <= 8 ? 0 : (1 &<< (UInt64(count &- 8) &* 8)) &- 1
        // Discriminator: immortal, small, and ASCII (0xE) or not (0xA); then the count.
        let ascii = (low | high) & 0x8080_8080_8080_8080 == 0
        high |= ((ascii ? 0xE0 : 0xA0) | UInt64(count)) &<< 56
        return (low, high)
    }

    /// The string, or `nil` when it is longer than 15 bytes or the layout check failed.
    ///
    /// - Precondition: the bytes are valid UTF-8; `readable` bytes from `base` may be read.
    @inlinable @inline(__always)
    package static func make(_ base: UnsafePointer<UInt8>, count: Int, readable: Int, available: Bool) -> String? {
        guard available && count <= maximumCount else { return nil }
        return unsafeBitCast(words(of: base, count: count, readable: readable), to: String.self)
    }
}
