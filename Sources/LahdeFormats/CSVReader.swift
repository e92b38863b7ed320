#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads CSV records one at a time from a ``ByteSource``, in constant memory.
///
/// Every call to ``next()`` yields either a record or a record-level error and then moves on, so a
/// corrupt row is quarantined with its exact location and raw bytes instead of failing the file.
/// Only I/O failures end the stream (they are thrown), because after one the remaining bytes are
/// unknown.
///
/// ```swift
/// let reader = try CSVReader(path: "osoitepaivitys.csv", dialect: CSVDialect(encoding: .windows1252))
/// let columns = try (reader.header ?? CSVHeader(names: [])).indexes(of: ["hetu", "postinumero"])
/// while let result = try reader.next() {
///     switch result {
///     case .success(let record): use(record.string(at: columns[0]), record.string(at: columns[1]))
///     case .failure(let error): quarantine(error.rawBytes, reason: "\(error)")
///     }
/// }
/// ```
///
/// Memory is one buffer of `maxRecordBytes + readSize` bytes, allocated once; a record that does not
/// fit is reported as too long and skipped to its end without being stored. The buffer is moved
/// only when it is full and only the unfinished record moves, so each byte is copied at most once
/// more after being read in the common case.
///
/// A class, not a struct: it owns the buffer and the source, and a copy sharing either would
/// silently steal records from the original.
public final class CSVReader {
    public let dialect: CSVDialect
    /// The header's column names; `nil` when ``CSVDialect/hasHeader`` is off.
    public private(set) var header: CSVHeader?
    /// The field count every data record is checked against: the dialect's, else the header's.
    @exclusivity(unchecked) public private(set) var expectedFieldCount: Int?

    private var source: any ByteSource
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private let readSize: Int
    private let classes: UnsafeMutablePointer<UInt8>
    /// ``SmallString/isAvailable``, for the views handed out.
    private let smallStrings = SmallString.isAvailable

    // The mutable state below is touched several times per record. Swift checks exclusive access to
    // class properties at run time, which perf showed to be about 15% of a whole read; `unchecked`
    // is sound here because the reader is not Sendable and never lends these properties out, so no
    // two accesses can overlap.
    @exclusivity(unchecked) private var scanner: CSVScanner

    /// Unconsumed bytes are `buffer[start..<end]`; the current record starts at `start` and has been
    /// scanned up to `position`.
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var position = 0
    @exclusivity(unchecked) private var end = 0
    /// File offset and line of the current record's first byte.
    @exclusivity(unchecked) private var recordFileOffset = 0
    @exclusivity(unchecked) private var line = 1
    @exclusivity(unchecked) private var sourceExhausted = false
    @exclusivity(unchecked) private var finished = false
    /// The first `maxRecordBytes` bytes of a record being skipped as too long.
    @exclusivity(unchecked) private var oversizePrefix: [UInt8]?

    /// Opens a reader and, if the dialect says so, reads the header.
    ///
    /// - Parameters:
    ///   - source: Where the bytes come from; the reader owns it from now on.
    ///   - dialect: How the file is written.
    ///   - readSize: How many bytes to ask the source for at a time.
    /// - Throws: ``CSVReaderError`` for an unusable dialect, a byte order mark contradicting the
    ///   declared encoding, or a missing or malformed header; or whatever the source throws.
    public init(_ source: any ByteSource, dialect: CSVDialect = CSVDialect(), readSize: Int = 256 << 10) throws {
        try dialect.validate()
        precondition(readSize > 0, "readSize must be positive")
        self.dialect = dialect
        self.source = source
        self.readSize = readSize
        // Room for the longest acceptable record plus its CR and the LF that tells whether the CR
        // stands alone: when the buffer is full without a record end, the record is too long.
        self.capacity = dialect.maxRecordBytes + max(readSize, 2)
        self.buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        self.classes = UnsafeMutablePointer<UInt8>.allocate(capacity: 512)
        self.scanner = CSVScanner(delimiter: dialect.delimiter, quote: dialect.quote)
        scanner.fillClassTable(classes)
        self.expectedFieldCount = dialect.expectedFieldCount

        try skipByteOrderMark()
        if dialect.hasHeader {
            switch try next() {
            case nil: throw CSVReaderError.missingHeader
            case .failure(let error): throw CSVReaderError.malformedHeader(error)
            case .success(let record):
                let header = CSVHeader(names: record.strings())
                self.header = header
                self.expectedFieldCount = dialect.expectedFieldCount ?? header.names.count
            }
        }
    }

    /// Opens the file at `path` with a ``FileByteSource``.
    public convenience init(path: String, dialect: CSVDialect = CSVDialect(), readSize: Int = 256 << 10) throws {
        try self.init(FileByteSource(path: path), dialect: dialect, readSize: readSize)
    }

    deinit {
        buffer.deallocate()
        classes.deallocate()
    }

    /// The next record or record-level error; `nil` at the end of the input.
    ///
    /// Blank lines (a line end with nothing before it) are skipped, not reported: they carry no
    /// data, and a trailing empty line is too common to quarantine. They still count for line numbers.
    ///
    /// - Throws: Only what the ``ByteSource`` throws; the reader is finished afterwards.
    public func next() throws -> Result<CSVRecord, CSVRecordError>? {
        switch try nextView() {
        case nil: nil
        case .success(let view): .success(view.copy())
        case .failure(let error): .failure(error)
        }
    }

