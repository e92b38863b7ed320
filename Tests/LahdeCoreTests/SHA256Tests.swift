import LahdeCore
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    @Test("FIPS 180-4 test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(input: String, expected: String) {
        #expect(SHA256.hex(of: Array(input.utf8)) == expected)
    }

    @Test("a million a's, fed in uneven pieces, equals the one-shot digest")
    func streamingMatchesOneShot() {
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(of: million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var hasher = SHA256()
        var offset = 0
        var piece = 1
        while offset < million.count {
            let end = min(million.count, offset + piece)
            million[offset..<end].withUnsafeBytes { hasher.update($0) }
            offset = end
            piece = piece * 3 % 1021 + 1
        }
        #expect(hasher.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Expected values from Python's hashlib: every length around the one- and two-block padding
    /// boundaries, and a non-repeating megabyte fed in pieces that start inside blocks.
    @Test("every length from 0 to 299 bytes and an uneven megabyte match an independent implementation")
    func lengthsAndPatterns() {
        let data = (0..<300).map { UInt8(($0 * 31 + 7) & 0xff) }
        let joined = (0..<300).map { SHA256.hex(of: Array(data[0..<$0])) }.joined(separator: "\n")
        #expect(SHA256.hex(of: Array(joined.utf8)) == "8faf06acfb2b5f0328bf1605f6fc10c1e8568721813b446ee16295d20df0e2b3")
        let big = (0..<1_000_003).map { UInt8(($0 * 131 + 17) & 0xff) }
        var hasher = SHA256()
        var offset = 0
        var piece = 7
        while offset < big.count {
            let end = min(big.count, offset + piece)
            big[offset..<end].withUnsafeBytes { hasher.update($0) }
            offset = end
            piece = piece * 5 % 4099 + 1
        }
        #expect(hasher.finalizeHex() == "33d73ba8fa77d85b23f459c5d8565524d8a7f45c1390ff4760252979ed48925b")
    }
}

@Suite("HMAC-SHA256")
struct HMACSHA256Tests {
    @Test("RFC 4231 test cases 1, 2 and 6 (a key longer than a block)")
    func rfc4231() {
        #expect(HMACSHA256.hex(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
            == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(HMACSHA256.hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(HMACSHA256.hex(key: [UInt8](repeating: 0xaa, count: 131), message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}

@Suite("Hex")
struct HexTests {
    @Test("encode is lowercase; decode accepts either case and refuses odd lengths and non-hex")
    func roundTrip() {
        let bytes: [UInt8] = [0x00, 0x0f, 0xa5, 0xff]
        #expect(Hex.encode(bytes) == "000fa5ff")
        #expect(Hex.decode("000FA5ff") == bytes)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }

    @Test("the digest bytes are the hex digest decoded")
    func digestBytes() {
        let message = Array("abc".utf8)
        #expect(Hex.encode(SHA256.digest(of: message)) == SHA256.hex(of: message))
    }
}
