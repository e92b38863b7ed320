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

    /// The offset of the first byte of `target` (1-based); the end of the file when it has fewer lines.
    func offset(ofLine target: Int) throws -> Int64 {
        while line < target {
            if index == chunk.count {
                chunkStart += Int64(chunk.count)
                chunk = Array(try handle.read(upToCount: InputFile.chunkSize) ?? Data())
                index = 0
                if chunk.isEmpty { return chunkStart }
            }
            if let newline = chunk[index...].firstIndex(of: 0x0A) {
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