    /// As ``next()``, but the record stays in the reader's buffer: valid only until the next call.
    package func nextView() throws -> Result<CSVRecordView, CSVRecordError>? {
        guard !finished else { return nil }
        while true {
            if let recordEnd = scanner.scan(
                buffer, classes: classes, recordStart: start, position: &position, end: end)
            {
                if let result = completeRecord(end: recordEnd) { return result }
                continue
            }
            if sourceExhausted {
                finished = true
                switch scanner.finish(recordStart: start, position: position) {
                case .nothing: return nil
                case .record: return completeRecord(end: position)
                case .unterminatedQuote: return .failure(unterminatedQuoteError())
                }
            }
            do {
                try refill()
            } catch {
                finished = true
                throw error
            }
        }
    }

    // MARK: - Records

    private func completeRecord(end recordEnd: Int) -> Result<CSVRecordView, CSVRecordError>? {
        let totalLength = scanner.discarded + recordEnd - start
        let contentLength = scanner.contentLength
        let location = CSVLocation(line: line, byteOffset: recordFileOffset)
        defer {
            line += scanner.extraLines + (totalLength > contentLength ? 1 : 0)
            recordFileOffset += totalLength
            start = recordEnd
            oversizePrefix = nil
            scanner.reset()
        }
        if contentLength == 0 { return nil }

        let limit = dialect.maxRecordBytes
        if contentLength > limit {
            let prefix = oversizePrefix ?? Array(UnsafeBufferPointer(start: buffer + start, count: limit))
            return .failure(
                CSVRecordError(
                    reason: .recordTooLong(limit: limit), location: location, rawBytes: prefix,
                    rawByteCount: totalLength))
        }

        let recordBytes = UnsafeBufferPointer(start: buffer + start, count: recordEnd - start)
        func failure(_ reason: CSVRecordError.Reason) -> Result<CSVRecordView, CSVRecordError> {
            .failure(CSVRecordError(reason: reason, location: location, rawBytes: Array(recordBytes), rawByteCount: totalLength))
        }
        if let problem = scanner.problem {
            switch problem.kind {
            case .strayQuote: return failure(.strayQuote(offset: problem.offset, field: problem.field))
            case .textAfterClosingQuote:
                return failure(.textAfterClosingQuote(offset: problem.offset, field: problem.field))
            case .nulByte: return failure(.nulByte(offset: problem.offset, field: problem.field))
            }
        }
        let content = UnsafeRawBufferPointer(start: buffer + start, count: contentLength)
        if let offset = dialect.encoding.firstInvalidByteOffset(in: content) {
            return failure(
                .invalidEncoding(
                    dialect.encoding, byte: content[offset], offset: offset, field: scanner.field(containing: offset)))
        }
        if let expectedFieldCount, scanner.fieldIndex != expectedFieldCount {
            return failure(.wrongFieldCount(expected: expectedFieldCount, actual: scanner.fieldIndex))
        }
        return .success(
            CSVRecordView(
                location: location, bytes: recordBytes, fieldEnds: scanner.fieldEndsBuffer,
                encoding: dialect.encoding, quote: dialect.quote, smallStrings: smallStrings))
    }

    private func unterminatedQuoteError() -> CSVRecordError {
        let totalLength = scanner.discarded + position - start
        let limit = dialect.maxRecordBytes
        let rawBytes =
            totalLength > limit
            ? oversizePrefix ?? Array(UnsafeBufferPointer(start: buffer + start, count: limit))
            : Array(UnsafeBufferPointer(start: buffer + start, count: totalLength))
        return CSVRecordError(
            reason: .unterminatedQuote(offset: scanner.openQuoteOffset, field: scanner.openQuoteField),
            location: CSVLocation(line: line, byteOffset: recordFileOffset),
            rawBytes: rawBytes,
            rawByteCount: totalLength)
    }

    // MARK: - Buffer

    /// Makes room and reads more; called only when the scanner has consumed every buffered byte.
    private func refill() throws {
        if scanner.tracksFields && position - start > dialect.maxRecordBytes + 1 {
            // Too long whatever comes next (even a CR already seen cannot change that): keep the
            // prefix for the quarantine and stop storing the rest.
            oversizePrefix = Array(UnsafeBufferPointer(start: buffer + start, count: dialect.maxRecordBytes))
            scanner.stopTrackingFields()
        }
        if !scanner.tracksFields {
            scanner.discarded += position - start
            start = 0
            position = 0
            end = 0
        } else if end == capacity {
            precondition(start > 0, "a full buffer always holds a record longer than maxRecordBytes")
            memmove(buffer, buffer + start, end - start)
            position -= start
            end -= start
            start = 0
        }
        try readMore()
    }

    private func readMore() throws {
        let count = min(readSize, capacity - end)
        let read = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: count))
        precondition(read >= 0 && read <= count, "a ByteSource returned more bytes than asked for")
        if read == 0 { sourceExhausted = true }
        end += read
    }

    /// Skips a UTF-8 byte order mark and refuses one that contradicts the declared encoding.
    private func skipByteOrderMark() throws {
        while end < 3 && !sourceExhausted { try readMore() }
        let head = UnsafeBufferPointer(start: buffer, count: end)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard dialect.encoding == .utf8 else {
                throw CSVReaderError.byteOrderMarkMismatch(found: "UTF-8", declared: dialect.encoding)
            }
            start = 3
            position = 3
            recordFileOffset = 3
        } else if head.starts(with: [0xFF, 0xFE]) {
            throw CSVReaderError.byteOrderMarkMismatch(found: "UTF-16LE", declared: dialect.encoding)
        } else if head.starts(with: [0xFE, 0xFF]) {
            throw CSVReaderError.byteOrderMarkMismatch(found: "UTF-16BE", declared: dialect.encoding)
        }
    }
}
