/// Streaming SHA-256 (FIPS 180-4).
///
/// A batch's identity is the SHA-256 of its bytes: it is how Lähde knows a file was loaded before under
/// another name, and it is the hash a provenance tag shows a data subject. It lives here in pure Swift so
/// that the core needs no crypto library; the hash is computed while the file is read, in one pass.
public struct SHA256: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    private var pending: [UInt8] = []
    private var totalBytes: UInt64 = 0

    public init() {
        pending.reserveCapacity(64)
    }

    /// Feeds more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        totalBytes &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            offset = take
            if pending.count == 64 {
                pending.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        let blocks = (bytes.count - offset) / 64
        if blocks > 0 {
            compress(bytes.baseAddress! + offset, blocks: blocks)
            offset += blocks * 64
        }
        if offset < bytes.count { pending.append(contentsOf: bytes[offset...]) }
    }

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    /// The 32-byte digest. Ends the hash: feed nothing more after it.
    public mutating func finalize() -> [UInt8] {
        let bitLength = totalBytes &* 8
        var tail: [UInt8] = [0x80]
        let used = Int(totalBytes % 64)
        let padding = (used < 56 ? 55 - used : 119 - used)
        tail.append(contentsOf: repeatElement(0, count: padding))
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        let savedTotal = totalBytes
        tail.withUnsafeBytes { update($0) }
        totalBytes = savedTotal
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        for word in [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7] {
            for shift in stride(from: 24, through: 0, by: -8) { digest.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
        }
        return digest
    }

    /// The digest as 64 lowercase hex characters.
    public mutating func finalizeHex() -> String {
        Hex.encode(finalize())
    }

    /// One-shot convenience.
    public static func hex(of bytes: [UInt8]) -> String {
        Hex.encode(digest(of: bytes))
    }

    public static func digest(of bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()
    }

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Compresses `blocks` consecutive 64-byte blocks.
    ///
    /// Every file Lähde imports is hashed, so this is written for speed (about 3 times fewer instructions
    /// than the textbook loop, which cost more than parsing an XML file): the schedule lives on the stack,
    /// the rounds are unrolled by eight with the working variables renamed instead of shifted, and Ch and
    /// Maj use their cheaper equivalent forms.
    private mutating func compress(_ start: UnsafeRawPointer, blocks: Int) {
        var state = self.state
        Self.k.withUnsafeBufferPointer { k in
            let k = k.baseAddress!
            // The schedule, then the schedule plus the round constants: the rounds need one pointer only.
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 128) { schedule in
                let w = schedule.baseAddress!
                let kw = w + 64
                for blockIndex in 0..<blocks {
                    let block = start + blockIndex * 64
                    for i in 0..<16 {
                        w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
                    }
                    for i in 16..<64 {
                        let x = w[i - 15], y = w[i - 2]
                        let s0 = (x ^ x.rotatedRight(11)).rotatedRight(7) ^ (x >> 3)  // ror7 ^ ror18 ^ shr3
                        let s1 = (y ^ y.rotatedRight(2)).rotatedRight(17) ^ (y >> 10)  // ror17 ^ ror19 ^ shr10
                        w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                    }
                    for i in 0..<64 { kw[i] = k[i] &+ w[i] }
                    var (a, b, c, d, e, f, g, h) = state
                    var bc = b ^ c
                    var i = 0
                    while i < 64 {
                        Self.round(a, b, c, &d, e, f, g, &h, kw[i], &bc)
                        Self.round(h, a, b, &c, d, e, f, &g, kw[i + 1], &bc)
                        Self.round(g, h, a, &b, c, d, e, &f, kw[i + 2], &bc)
                        Self.round(f, g, h, &a, b, c, d, &e, kw[i + 3], &bc)
                        Self.round(e, f, g, &h, a, b, c, &d, kw[i + 4], &bc)
                        Self.round(d, e, f, &g, h, a, b, &c, kw[i + 5], &bc)
                        Self.round(c, d, e, &f, g, h, a, &b, kw[i + 6], &bc)
                        Self.round(b, c, d, &e, f, g, h, &a, kw[i + 7], &bc)
                        i += 8
                    }
                    state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
                }
            }
        }
        self.state = state
    }

    /// One round with the roles of the eight working variables given by position: the caller's next round
    /// passes them shifted by one, so nothing is moved. `d` gains T1 and `h` becomes the new `a`. `bc` is
    /// `b ^ c`, which the round before computed as its own `a ^ b` (Maj = ((a ^ b) & (b ^ c)) ^ b); the
    /// Σ functions are nested rotations (ror6(ror5(ror14(e) ^ e) ^ e) = ror6 ^ ror11 ^ ror25).
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32,
        _ constantPlusWord: UInt32, _ bc: inout UInt32
    ) {
        let sigma1 = ((e.rotatedRight(14) ^ e).rotatedRight(5) ^ e).rotatedRight(6)
        let choice = g ^ (e & (f ^ g))
        let t1 = h &+ sigma1 &+ choice &+ constantPlusWord
        let sigma0 = ((a.rotatedRight(9) ^ a).rotatedRight(11) ^ a).rotatedRight(2)
        let ab = a ^ b
        let majority = (ab & bc) ^ b
        bc = ab
        d = d &+ t1
        h = t1 &+ sigma0 &+ majority
    }
}

extension UInt32 {
    @inline(__always) fileprivate func rotatedRight(_ count: UInt32) -> UInt32 {
        (self >> count) | (self << (32 - count))
    }
}
