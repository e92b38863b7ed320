/// Where a record starts in the file, in the two coordinates people use to find it: the line an
/// editor shows and the byte offset `dd`, `tail -c` and hex viewers take.
public struct CSVLocation: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based physical line the record starts on.
    ///
    /// Line breaks inside quoted fields count, so this is
    /// the number `sed -n 'Np'` or an editor's "go to line" needs, not the record's ordinal.
    public let line: Int
    /// 0-based offset of the record's first byte from the start of the file, byte order mark included.
    public let byteOffset: Int

    public init(line: Int, byteOffset: Int) {
        self.line = line
        self.byteOffset = byteOffset
    }

    public var description: String { "line \(line) (byte offset \(byteOffset))" }
}
