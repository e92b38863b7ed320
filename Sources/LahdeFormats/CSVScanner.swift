/// The RFC 4180 state machine that finds field and record boundaries in a byte buffer.
///
/// Separate from ``CSVReader`` so that buffering and I/O live in one place and byte-level grammar in
/// another. The machine can stop at any byte (the buffer ran out) and resume after the reader has
/// refilled, which is what makes chunk boundaries invisible: the state says exactly what the next
/// byte may mean, so nothing is rescanned and a record never has to fit in one chunk.
///
/// Each state loops over bytes with one table lookup per byte; transitions only happen at the
/// bytes that matter (delimiter, quote, CR, LF, NUL), which are rare in real data.
///
/// Non-copyable because it owns the field-end scratch memory; a copy would free it twice.
struct CSVScanner: ~Copyable {
    enum State {
        /// At the first byte of a field, deciding whether it is quoted.
        case fieldStart
        case unquoted
        case quoted
        /// Inside quotes right after a CR, so that a following LF counts as the same line break.
        case quotedAfterCR
        /// Inside quotes right after a quote: either the first of a doubled quote or the closing one.
        case quoteInQuoted
        /// After the CR that ended the record; a following LF belongs to the same line end.
        case recordAfterCR
    }

    /// What ends a record when the input runs out.
    enum EndOfInput {
        case nothing
        case record
        case unterminatedQuote
    }

    struct Problem {
        enum Kind {
            case strayQuote
            case textAfterClosingQuote
            case nulByte
        }

        let kind: Kind
        let offset: Int
        let field: Int
    }

    /// Byte classes; the tables map every byte to one of these, 0 meaning "ordinary data".
    static let delimiterClass: UInt8 = 1
    static let quoteClass: UInt8 = 2
    static let carriageReturnClass: UInt8 = 3
    static let lineFeedClass: UInt8 = 4
    static let nulClass: UInt8 = 5

    static let carriageReturn: UInt8 = 0x0D
    static let lineFeed: UInt8 = 0x0A

    let delimiter: UInt8
    let quote: UInt8?
    /// ``quote`` as an `Int`, -1 for none, so a byte compares without unwrapping an optional.
    let quoteByte: Int
    /// The delimiter and the quote (the delimiter again when there is none) in every byte of a word.
    private let delimiterPattern: UInt64
    private let quotePattern: UInt64

    var state = State.fieldStart
    /// Packed field ends for ``CSVRecord``, offsets relative to the record start.
    ///
    /// The first ``fieldIndex`` of them are valid while ``tracksFields`` is on. Raw memory rather
    /// than an `Array` because appending to an array pays a uniqueness check per field, and fields
    /// average under ten bytes (measured: about 10% of the whole read).
    private var fieldEnds: UnsafeMutablePointer<UInt32>
    private var fieldEndCapacity = 64
    var fieldFlags: UInt32 = 0
    /// The index of the field being scanned, which is also the count of fields stored so far.
    var fieldIndex = 0
    /// Line breaks inside quoted fields so far (CR, LF and CRLF each count once).
    var extraLines = 0
    var problem: Problem?
    var openQuoteOffset = 0
    var openQuoteField = 0
    /// The record's length without its line end; valid once the record has ended.
    var contentLength = 0
    /// Off while skipping an oversize record: the machine still tracks quotes and lines to find the
    /// record's end, but stores nothing, so memory stays constant however long the record is.
    var tracksFields = true
    /// Bytes of the current record already dropped from the buffer while skipping.
    var discarded = 0

    init(delimiter: UInt8, quote: UInt8?) {
        self.delimiter = delimiter
        self.quote = quote
        self.quoteByte = quote.map(Int.init) ?? -1
        self.delimiterPattern = UInt64(delimiter) &* 0x0101_0101_0101_0101
        self.quotePattern = UInt64(quote ?? delimiter) &* 0x0101_0101_0101_0101
        self.fieldEnds = UnsafeMutablePointer<UInt32>.allocate(capacity: fieldEndCapacity)
    }

    deinit {
        fieldEnds.deallocate()
    }

    /// Fills the 512-byte class table: 256 entries for unquoted context, then 256 for quoted context.
    func fillClassTable(_ table: UnsafeMutablePointer<UInt8>) {
        table.initialize(repeating: 0, count: 512)
        let quoted = table + 256
        table[Int(delimiter)] = Self.delimiterClass
        for context in [table, quoted] {
            context[Int(Self.carriageReturn)] = Self.carriageReturnClass
            context[Int(Self.lineFeed)] = Self.lineFeedClass
            context[0] = Self.nulClass
            if let quote { context[Int(quote)] = Self.quoteClass }
        }
    }

