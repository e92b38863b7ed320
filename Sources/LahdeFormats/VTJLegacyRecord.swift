import LahdeCore

/// One event of a legacy change file: an identification part and its data groups, with any
/// continuation lines already merged in.
public struct VTJLegacyRecord: Sendable {
    /// The henkilötunnus in the identification part: the person's code at the time of the event (the
    /// old one on a correction). Not validated here; check characters are the consumer's concern.
    public let henkilotunnus: String
    /// The event code (*tapahtuma*), e.g. `XXX` in a base delivery.
    public let event: String
    /// When the change was recorded in the register.
    public let registered: VTJDate
    /// `1` new to this customer, `0` existing.
    public let newPersonFlag: UInt8
    public let role: UInt8
    public let groups: [VTJLegacyGroup]
    /// The line the record starts on (1-based).
    public let line: Int
    public let lineCount: Int
    /// The record's bytes in the file, line ends included.
    public let byteRange: Range<Int64>
    /// Exactly those bytes.
    public let raw: [UInt8]
    public let encoding: TextEncoding

    init(
        henkilotunnus: String, event: String, registered: VTJDate, newPersonFlag: UInt8, role: UInt8, groups: [VTJLegacyGroup],
        line: Int, lineCount: Int, byteRange: Range<Int64>, raw: [UInt8], encoding: TextEncoding
    ) {
        self.henkilotunnus = henkilotunnus
        self.event = event
        self.registered = registered
        self.newPersonFlag = newPersonFlag
        self.role = role
        self.groups = groups
        self.line = line
        self.lineCount = lineCount
        self.byteRange = byteRange
        self.raw = raw
        self.encoding = encoding
    }

    /// The text field of `length` bytes at `offset` in `group`, trailing spaces removed; `nil` when blank.
    ///
    /// Fields are read by byte position, so a field outside an uninterpreted group's actual length
    /// comes back `nil` rather than trapping.
    public func text(_ group: VTJLegacyGroup, at offset: Int, length: Int) -> String? {
        let start = group.range.lowerBound + offset
        var end = min(start + length, group.range.upperBound)
        guard start < end else { return nil }
        while end > start, raw[end - 1] == 0x20 { end -= 1 }
        var first = start
        while first < end, raw[first] == 0x20 { first += 1 }
        guard first < end else { return nil }
        // The reader validated every line against the encoding, so this cannot fail.
        return raw.withUnsafeBytes { (try? encoding.decode(UnsafeRawBufferPointer(rebasing: $0[first..<end]))) ?? "" }
    }

    /// The `yyyymmdd` field at `offset` in `group` (validated when the line was read for interpreted groups).
    public func date(_ group: VTJLegacyGroup, at offset: Int) -> VTJDate? {
        let start = group.range.lowerBound + offset
        guard start + 8 <= group.range.upperBound else { return nil }
        return raw.withUnsafeBufferPointer { VTJDate.parse($0, at: start) }
    }

    /// The single byte at `offset` in `group`, or a space when the group is shorter.
    public func byte(_ group: VTJLegacyGroup, at offset: Int) -> UInt8 {
        let index = group.range.lowerBound + offset
        return index < group.range.upperBound ? raw[index] : 0x20
    }
}
