#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What ``VTJLegacyReader`` yields for each record of a legacy change file.
public enum VTJLegacyItem: Sendable {
    case record(VTJLegacyRecord)
    case error(VTJLegacyRecordError)
}

/// Streams the population register's legacy change files (`.PTT` base delivery, `.MTT` changes): a
/// 26-byte identification part (itself usually closed by a `|`), then `|`-terminated data groups, one event per line, continuation
/// lines (`J`) merged into the event before them, `'''` envelope lines skipped.
///
/// Memory stays constant: one read buffer and the record being assembled. Every structural fault
/// (a cut line, a group count that disagrees, an unknown group, an impossible date, bytes that are not
/// in the declared encoding) turns that record into a ``VTJLegacyItem/error(_:)`` with its line and
/// exact bytes, and reading goes on; only an I/O failure of the source ends the stream.
///
/// Positions are byte offsets, which is what the format defines for its single-byte encodings; that is
/// also why a UTF-8 file declared ISO-8859-1 is refused line by line rather than read with its fields
/// shifted.
public struct VTJLegacyReader<Source: ByteSource> {
    private var source: Source
    public let encoding: TextEncoding
    public let maximumLineBytes: Int
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var bufferFileOffset: Int64 = 0
    private var reachedEnd = false
    private var lineNumber = 0
    private var pending: VTJLegacyPending?

    /// - Parameters:
    ///   - encoding: the file's declared encoding; the register's files are ISO-8859-1.
    ///   - maximumLineBytes: a longer line is reported as an error (its first bytes kept) rather than
    ///     buffered without bound.
    public init(source: Source, encoding: TextEncoding = .iso8859_1, chunkSize: Int = 256 * 1024, maximumLineBytes: Int = 64 * 1024) {
        self.source = source
        self.encoding = encoding
        self.maximumLineBytes = maximumLineBytes
        self.buffer = [UInt8](repeating: 0, count: max(chunkSize, maximumLineBytes + 2))
    }

    /// The next record or record error; `nil` at the end of the file.
    ///
    /// - Throws: only the source's I/O errors.
    public mutating func next() throws -> VTJLegacyItem? {
        while true {
            guard let line = try readLine() else {
                if let last = pending {
                    pending = nil
                    return last.finish(encoding: encoding)
                }
                return nil
            }
            if let item = process(line) { return item }
        }
    }

    // MARK: - Records

    private mutating func process(_ line: VTJLegacyLine) -> VTJLegacyItem? {
        let count = line.content.count
        let first = count > 0 ? buffer[line.content.lowerBound] : 0
        let isEnvelope = count >= 3 && first == 0x27 && buffer[line.content.lowerBound + 1] == 0x27 && buffer[line.content.lowerBound + 2] == 0x27
        // Only a line that starts with white space can be blank; checking that first spares a pass over every line.
        let isBlank = !line.overlong && (count == 0 || ((first == 0x20 || first == 0x09) && buffer[line.content].allSatisfy { $0 == 0x20 || $0 == 0x09 }))
        if isEnvelope || isBlank {
            defer { pending = nil }
            return pending?.finish(encoding: encoding)
        }
        let isContinuation = count > 22 && buffer[line.content.lowerBound + 22] == 0x4A  // 'J'
        if isContinuation, pending != nil {
            var record = pending!
            pending = nil
            let base = record.raw.count
            record.raw.append(contentsOf: line.overlong ? overlongRaw : Array(buffer[line.full]))
            record.lineCount += 1
            record.byteRange = record.byteRange.lowerBound..<line.fileRange.upperBound
            if record.error == nil {
                let sameHetu = count >= 11 && record.henkilotunnus.elementsEqual(buffer[line.content.lowerBound..<(line.content.lowerBound + 11)])
                if line.overlong {
                    record.error = .lineTooLong(line: line.number, limit: maximumLineBytes)
                } else if !sameHetu {
                    record.error = .continuationOfOtherPerson(line: line.number)
                } else {
                    record.error = parseGroups(line, rawBase: base, into: &record.groups)
                }
            }
            pending = record
            return nil
        }
        let previous = pending
        var record = VTJLegacyPending(line: line.number, byteRange: line.fileRange)
        record.raw = line.overlong ? overlongRaw : Array(buffer[line.full])
        if line.overlong {
            record.error = .lineTooLong(line: line.number, limit: maximumLineBytes)
        } else if isContinuation {
            record.error = .continuationWithoutRecord
        } else if count < VTJLegacyLayout.identificationLength {
            record.error = .truncatedIdentification(length: count)
        } else {
            let s = line.content.lowerBound
            record.henkilotunnus = Array(buffer[s..<(s + 11)])
            record.event = String(decoding: buffer[(s + 11)..<(s + 14)], as: UTF8.self)
            record.flag = buffer[s + 22]
            record.role = buffer[s + 23]
            if let date = buffer.withUnsafeBufferPointer({ VTJDate.parse($0, at: s + 14) }) {
                record.registered = date
                record.error = parseGroups(line, rawBase: 0, into: &record.groups)
            } else {
                record.error = .impossibleRegistrationDate(line: line.number)
            }
        }
        pending = record
        return previous?.finish(encoding: encoding)
    }

