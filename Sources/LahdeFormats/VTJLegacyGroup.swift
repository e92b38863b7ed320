/// One data group (*tietoryhmä*) of a legacy change record: where it lies in the record's bytes.
///
/// Fields are not decoded when the line is read; ``VTJLegacyRecord`` decodes them on request, so that
/// a reader that only routes or counts records never pays for building strings.
public struct VTJLegacyGroup: Sendable, Hashable {
    /// The group number (`101` for the permanent domestic address).
    public let code: UInt16
    public let change: VTJChangeType
    /// The group's bytes in ``VTJLegacyRecord/raw``, header included, `|` excluded.
    public let range: Range<Int>
    /// The line of the file it stood on.
    public let line: Int

    public init(code: UInt16, change: VTJChangeType, range: Range<Int>, line: Int) {
        self.code = code
        self.change = change
        self.range = range
        self.line = line
    }
}
