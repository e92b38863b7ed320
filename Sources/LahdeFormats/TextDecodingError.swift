/// A byte the declared encoding does not define.
///
/// Carries the byte's value and position but never the surrounding text: the bytes around it are
/// usually a name, an address or a henkilötunnus, and errors end up in logs.
public struct TextDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public let encoding: TextEncoding
    /// The offending byte; for UTF-8 the lead byte of the broken sequence.
    public let byte: UInt8
    /// 0-based offset of ``byte`` in the decoded bytes.
    public let offset: Int

    public init(encoding: TextEncoding, byte: UInt8, offset: Int) {
        self.encoding = encoding
        self.byte = byte
        self.offset = offset
    }

    public var description: String {
        "invalid \(encoding) byte \(hexByte(byte)) at byte offset \(offset)"
    }
}

/// `0x0A`-style rendering used by every error message in this module.
func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
}
