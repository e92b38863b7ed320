import Foundation

/// Finds, in one forward pass over a file, the exact byte range of each element with a given local name:
/// from the `<` of its start tag to the `>` of its end tag.
///
/// libxml2's reader reports lines, not byte offsets, and a record must be quarantinable byte for byte
/// (the loader re-reads it by range). So the file is scanned a second time, in chunks, by a small lexer
/// that knows just enough XML to skip what could hide a look-alike tag: comments, CDATA sections,
/// processing instructions, declarations and quoted attribute values. The elements are found in the
/// same order the XML reader hands them over; the prefix is ignored, as the reader matches by namespace.
final class XMLElementByteRanges {
    private let handle: FileHandle
    private let local: [UInt8]
    private var buffer: [UInt8] = []
    private var position = 0
    /// The file offset of `buffer[0]`.
    private var bufferStart: Int64 = 0
    private var atEnd = false

    init(path: String, localName: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputFileError("cannot open \(path)") }
        self.handle = handle
        self.local = Array(localName.utf8)
    }

    deinit { try? handle.close() }

    /// The offset the scan has reached (the end of the last range handed out).
    var offset: Int64 { bufferStart + Int64(position) }

    /// The next element's range, or `nil` when the file holds no further complete one.
    func next() throws -> Range<Int64>? {
        var start: Int64?
        while try available(1) {
            guard buffer[position] == UInt8(ascii: "<") else {
                position += 1
                continue
            }
            let tagStart = offset
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
                if matches, let start { return start..<offset }
            default:
                position += 1
                let matches = try readNameMatches()
                let selfClosing = try skipTag()
                if matches {
                    if selfClosing { return tagStart..<offset }
                    start = tagStart
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