    /// Splits the line's data groups into `groups`, with ranges relative to the record's raw bytes.
    private func parseGroups(_ line: VTJLegacyLine, rawBase: Int, into groups: inout [VTJLegacyGroup]) -> VTJLegacyRecordError.Reason? {
        if let problem = checkEncoding(line) { return problem }
        return buffer.withUnsafeBufferPointer { bytes -> VTJLegacyRecordError.Reason? in
            let s = line.content.lowerBound
            let e = line.content.upperBound
            guard e - s >= VTJLegacyLayout.identificationLength else { return .truncatedIdentification(length: e - s) }
            let tens = bytes[s + 24]
            let ones = bytes[s + 25]
            guard isDigit(tens), isDigit(ones) else { return .groupCountNotNumeric(line: line.number) }
            let declared = Int(tens - 0x30) * 10 + Int(ones - 0x30)
            // Offset of the line's first byte within the record's raw bytes.
            let rawShift = rawBase - line.full.lowerBound
            var position = s + VTJLegacyLayout.identificationLength
            // The register's own sample lines close the identification part with a `|` too; accept both shapes.
            if position < e, bytes[position] == 0x7C { position += 1 }
            var found = 0
            let base = bytes.baseAddress!
            while position < e {
                guard let hit = memchr(base + position, 0x7C, e - position) else { return .unterminatedGroup(line: line.number) }
                let bar = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                found += 1
                let length = bar - position
                guard length >= 4, isDigit(bytes[position]), isDigit(bytes[position + 1]), isDigit(bytes[position + 2]) else {
                    return .invalidGroupHeader(line: line.number, group: found)
                }
                let code = UInt16(bytes[position] - 0x30) * 100 + UInt16(bytes[position + 1] - 0x30) * 10 + UInt16(bytes[position + 2] - 0x30)
                // Built only for a message: a string per group would cost more than the rest of the parse.
                let codeText = { String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<(position + 3)]), as: UTF8.self) }
                let lookup = VTJLegacyLayout.byCode[Int(code)]
                if case .unknown = lookup { return .unknownGroupCode(line: line.number, code: codeText()) }
                guard let change = VTJChangeType(legacyDigit: bytes[position + 3]) else {
                    return .unknownChangeType(line: line.number, code: codeText(), byte: bytes[position + 3])
                }
                if case .interpreted(let layout) = lookup {
                    guard length == layout.length else {
                        return .groupLength(line: line.number, code: codeText(), length: length, expected: layout.length)
                    }
                    for offset in layout.dateOffsets where VTJDate.parse(bytes, at: position + offset) == nil {
                        return .impossibleDate(line: line.number, code: codeText(), offset: offset)
                    }
                }
                groups.append(VTJLegacyGroup(code: code, change: change, range: (position + rawShift)..<(bar + rawShift), line: line.number))
                position = bar + 1
            }
            guard found == declared else { return .groupCountMismatch(line: line.number, declared: declared, found: found) }
            return nil
        }
    }

    private func checkEncoding(_ line: VTJLegacyLine) -> VTJLegacyRecordError.Reason? {
        buffer.withUnsafeBufferPointer { bytes -> VTJLegacyRecordError.Reason? in
            let content = UnsafeBufferPointer(rebasing: bytes[line.content])
            guard hasHighByte(content) else { return nil }
            let raw = UnsafeRawBufferPointer(content)
            if let offset = encoding.firstInvalidByteOffset(in: raw) {
                return .invalidEncoding(line: line.number, encoding: encoding, byte: content[offset], offset: offset)
            }
            // Latin-1 Finnish text is practically never valid UTF-8 (ä = E4 must be followed by two
            // continuation bytes); a line that is, is a UTF-8 file under the wrong label.
            if encoding != .utf8, TextEncoding.utf8.firstInvalidByteOffset(in: raw) == nil {
                return .utf8InSingleByteFile(line: line.number, declared: encoding)
            }
            return nil
        }
    }

    // MARK: - Lines

    private mutating func readLine() throws -> VTJLegacyLine? {
        while true {
            if start < end {
                let found = buffer.withUnsafeBufferPointer { bytes -> Int? in
                    guard let hit = memchr(bytes.baseAddress! + start, 0x0A, end - start) else { return nil }
                    return bytes.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                }
                if let newline = found {
                    return takeLine(upTo: newline, fullEnd: newline + 1, overlong: false)
                }
            }
            if reachedEnd {
                guard start < end else { return nil }
                return takeLine(upTo: end, fullEnd: end, overlong: false)
            }
            if start > 0 {
                let remaining = end - start
                if remaining > 0 {
                    buffer.withUnsafeMutableBufferPointer { bytes in
                        _ = memmove(bytes.baseAddress!, bytes.baseAddress! + start, remaining)
                    }
                }
                bufferFileOffset += Int64(start)
                start = 0
                end = remaining
            }
            if end - start > maximumLineBytes {
                return try takeOverlongLine()
            }
            let count = try buffer.withUnsafeMutableBytes { bytes in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[end...]))
            }
            if count == 0 { reachedEnd = true } else { end += count }
        }
    }

    private mutating func takeLine(upTo newline: Int, fullEnd: Int, overlong: Bool) -> VTJLegacyLine {
        var contentEnd = newline
        if contentEnd > start, buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
        lineNumber += 1
        let line = VTJLegacyLine(
            content: start..<contentEnd, full: start..<fullEnd,
            fileRange: (bufferFileOffset + Int64(start))..<(bufferFileOffset + Int64(fullEnd)), number: lineNumber, overlong: overlong)
        start = fullEnd
        return line
    }

    /// Keeps the first `maximumLineBytes` of a line that has no end in sight and skips the rest of it.
    private mutating func takeOverlongLine() throws -> VTJLegacyLine {
        let kept = Array(buffer[start..<(start + maximumLineBytes)])
        let lineStart = bufferFileOffset + Int64(start)
        var skipped = bufferFileOffset + Int64(end)
        start = 0
        end = 0
        bufferFileOffset = skipped
        while true {
            let count = try buffer.withUnsafeMutableBytes { bytes in try source.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[0...])) }
            if count == 0 {
                reachedEnd = true
                break
            }
            let newline = buffer.withUnsafeBufferPointer { bytes -> Int? in
                guard let hit = memchr(bytes.baseAddress!, 0x0A, count) else { return nil }
                return bytes.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            if let newline {
                start = newline + 1
                end = count
                skipped += Int64(newline + 1)
                bufferFileOffset = skipped - Int64(start)
                break
            }
            skipped += Int64(count)
            bufferFileOffset = skipped
        }
        // Put the kept bytes where `process` expects the line: at the front of a fresh region.
        lineNumber += 1
        let keptLine = VTJLegacyLine(content: 0..<0, full: 0..<0, fileRange: lineStart..<skipped, number: lineNumber, overlong: true)
        overlongRaw = kept
        return keptLine
    }

    private var overlongRaw: [UInt8] = []
}

