/// The Windows-1252 code page's departures from Latin-1, in the range 0x80–0x9F.
///
/// Kept as a literal table (from the Unicode consortium's CP1252.TXT) rather than delegated to
/// Foundation, whose Linux and Darwin implementations disagree about the undefined bytes.
enum Windows1252 {
    /// Code points for 0x80–0x9F; 0 marks the five bytes the code page leaves undefined.
    private static let highControls: [UInt16] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80–87
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,  // 88–8F
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90–97
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,  // 98–9F
    ]

    /// The code point for a defined byte; 0 for an undefined one.
    static func scalar(for byte: UInt8) -> UInt32 {
        byte & 0xE0 == 0x80 ? UInt32(highControls[Int(byte & 0x1F)]) : UInt32(byte)
    }

    static func isUndefined(_ byte: UInt8) -> Bool {
        byte == 0x81 || byte == 0x8D || byte == 0x8F || byte == 0x90 || byte == 0x9D
    }

    static func firstUndefinedOffset(_ bytes: UnsafePointer<UInt8>, count: Int) -> Int? {
        var index = 0
        while index < count {
            index = ASCIIRun.skip(bytes, from: index, count: count)
            guard index < count else { break }
            if isUndefined(bytes[index]) { return index }
            index += 1
        }
        return nil
    }
}
