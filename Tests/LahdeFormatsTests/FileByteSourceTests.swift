import Foundation
import Testing

@testable import LahdeFormats

@Suite("FileByteSource")
struct FileByteSourceTests {
    /// A file in a fresh temporary folder, removed when `body` returns.
    func withTemporaryFile(_ contents: [UInt8], _ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lahde-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("feed.csv")
        try Data(contents).write(to: file)
        try body(file.path)
    }

    @Test("reading a file gives the same results as reading the bytes from memory", arguments: [1, 3, 4096])
    func fileMatchesMemory(_ readSize: Int) throws {
        var input: [UInt8] = [0xEF, 0xBB, 0xBF] + bytes("hetu;nimi\r\n")
        for index in 0..<2_000 {
            input += csvLine(
                ["\(index)", index % 7 == 0 ? "Mäki;\n\"\(index)\"" : "Virtanen \(index)"], lineEnd: [0x0D, 0x0A])
        }
        try withTemporaryFile(input) { path in
            let fromFile = try CSVReader(path: path, readSize: readSize)
            let fromMemory = try CSVReader(MemoryByteSource(input), readSize: readSize)
            #expect(fromFile.header == fromMemory.header)
            let results = try drain(fromFile)
            #expect(results.count == 2_000)
            #expect(results == (try drain(fromMemory)))
            #expect(results[7].success?.string(at: 1) == "Mäki;\n\"7\"")
        }
    }

    @Test("a descriptor the caller opened can be read and is closed only when asked")
    func fromDescriptor() throws {
        try withTemporaryFile(bytes("a;b\n")) { path in
            let descriptor = open(path, O_RDONLY)
            #expect(descriptor >= 0)
            do {
                let reader = try CSVReader(
                    FileByteSource(fileDescriptor: descriptor, name: "stdin"), dialect: CSVDialect(hasHeader: false))
                #expect(fields(try drain(reader)) == [["a", "b"]])
            }
            // Still open: closing it succeeds exactly once.
            #expect(close(descriptor) == 0)
        }
    }

    @Test("a missing file is an open error naming the path and the reason")
    func missingFile() {
        let path = "/nonexistent/lahde/feed.csv"
        #expect(throws: FileByteSourceError(operation: .open, path: path, errno: ENOENT)) {
            try FileByteSource(path: path)
        }
        let message = FileByteSourceError(operation: .open, path: path, errno: ENOENT).description
        #expect(message == "cannot open \(path): No such file or directory")
    }

    @Test("a read failure is thrown with the path, here reading a directory")
    func readFailure() throws {
        let path = FileManager.default.temporaryDirectory.path
        #expect(throws: FileByteSourceError(operation: .read, path: path, errno: EISDIR)) {
            try CSVReader(path: path)
        }
    }
}
