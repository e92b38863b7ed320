/// One well-formed record: its raw bytes plus where each field lies in them.
///
/// Fields stay undecoded until ``string(at:)`` is called, so a pipeline that filters records by one
/// column, or only forwards raw bytes, does not pay for building a `String` per field. The bytes have
/// already been validated against the declared encoding, which is why decoding cannot fail.
///
/// **Empty versus quoted empty:** `a;;b` and `a;"";b` both give `""` from ``string(at:)``. The
/// difference survives in ``isQuoted(at:)``, for feeds that (like PostgreSQL's CSV format) use an
/// unquoted empty field for "no value" and `""` for "an empty value".
public struct CSVRecord: Sendable, Hashable {
    /// Where the record starts.
    public let location: CSVLocation
    /// The record exactly as it appears in the file, line end included.
    ///
    /// The line end is absent only on a last line without one. Concatenating the raw bytes of every
    /// record and error reproduces the file, apart from the byte order mark, skipped blank lines and
    /// the cut-off tails of records over the length limit.
    public let rawBytes: [UInt8]
    /// Per field, where its raw text ends and how it was quoted.
    ///
    /// The end offset in ``rawBytes`` (closing quote included) shifted left by 2, ORed with
    /// ``quotedFlag`` and ``escapedFlag``. A field starts one byte after the previous one ends (the
    /// delimiter). One `UInt32` per field keeps a record to two allocations.
    let fieldEnds: [UInt32]
    let encoding: TextEncoding
    let quote: UInt8?

    static let quotedFlag: UInt32 = 1
    static let escapedFlag: UInt32 = 2

    init(location: CSVLocation, rawBytes: [UInt8], fieldEnds: [UInt32], encoding: TextEncoding, quote: UInt8?) {
        self.location = location
        self.rawBytes = rawBytes
        self.fieldEnds = fieldEnds
        self.encoding = encoding
        self.quote = quote
    }

    public var fieldCount: Int { fieldEnds.count }

    /// Whether the field was written in quotes (so `""` is quoted and empty).
    public func isQuoted(at index: Int) -> Bool {
        fieldEnds[index] & Self.quotedFlag != 0
    }

    /// Whether the field has no content, quoted or not.
    public func isEmpty(at index: Int) -> Bool {
        byteRange(at: index).isEmpty
    }

    /// Whether the quoted field holds doubled quotes, so its ``byteRange(at:)`` is not yet its text.
    public func hasDoubledQuotes(at index: Int) -> Bool {
        fieldEnds[index] & Self.escapedFlag != 0
    }

    /// Where the field's content lies in ``rawBytes``.
    ///
    /// Inside the quotes for a quoted field, with any doubled quotes still doubled. For comparing and
    /// hashing fields without decoding them.
    public func byteRange(at index: Int) -> Range<Int> {
        let packed = fieldEnds[index]
        let start = index == 0 ? 0 : Int(fieldEnds[index - 1] >> 2) + 1
        let end = Int(packed >> 2)
        return packed & Self.quotedFlag != 0 ? (start + 1)..<(end - 1) : start..<end
    }

    /// The field decoded from the declared encoding, with doubled quotes collapsed.
    ///
    /// - Precondition: `index` is below ``fieldCount``.
    public func string(at index: Int) -> String {
        let range = byteRange(at: index)
        let escaped = fieldEnds[index] & Self.escapedFlag != 0
        return rawBytes.withUnsafeBytes { raw in
            encoding.decodeValidated(
                UnsafeRawBufferPointer(rebasing: raw[range]), collapsingDoubled: escaped ? quote : nil)
        }
    }

    /// The text at `range` of ``rawBytes`` — a field's ``byteRange(at:)`` without doubled quotes, or a
    /// part of one — decoded, for a caller that has already looked at the bytes and should not locate
    /// the field twice.
    public func string(inPlain range: Range<Int>) -> String {
        rawBytes.withUnsafeBytes { raw in
            encoding.decodeValidated(UnsafeRawBufferPointer(rebasing: raw[range]), collapsingDoubled: nil)
        }
    }

    /// Every field decoded; convenient for headers and tests, wasteful in a hot loop.
    public func strings() -> [String] {
        (0..<fieldCount).map(string(at:))
    }
}
