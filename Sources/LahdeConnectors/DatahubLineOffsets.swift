import Foundation

/// Byte offsets of line starts in a file, found by one forward scan as the XML reader moves on.
///
/// libxml2's reader reports lines, not byte offsets (its own byte count runs ahead by its read-ahead), so
/// the messages' byte ranges are cut at line starts. Lines are asked for in increasing order, so one
/// pass in chunks suffices and memory stays constant.
final class DatahubLineOffsets {
    private let handle: FileHandle
    private var chunk: [UInt8] = []
    private var index = 0
    private var chunkStart: Int64 = 0
    private var line = 1
    private var lineStart: Int64 = 0

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputFileError("cannot open \(path)") }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The bytes of `range`, read at their offset (without moving the forward scan): the window in which a
    /// message's start tag is searched. Through the open file, as reopening it per message was a visible cost.
    func bytes(_ range: Range<Int64>) throws -> [UInt8] {
        let descriptor = handle.fileDescriptor
        return try [UInt8](unsafeUninitializedCapacity: Int(range.count)) { buffer, initialized in
            var done = 0
            while done < buffer.count {
                let count = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(range.lowerBound) + off_t(done))
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                done += count
            }
            initialized = done
            if done < buffer.count { throw InputFileError("cannot read bytes \(range) of the file") }
        }
    }

    /// The offset of the first byte of `target` (1-based); the end of the file when it has fewer lines.
    func offset(ofLine target: Int) throws -> Int64 {
        while line < target {
            if index == chunk.count {
                chunkStart += Int64(chunk.count)
                chunk = Array(try handle.read(upToCount: InputFile.chunkSize) ?? Data())
                index = 0
                if chunk.isEmpty { return chunkStart }
            }
            // memchr: a byte-by-byte Swift search was a visible share of the per-message cost.
            let from = index
            let found = chunk.withUnsafeBufferPointer { buffer in
                memchr(buffer.baseAddress! + from, 0x0A, buffer.count - from).map { UnsafeRawPointer($0) - UnsafeRawPointer(buffer.baseAddress!) }
            }
            if let newline = found {
                index = newline + 1
                line += 1
                lineStart = chunkStart + Int64(index)
            } else {
                index = chunk.count
            }
        }
        return lineStart
    }
}
