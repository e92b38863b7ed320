import Foundation
import LahdeCore
import LahdeStore

/// A feed file on disk: its identity (SHA-256 of the content, computed in one streaming pass before the
/// load so that content already loaded is recognised without parsing it) and random access to its bytes.
public struct InputFile: Sendable {
    public let path: String
    public let sha256: String
    public let byteCount: Int64

    public static let chunkSize = 256 * 1024

    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputFileError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total: Int64 = 0
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
            } catch {
                throw InputFileError("cannot read \(path): \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { hasher.update($0) }
            total += Int64(chunk.count)
        }
        self.path = path
        self.sha256 = hasher.finalizeHex()
        self.byteCount = total
    }

    /// The loader's view of this file.
    public var batchInput: BatchInput {
        let path = self.path
        return BatchInput(fileName: (path as NSString).lastPathComponent, sha256: sha256, byteCount: byteCount) { range in
            guard let handle = FileHandle(forReadingAtPath: path) else { throw InputFileError("cannot reopen \(path)") }
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(range.lowerBound))
            return Array(try handle.read(upToCount: Int(range.count)) ?? Data())
        }
    }

    /// Reads the file line by line in chunks (constant memory), with each line's byte range and number.
    ///
    /// A line longer than `maximumLineBytes` is handed over truncated with `overlong` set, so that the
    /// caller can quarantine it rather than the reader buffering without bound.
    public func forEachLine(maximumLineBytes: Int = 1 << 20, _ body: (_ line: [UInt8], _ number: Int, _ range: Range<Int64>, _ overlong: Bool) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputFileError("cannot open \(path)") }
        defer { try? handle.close() }
        var line: [UInt8] = []
        var overlong = false
        var lineStart: Int64 = 0
        var offset: Int64 = 0
        var number = 0
        while let chunk = try handle.read(upToCount: Self.chunkSize), !chunk.isEmpty {
            // Each chunk is searched for line feeds and copied in runs, not byte by byte through `Data`'s
            // iterator, which was a tenth of a large import's client time.
            try chunk.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                let bytes = buffer.bindMemory(to: UInt8.self)
                var runStart = 0
                while runStart < bytes.count {
                    let newline = bytes[runStart...].firstIndex(of: 0x0A)
                    let runEnd = newline ?? bytes.count
                    // The CR of a CRLF ending is not part of the line, and does not count against its limit.
                    let contentEnd = newline != nil && runEnd > runStart && bytes[runEnd - 1] == 0x0D ? runEnd - 1 : runEnd
                    let room = maximumLineBytes - line.count
                    if contentEnd - runStart > room { overlong = true }
                    if room > 0 { line.append(contentsOf: bytes[runStart..<(runStart + min(room, contentEnd - runStart))]) }
                    offset += Int64(runEnd - runStart)
                    guard newline != nil else { break }
                    offset += 1
                    number += 1
                    if contentEnd == runEnd, line.last == 0x0D { line.removeLast() }  // a CR at the previous chunk's end
                    try body(line, number, lineStart..<offset, overlong)
                    line.removeAll(keepingCapacity: true)
                    overlong = false
                    lineStart = offset
                    runStart = runEnd + 1
                }
            }
        }
        if !line.isEmpty || overlong {
            number += 1
            try body(line, number, lineStart..<offset, overlong)
        }
    }
}

public struct InputFileError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension InputFile {
    /// The loader's view of this file as `format` reads it: with its preamble (a CSV header line), kept
    /// with the batch so that `lahde quarantine retry` can read a quarantined record on its own.
    public func batchInput(for format: ConnectorDefinition.Format) -> BatchInput {
        var input = batchInput
        if format.csv?.header == true { input.preamble = try? firstLine() }
        return input
    }

    /// The first line, line end included (at most 1 MiB).
    func firstLine() throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputFileError("cannot open \(path)") }
        defer { try? handle.close() }
        var line: [UInt8] = []
        while line.count < 1 << 20, let chunk = try handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
            if let end = chunk.firstIndex(of: 0x0A) {
                line += chunk[chunk.startIndex...end]
                return line
            }
            line += chunk
        }
        return line
    }
}
