import Foundation
import LahdeCore

/// What was last archived from one URL — its hash and the source's modification time — kept in
/// `archive/<connector>/.sources/` so that the next download can ask for the file only if it changed.
struct SourceRecord {
    struct Entry: Equatable {
        let sha256: String
        /// Seconds since 1970 as the source reported it, or -1 when it did not.
        let fileTime: Int
    }

    let path: String

    init(folder: URL, url: String) {
        let name = String(SHA256.hex(of: Array(url.utf8)).prefix(24))
        path = folder.appendingPathComponent(".sources", isDirectory: true).appendingPathComponent(name).path
    }

    func read() -> Entry? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count == 2, parts[0].count == 64, let time = Int(parts[1]) else { return nil }
        return Entry(sha256: String(parts[0]), fileTime: time)
    }

    /// Best effort: without the record the next download simply transfers the file again.
    func write(sha256: String, fileTime: Int) {
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try? "\(sha256) \(fileTime)\n".write(toFile: path, atomically: true, encoding: .utf8)
    }
}
