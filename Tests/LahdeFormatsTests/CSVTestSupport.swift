import Testing

@testable import LahdeFormats

typealias ReadResult = Result<CSVRecord, CSVRecordError>

/// Reads every record of `bytes`; the dialect defaults to no header so inputs stay short.
func readAll(
    _ bytes: [UInt8],
    dialect: CSVDialect = CSVDialect(hasHeader: false),
    maxReadSize: Int = .max,
    readSize: Int = 256 << 10
) throws -> [ReadResult] {
    let reader = try CSVReader(MemoryByteSource(bytes, maxReadSize: maxReadSize), dialect: dialect, readSize: readSize)
    return try drain(reader)
}

func readAll(_ text: String, dialect: CSVDialect = CSVDialect(hasHeader: false)) throws -> [ReadResult] {
    try readAll(Array(text.utf8), dialect: dialect)
}

func drain(_ reader: CSVReader) throws -> [ReadResult] {
    var results: [ReadResult] = []
    while let result = try reader.next() { results.append(result) }
    return results
}

/// The decoded fields of every record; records that failed show up as `["<error: …>"]` so a
/// mismatch prints something readable.
func fields(_ results: [ReadResult]) -> [[String]] {
    results.map { result in
        switch result {
        case .success(let record): record.strings()
        case .failure(let error): ["<error: \(error)>"]
        }
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

extension Result {
    var success: Success? {
        if case .success(let value) = self { value } else { nil }
    }

    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}

extension ReadResult {
    var location: CSVLocation {
        switch self {
        case .success(let record): record.location
        case .failure(let error): error.location
        }
    }

    var rawBytes: [UInt8] {
        switch self {
        case .success(let record): record.rawBytes
        case .failure(let error): error.rawBytes
        }
    }
}

/// Hands out its bytes in a scripted sequence of read sizes (then the rest in one piece), so a test
/// can put a chunk boundary at any byte.
struct ScriptedByteSource: ByteSource {
    let bytes: [UInt8]
    var sizes: [Int]
    var position = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let wanted = sizes.isEmpty ? Int.max : sizes.removeFirst()
        let count = min(wanted, buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        for offset in 0..<count { buffer[offset] = bytes[position + offset] }
        position += count
        return count
    }
}

/// Produces a prefix and then `count` copies of one byte without ever holding them, to feed a
/// reader more data than it may buffer.
struct RepeatingByteSource: ByteSource {
    let prefix: [UInt8]
    let byte: UInt8
    var remaining: Int
    var prefixSent = false

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        if !prefixSent {
            prefixSent = true
            buffer.copyBytes(from: prefix)
            return prefix.count
        }
        let count = min(buffer.count, remaining)
        UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]).initializeMemory(as: UInt8.self, repeating: byte)
        remaining -= count
        return count
    }
}

/// Fails on the n-th read, to check that I/O errors end the stream.
struct FailingByteSource: ByteSource {
    struct Failure: Error, Equatable {}
    var inner: MemoryByteSource
    var readsBeforeFailure: Int

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if readsBeforeFailure == 0 { throw Failure() }
        readsBeforeFailure -= 1
        return inner.read(into: buffer)
    }
}


/// An independent RFC 4180 writer working on UTF-8 bytes.
///
/// It quotes a field when it contains the
/// delimiter, the quote, CR or LF, or when asked to, and doubles quotes inside. A record of one
/// empty field is always quoted, since an empty line is a blank line to the reader.
func csvLine(
    _ fields: [String],
    delimiter: UInt8 = UInt8(ascii: ";"),
    quote: UInt8 = UInt8(ascii: "\""),
    forceQuote: Set<Int> = [],
    lineEnd: [UInt8] = [0x0A]
) -> [UInt8] {
    var line: [UInt8] = []
    for (index, field) in fields.enumerated() {
        if index > 0 { line.append(delimiter) }
        let utf8 = Array(field.utf8)
        let needsQuotes =
            forceQuote.contains(index) || (fields.count == 1 && utf8.isEmpty)
            || utf8.contains { $0 == delimiter || $0 == quote || $0 == 0x0D || $0 == 0x0A }
        guard needsQuotes else {
            line += utf8
            continue
        }
        line.append(quote)
        for byte in utf8 {
            line.append(byte)
            if byte == quote { line.append(quote) }
        }
        line.append(quote)
    }
    return line + lineEnd
}
