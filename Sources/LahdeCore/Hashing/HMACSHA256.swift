/// HMAC-SHA256 (RFC 2104).
///
/// An erased person is remembered only as keyed hashes of their identifiers, so that later feeds and
/// replays can recognise and suppress them without the register keeping the identifiers. A plain hash
/// would not do: the henkilötunnus space is small enough to enumerate, so the hash must need a secret key.
public enum HMACSHA256 {
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        var block = key.count > 64 ? hexToBytes(SHA256.hex(of: key)) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        (block.map { $0 ^ 0x36 } + message).withUnsafeBytes { inner.update($0) }
        let innerDigest = hexToBytes(inner.finalizeHex())
        var outer = SHA256()
        (block.map { $0 ^ 0x5c } + innerDigest).withUnsafeBytes { outer.update($0) }
        return outer.finalizeHex()
    }

    static func hexToBytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(nibble(high) << 4 | nibble(low))
        }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8 {
        character >= 0x61 ? character - 0x61 + 10 : character - 0x30
    }
}
