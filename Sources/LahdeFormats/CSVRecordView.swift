/// A record where the reader found it: its bytes in the reader's buffer and its field ends in the
/// scanner's scratch, valid only until the reader's next call.
///
/// For a caller that turns each record into something else at once (the CSV connector) and should not
/// pay for copying the record into two arrays and freeing them again. ``copy()`` makes the
/// ``CSVRecord`` that ``CSVReader/next()`` hands out, for anything that must outlive the call.
package struct CSVRecordView {
    package let location: CSVLocation
    /// The record exactly as in the file, line end included (see ``CSVRecord/rawBytes``).
    package let bytes: UnsafeBufferPointer<UInt8>
    /// Packed as in ``CSVRecord``: end offset shifted left by 2, ORed with the quoted and escaped flags.
    package let fieldEnds: UnsafeBufferPointer<UInt32>
    package let encoding: TextEncoding
    package let quote: UInt8?
    /// ``SmallString/isAvailable``, read once per reader rather than per cell.
    @usableFromInline let smallStrings: Bool

    init(
        location: CSVLocation, bytes: UnsafeBufferPointer<UInt8>, fieldEnds: UnsafeBufferPointer<UInt32>, encoding: TextEncoding,
        quote: UInt8?, smallStrings: Bool
    ) {
        self.location = location
        self.bytes = bytes
        self.fieldEnds = fieldEnds
        self.encoding = encoding
        self.quote = quote
        self.smallStrings = smallStrings
    }

    @inlinable @inline(__always) package var fieldCount: Int { fieldEnds.count }

    /// Whether the quoted field holds doubled quotes, so its ``byteRange(at:)`` is not yet its text.
    @inlinable @inline(__always) package func hasDoubledQuotes(at index: Int) -> Bool {
        fieldEnds[index] & 2 != 0
    }

    /// Where the field's content lies in ``bytes``: inside the quotes for a quoted field.
    @inlinable @inline(__always) package func byteRange(at index: Int) -> Range<Int> {
        let packed = fieldEnds[index]
        let start = index == 0 ? 0 : Int(fieldEnds[index - 1] >> 2) + 1
        let end = Int(packed >> 2)
        return packed & 1 != 0 ? (start + 1)..<(end - 1) : start..<end
    }

    /// The field decoded, doubled quotes collapsed (as ``CSVRecord/string(at:)``).
    package func string(at index: Int) -> String {
        let range = byteRange(at: index)
        return encoding.decodeValidated(
            UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[range])), collapsingDoubled: hasDoubledQuotes(at: index) ? quote : nil)
    }

    /// The text at `range` of ``bytes``, which holds no doubled quotes, decoded.
    @inlinable @inline(__always) package func string(inPlain range: Range<Int>) -> String {
        if encoding == .utf8 {
            // Validated by the reader already. Filling the string's own storage lets the standard
            // library take up to 15 ASCII bytes as a small string without checking them again, where
            // `String(decoding:)` validates and then copies byte by byte.
            let count = range.count
            guard count > 0, let base = bytes.baseAddress else { return "" }
            if let small = SmallString.make(
                base + range.lowerBound, count: count, readable: bytes.count - range.lowerBound, available: smallStrings)
            {
                return small
            }
            return String(unsafeUninitializedCapacity: count) { output in
                output.baseAddress!.initialize(from: base + range.lowerBound, count: count)
                return count
            }
        }
        return encoding.decodeValidated(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[range])), collapsingDoubled: nil)
    }

    /// The record as a value that outlives the reader's next call.
    package func copy() -> CSVRecord {
        CSVRecord(location: location, rawBytes: Array(bytes), fieldEnds: Array(fieldEnds), encoding: encoding, quote: quote)
    }
}
