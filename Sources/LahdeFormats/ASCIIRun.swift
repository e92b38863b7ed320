/// Skips a run of ASCII bytes eight at a time.
///
/// Feeds are overwhelmingly ASCII, so both the UTF-8 validator and the Windows-1252 check spend most of
/// their time here: one load and mask per eight bytes instead of a branch per byte.
enum ASCIIRun {
    /// The offset of the first non-ASCII byte at or after `index` within the next eight-byte words, or
    /// `count` when the rest is ASCII; it stops early (at `index` or before `count`) when fewer than eight
    /// bytes remain, leaving those for the caller's byte-by-byte loop.
    @inline(__always)
    static func skip(_ bytes: UnsafePointer<UInt8>, from start: Int, count: Int) -> Int {
        var index = start
        while index + 8 <= count {
            let highBits = UInt64(littleEndian: UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)) & 0x8080_8080_8080_8080
            if highBits != 0 { return index + highBits.trailingZeroBitCount / 8 }
            index += 8
        }
        return index
    }
}
