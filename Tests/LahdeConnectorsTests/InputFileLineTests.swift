import _LahdeTestSupport
import Foundation
import LahdeConnectors
import Testing

/// `InputFile.forEachLine`: lines across the reader's chunk boundaries, CRLF and LF endings, a last line
/// without an ending, and lines cut at the limit, each with its number and byte range.
@Suite("Input file: lines")
struct InputFileLineTests {
    static func lines(of bytes: [UInt8], limit: Int = 1 << 20) throws -> [(text: [UInt8], number: Int, range: Range<Int64>, overlong: Bool)] {
        let folder = try TemporaryFolder.make(prefix: "lahde-lines")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("feed.txt").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        var lines: [(text: [UInt8], number: Int, range: Range<Int64>, overlong: Bool)] = []
        try InputFile(path: path).forEachLine(maximumLineBytes: limit) { lines.append(($0, $1, $2, $3)) }
        return lines
    }

    @Test("every line of a file several chunks long, with its byte range")
    func acrossChunks() throws {
        var bytes: [UInt8] = []
        var expected: [[UInt8]] = []
        var number = 0
        while bytes.count < InputFile.chunkSize * 3 + 100 {
            number += 1
            let line = Array("line \(number) ".utf8) + Array(repeating: UInt8(ascii: "x"), count: number % 997)
            expected.append(line)
            bytes += line + (number % 2 == 0 ? [0x0D, 0x0A] : [0x0A])
        }
        bytes += Array("last, without an ending".utf8)
        expected.append(Array("last, without an ending".utf8))
        let lines = try Self.lines(of: bytes)
        #expect(lines.count == expected.count)
        #expect(lines.map(\.text) == expected)
        #expect(lines.map(\.number) == Array(1...expected.count))
        #expect(!lines.contains { $0.overlong })
        // The ranges tile the file: each starts where the previous ended, the last ends at the file's end.
        #expect(lines.first?.range.lowerBound == 0)
        #expect(lines.last?.range.upperBound == Int64(bytes.count))
        #expect(zip(lines, lines.dropFirst()).allSatisfy { $0.range.upperBound == $1.range.lowerBound })
        let third = lines[2].range
        #expect(Array(bytes[Int(third.lowerBound)..<Int(third.upperBound)]) == expected[2] + [0x0A])
    }

    @Test("a line over the limit is cut there and marked; the next line is whole")
    func overlong() throws {
        let lines = try Self.lines(of: Array("abcdefgh\r\nabcd\r\nabcde\nxy".utf8), limit: 4)
        #expect(lines.map { String(decoding: $0.text, as: UTF8.self) } == ["abcd", "abcd", "abcd", "xy"])
        // "abcd\r\n" is exactly at the limit: its CR ends the line and is not content.
        #expect(lines.map(\.overlong) == [true, false, true, false])
        #expect(lines.map(\.range) == [0..<10, 10..<16, 16..<22, 22..<24])
    }

    @Test("an empty file has no lines; a lone line feed is one empty line")
    func empty() throws {
        #expect(try Self.lines(of: []).isEmpty)
        let lone = try Self.lines(of: [0x0A])
        #expect(lone.count == 1 && lone[0].text.isEmpty && lone[0].range == 0..<1)
    }
}
