/// The character encoding a feed declares for its bytes.
///
/// Finnish bulk files still arrive in the legacy 8-bit encodings, and a mis-declared file must fail
/// loudly: decoding never substitutes U+FFFD, because a silently mangled name or street address is
/// worse than a quarantined record. Validation and decoding are separate steps so a reader can reject
/// a record up front and still decode its fields only when someone asks for them.
///
/// The CSV reader and the fixed-width VTJ reader share this type.
public enum TextEncoding: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// UTF-8 as defined by RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
    case utf8
    /// ISO-8859-1 (Latin-1): every byte is the code point of the same value, so nothing is invalid.
    case iso8859_1
    /// Windows-1252: Latin-1 except 0x80–0x9F, which hold typographic characters (€, ‘ ’, Š, …). The
    /// five bytes the code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are invalid, because
    /// they only turn up in files that are really in some other encoding.
    case windows1252

    public var description: String {
        switch self {
        case .utf8: "UTF-8"
        case .iso8859_1: "ISO-8859-1"
        case .windows1252: "Windows-1252"
        }
    }

    /// Finds the first byte that cannot start a character in this encoding.
    ///
    /// For UTF-8 the offset is that of the lead byte of the broken sequence (or of a stray continuation
    /// byte), which is where a person inspecting the file with a hex viewer should look.
    ///
    /// - Returns: The offset of the offending byte, or `nil` when every byte decodes.
    public func firstInvalidByteOffset(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let start = base.assumingMemoryBound(to: UInt8.self)
        switch self {
        case .utf8: return UTF8Validation.firstInvalidOffset(start, count: bytes.count)
        case .iso8859_1: return nil
        case .windows1252: return Windows1252.firstUndefinedOffset(start, count: bytes.count)
        }
    }

    /// Decodes bytes to a string, refusing to guess at bytes the encoding does not define.
    ///
    /// - Throws: ``TextDecodingError`` naming the first invalid byte and its offset in `bytes`.
    public func decode(_ bytes: UnsafeRawBufferPointer) throws(TextDecodingError) -> String {
        if let offset = firstInvalidByteOffset(in: bytes) {
            throw TextDecodingError(encoding: self, byte: bytes[offset], offset: offset)
        }
        return decodeValidated(bytes, collapsingDoubled: nil)
    }

    /// Decodes bytes to a string, refusing to guess at bytes the encoding does not define.
    ///
    /// - Throws: ``TextDecodingError`` naming the first invalid byte and its offset in `bytes`.
    public func decode(_ bytes: some Collection<UInt8>) throws(TextDecodingError) -> String {
        let decodeBuffer = { (buffer: UnsafeBufferPointer<UInt8>) in
            Result { () throws(TextDecodingError) in try decode(UnsafeRawBufferPointer(buffer)) }
        }
        let result =
            bytes.withContiguousStorageIfAvailable(decodeBuffer) ?? Array(bytes).withUnsafeBufferPointer(decodeBuffer)
        return try result.get()
    }

    /// Decodes bytes already known to be valid, optionally turning each doubled quote into one.
    ///
    /// Collapsing during the transcoding copy means a quoted CSV field costs one pass, not an unescape
    /// pass plus a decode pass.
    @usableFromInline package func decodeValidated(_ bytes: UnsafeRawBufferPointer, collapsingDoubled quote: UInt8?) -> String {
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return "" }
        if self == .utf8 && quote == nil {
            return String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
        }
        // UTF-8 output is at most 3 bytes per input byte (Windows-1252 € is E2 82 AC).
        let capacity = self == .utf8 ? count : count * 3
        return String(unsafeUninitializedCapacity: capacity) { output in
            var written = 0
            var index = 0
            while index < count {
                let byte = base[index]
                index += 1
                if let quote, byte == quote, index < count, base[index] == quote {
                    index += 1
                }
                if byte < 0x80 || self == .utf8 {
                    output[written] = byte
                    written += 1
                    continue
                }
                let scalar = self == .windows1252 ? Windows1252.scalar(for: byte) : UInt32(byte)
                if scalar < 0x800 {
                    output[written] = UInt8(0xC0 | (scalar >> 6))
                    output[written + 1] = UInt8(0x80 | (scalar & 0x3F))
                    written += 2
                } else {
                    output[written] = UInt8(0xE0 | (scalar >> 12))
                    output[written + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                    output[written + 2] = UInt8(0x80 | (scalar & 0x3F))
                    written += 3
                }
            }
            return written
        }
    }
}
