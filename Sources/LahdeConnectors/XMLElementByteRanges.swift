import Foundation

/// Finds, in one forward pass over a file, the exact byte range of each element with a given local name:
/// from the `<` of its start tag to the `>` of its end tag.
///
/// libxml2's reader reports lines, not byte offsets, and a record must be quarantinable byte for byte
/// (the loader re-reads it by range). So the file is scanned a second time, in chunks, by a small lexer
/// that knows just enough XML to skip what could hide a look-alike tag: comments, CDATA sections,
/// processing instructions, declarations and quoted attribute values. The elements are found in the
/// same order the XML reader hands them over; the prefix is ignored (the reader matches by namespace), so
/// each range also carries the lines its start tag spans, and the caller can pass over a look-alike the
/// reader did not select (another namespace) by the line the reader reports.
final class XMLElementByteRanges {
    private let handle: FileHandle
    private let local: [UInt8]
    private var buffer: [UInt8] = []
    private var position = 0
    /// The file offset of `buffer[0]`.
    private var bufferStart: Int64 = 0
    private var atEnd = false
    /// The line of `buffer[countedIndex]`; newlines before it are counted.
    private var countedLine = 1
    private var countedIndex = 0

    /// An element's bytes and the lines its start tag begins and ends on.
    struct Element {
        let range: Range<Int64>
        let startTagLines: ClosedRange<Int>
    }

    init(path: String, localName: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputFileError("cannot open \(path)") }
        self.handle = handle
        self.local = Array(localName.utf8)
    }

    deinit { try? handle.close() }

    /// The offset the scan has reached (the end of the last range handed out).
    var offset: Int64 { bufferStart + Int64(position) }

    /// The next element whose start tag spans `line` (libxml2's line for it), skipping others; `nil`
    /// when there is none.
    func next(spanning line: Int) throws -> Range<Int64>? {
        while let element = try next() {
            if element.startTagLines.contains(line) { return element.range }
            if element.startTagLines.lowerBound > line { return nil }
        }
        return nil
    }

    /// The next element, or `nil` when the file holds no further complete one.
    func next() throws -> Element? {
        var start: (offset: Int64, lines: ClosedRange<Int>)?
        while try available(1) {
            guard buffer[position] == UInt8(ascii: "<") else {
                position += 1
                continue
            }
            let tagStart = offset
            let tagLine = try line()
            guard try available(2) else { return nil }
            switch buffer[position + 1] {
            case UInt8(ascii: "?"):
                position += 2
                try skip(past: Array("?>".utf8))
            case UInt8(ascii: "!"):
                if try starts(with: Array("<!--".utf8)) {
                    position += 4
                    try skip(past: Array("-->".utf8))
                } else if try starts(with: Array("<![CDATA[".utf8)) {
                    position += 9
                    try skip(past: Array("]]>".utf8))
                } else {
                    position += 2
                    try skipTag()
                }
            case UInt8(ascii: "/"):
                position += 2
                let matches = try readNameMatches()
                try skipTag()
                if matches, let start { return Element(range: start.offset..<offset, startTagLines: start.lines) }
            default:
                position += 1
                let matches = try readNameMatches()
                let selfClosing = try skipTag()
                if matches {
                    let lines = tagLine...(try line())
                    if selfClosing { return Element(range: tagStart..<offset, startTagLines: lines) }
                    start = (tagStart, lines)
                }
            }
        }
        return nil
    }

    /// Makes at least `count` bytes available from `position`; `false` at the end of the file.
    private func available(_ count: Int) throws -> Bool {
        while buffer.count - position < count {
            if atEnd { return false }
            if position > 0 {
                _ = try line()
                countedIndex -= position
                buffer.removeFirst(position)
                bufferStart += Int64(position)
                position = 0
            }
            guard let data = try handle.read(upToCount: InputFile.chunkSize), !data.isEmpty else {
                atEnd = true
                return false
            }
            buffer.append(contentsOf: data)
        }
        return true
    }

    /// The line of the byte at `position`.
    private func line() throws -> Int {
        if countedIndex < position {
            countedLine += buffer[countedIndex..<position].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            countedIndex = position
        }
        return countedLine
    }

    private func starts(with bytes: [UInt8]) throws -> Bool {
        guard try available(bytes.count) else { return false }
        return buffer[position..<(position + bytes.count)].elementsEqual(bytes)
    }

    private func skip(past terminator: [UInt8]) throws {
        while try available(terminator.count) {
            if buffer[position..<(position + terminator.count)].elementsEqual(terminator) {
                position += terminator.count
                return
            }
            position += 1
        }
        position = buffer.count
    }

    /// Reads a tag's name and says whether its local part is the one searched for.
    private func readNameMatches() throws -> Bool {
        var name: [UInt8] = []
        while try available(1) {
            let byte = buffer[position]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") { break }
            name.append(byte)
            position += 1
        }
        let localPart = name.lastIndex(of: UInt8(ascii: ":")).map { Array(name[($0 + 1)...]) } ?? name
        return localPart == local
    }

    /// Skips to just past the tag's `>`, over quoted attribute values; says whether it was `/>`.
    @discardableResult
    private func skipTag() throws -> Bool {
        var quote: UInt8?
        var previous: UInt8 = 0
        while try available(1) {
            let byte = buffer[position]
            position += 1
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return previous == UInt8(ascii: "/")
            }
            previous = byte
        }
        return false
    }
}