/// Whether any byte is 0x80 or above, eight bytes at a time: most lines are plain ASCII and this runs
/// over every byte of the file.
private func hasHighByte(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return false }
    let raw = UnsafeRawPointer(base)
    var index = 0
    var accumulated: UInt64 = 0
    while index + 8 <= bytes.count {
        accumulated |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        index += 8
    }
    while index < bytes.count {
        accumulated |= UInt64(bytes[index])
        index += 1
    }
    return accumulated & 0x8080_8080_8080_8080 != 0
}

@inline(__always) private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

/// The record being assembled. Outside the generic reader so that using it needs no generic metadata
/// lookups (a measurable share of the parse when the reader is used from another module).
private struct VTJLegacyPending {
    var raw: [UInt8] = []
    var groups: [VTJLegacyGroup] = []
    var henkilotunnus: [UInt8] = []
    var event = ""
    var registered = VTJDate.undefined
    var flag: UInt8 = 0
    var role: UInt8 = 0
    var line: Int
    var lineCount = 1
    var byteRange: Range<Int64>
    var error: VTJLegacyRecordError.Reason?

    func finish(encoding: TextEncoding) -> VTJLegacyItem {
        if let error {
            return .error(VTJLegacyRecordError(reason: error, line: line, byteRange: byteRange, raw: raw))
        }
        return .record(VTJLegacyRecord(
            henkilotunnus: String(decoding: henkilotunnus, as: UTF8.self), event: event, registered: registered,
            newPersonFlag: flag, role: role, groups: groups, line: line, lineCount: lineCount, byteRange: byteRange, raw: raw,
            encoding: encoding))
    }
}

private struct VTJLegacyLine {
    /// The line without its CR LF, in `buffer`.
    var content: Range<Int>
    /// With its line end, in `buffer`.
    var full: Range<Int>
    var fileRange: Range<Int64>
    var number: Int
    var overlong: Bool
}
