/// HMAC-SHA256 (RFC 2104).
///
/// An erased person is remembered only as keyed hashes of their identifiers, so that later feeds and
/// replays can recognise and suppress them without the register keeping the identifiers. A plain hash
/// would not do: the henkilötunnus space is small enough to enumerate, so the hash must need a secret key.
public enum HMACSHA256 {
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        var block = key.count > 64 ? SHA256.digest(of: key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let innerDigest = SHA256.digest(of: block.map { $0 ^ 0x36 } + message)
        return Hex.encode(SHA256.digest(of: block.map { $0 ^ 0x5c } + innerDigest))
    }
}