    mutating func reset() {
        state = .fieldStart
        fieldFlags = 0
        fieldIndex = 0
        extraLines = 0
        problem = nil
        contentLength = 0
        discarded = 0
        tracksFields = true
    }

    /// The field ends of the complete record, valid until the next scan.
    var fieldEndsBuffer: UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(start: fieldEnds, count: fieldIndex)
    }

    /// Starts skipping an oversize record: keep finding its end, forget its fields.
    mutating func stopTrackingFields() {
        tracksFields = false
        problem = nil
    }

    /// Runs the machine over `buffer[position..<end]` for the record starting at `start`.
    ///
    /// - Returns: The index just past the record's line end, or `nil` when the buffer ran out first
    ///   (then `position == end` and the state is saved for the next call).
    mutating func scan(
        _ buffer: UnsafePointer<UInt8>,
        classes: UnsafePointer<UInt8>,
        recordStart start: Int,
        position: inout Int,
        end: Int
    ) -> Int? {
        var p = position
        defer { position = p }
        let quotedClasses = classes + 256
        machine: while true {
            switch state {
            case .fieldStart:
                guard p < end else { return nil }
                if let quote, buffer[p] == quote {
                    openQuoteOffset = discarded + p - start
                    openQuoteField = fieldIndex
                    fieldFlags = CSVRecord.quotedFlag
                    p += 1
                    state = .quoted
                } else {
                    state = .unquoted
                }

            case .unquoted:
                while true {
                    // Eight bytes at a time: one mask marks every byte that matters, each delimiter in it
                    // ends a field here, and anything else (quote, CR, LF, NUL) goes to the byte switch
                    // below. Fields are short (customer exports average under eight bytes), so a word
                    // often ends several.
                    var fieldBegin = -1
                    words: while p &+ 8 <= end {
                        var mask = specialBytes(UnsafeRawPointer(buffer + p).loadUnaligned(as: UInt64.self))
                        if mask == 0 {
                            p &+= 8
                            continue
                        }
                        let base = p
                        repeat {
                            let q = base &+ (mask.trailingZeroBitCount &>> 3)
                            if buffer[q] != delimiter {
                                p = q
                                // A quote opening the field after a delimiter found in the word.
                                if q == fieldBegin && Int(buffer[q]) == quoteByte {
                                    state = .fieldStart
                                    continue machine
                                }
                                break words
                            }
                            endField(at: q, recordStart: start)
                            fieldBegin = q &+ 1
                            mask &= mask &- 1
                        } while mask != 0
                        // Every byte of the word is done: the rest after its last delimiter is ordinary.
                        p = base &+ 8
                        // At a field's first byte the next word tells whether it opens a quote; at the
                        // buffer's end, the field-start state does once more bytes are in.
                        if p == fieldBegin && p &+ 8 > end {
                            state = .fieldStart
                            continue machine
                        }
                    }
                    p = Self.skipOrdinary(buffer, classes: classes, from: p, to: end)
                    guard p < end else { return nil }
                    switch classes[Int(buffer[p])] {
                    case Self.delimiterClass:
                        endField(at: p, recordStart: start)
                        p += 1
                        // Most fields are unquoted: stay in this loop rather than going round the state
                        // switch twice per field (`fieldStart`, then `unquoted`).
                        if p < end && Int(buffer[p]) != quoteByte { continue }
                        state = .fieldStart
                        continue machine
                    case Self.lineFeedClass:
                        endField(at: p, recordStart: start)
                        contentLength = discarded + p - start
                        p += 1
                        return p
                    case Self.carriageReturnClass:
                        endField(at: p, recordStart: start)
                        contentLength = discarded + p - start
                        p += 1
                        state = .recordAfterCR
                        continue machine
                    case Self.quoteClass:
                        note(.strayQuote, at: p, recordStart: start)
                        p += 1
                    default:
                        note(.nulByte, at: p, recordStart: start)
                        p += 1
                    }
                }

            case .quoted:
                while true {
                    p = Self.skipOrdinary(buffer, classes: quotedClasses, from: p, to: end)
                    guard p < end else { return nil }
                    let byteClass = quotedClasses[Int(buffer[p])]
                    p += 1
                    switch byteClass {
                    case Self.quoteClass:
                        state = .quoteInQuoted
                        continue machine
                    case Self.lineFeedClass:
                        extraLines += 1
                    case Self.carriageReturnClass:
                        extraLines += 1
                        state = .quotedAfterCR
                        continue machine
                    default:
                        note(.nulByte, at: p - 1, recordStart: start)
                    }
                }

            case .quotedAfterCR:
                guard p < end else { return nil }
                if buffer[p] == Self.lineFeed { p += 1 }
                state = .quoted

            case .quoteInQuoted:
                guard p < end else { return nil }
                let byte = buffer[p]
                if byte == quote {
                    fieldFlags |= CSVRecord.escapedFlag
                    p += 1
                    state = .quoted
                } else if byte == delimiter {
                    endField(at: p, recordStart: start)
                    p += 1
                    state = .fieldStart
                } else if byte == Self.lineFeed {
                    endField(at: p, recordStart: start)
                    contentLength = discarded + p - start
                    p += 1
                    return p
                } else if byte == Self.carriageReturn {
                    endField(at: p, recordStart: start)
                    contentLength = discarded + p - start
                    p += 1
                    state = .recordAfterCR
                } else {
                    // Carry on as unquoted so the record still ends at the right line end.
                    note(.textAfterClosingQuote, at: p, recordStart: start)
                    state = .unquoted
                }

            case .recordAfterCR:
                guard p < end else { return nil }
                if buffer[p] == Self.lineFeed { p += 1 }
                return p
            }
        }
    }

    /// Closes the record when the input ends at `position`.
    mutating func finish(recordStart start: Int, position: Int) -> EndOfInput {
        let length = discarded + position - start
        switch state {
        case .fieldStart where length == 0:
            return .nothing
        case .fieldStart, .unquoted, .quoteInQuoted:
            endField(at: position, recordStart: start)
            contentLength = length
            return .record
        case .recordAfterCR:
            return .record
        case .quoted, .quotedAfterCR:
            contentLength = length
            return .unterminatedQuote
        }
    }

    /// The field containing a byte offset of a complete, tracked record.
    func field(containing offset: Int) -> Int {
        (0..<fieldIndex).first { Int(fieldEnds[$0] >> 2) > offset } ?? max(fieldIndex - 1, 0)
    }

    /// The first index at or after `position` holding a byte of a non-zero class, or `end`.
    ///
    /// Kept as its own loop so the compiler emits a load-test-branch per byte instead of folding the
    /// test into the state switch's jump table (measured: an indirect jump per byte halves throughput).
    @inline(__always)
    private static func skipOrdinary(
        _ buffer: UnsafePointer<UInt8>, classes: UnsafePointer<UInt8>, from position: Int, to end: Int
    ) -> Int {
        var p = position
        while p < end && classes[Int(buffer[p])] == 0 { p += 1 }
        return p
    }

    /// 0x80 in each byte of `word` (eight bytes from the buffer, first byte lowest) that is the delimiter,
    /// the quote, or below 0x0E (NUL, LF and CR among them), and 0 elsewhere. Exact, so every set bit is
    /// a byte to look at; a tab or other control byte is a false alarm the byte switch skips.
    @inline(__always)
    private func specialBytes(_ word: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        @inline(__always) func zeroBytes(_ value: UInt64) -> UInt64 {
            // High bit of (low seven bits + 0x7F) says "a low bit is set", OR the byte's own high bit:
            // a byte is zero exactly when neither is; no carry crosses into the next byte.
            ~(((value & low7) &+ low7) | value | low7)
        }
        let word = UInt64(littleEndian: word)
        // Below 0x0E: low seven bits + 0x72 stays under 0x80, and the high bit is clear.
        let control = ~(((word & low7) &+ 0x7272_7272_7272_7272) | word) & 0x8080_8080_8080_8080
        return zeroBytes(word ^ delimiterPattern) | zeroBytes(word ^ quotePattern) | control
    }

    @inline(__always)
    private mutating func endField(at position: Int, recordStart start: Int) {
        if tracksFields {
            if fieldIndex == fieldEndCapacity { growFieldEnds() }
            fieldEnds[fieldIndex] = UInt32(truncatingIfNeeded: position - start) << 2 | fieldFlags
        }
        fieldFlags = 0
        fieldIndex += 1
    }

    /// Doubles the scratch; bounded because a record has at most `maxRecordBytes + 1` fields before
    /// it is skipped as too long.
    @inline(never)
    private mutating func growFieldEnds() {
        let grown = UnsafeMutablePointer<UInt32>.allocate(capacity: fieldEndCapacity * 2)
        grown.moveInitialize(from: fieldEnds, count: fieldIndex)
        fieldEnds.deallocate()
        fieldEnds = grown
        fieldEndCapacity *= 2
    }

    private mutating func note(_ kind: Problem.Kind, at position: Int, recordStart start: Int) {
        if problem == nil && tracksFields {
            problem = Problem(kind: kind, offset: position - start, field: fieldIndex)
        }
    }
}
