import Foundation

/// A one-line progress display on standard error for long imports: records read, rate and the stage.
///
/// Only when standard error is a terminal — in a scheduled job's log the line's carriage returns would
/// be noise — and never with `--json`, whose consumers read standard output only.
final class ProgressLine {
    private let enabled: Bool
    private let label: String
    private let totalBytes: Int64?
    private var count = 0
    private var bytesDone: Int64 = 0
    private let start = Date()
    private var lastDrawn = Date.distantPast

    /// - Parameter totalBytes: the file's size; with it the line shows a bar, the share done and an ETA,
    ///   measured by how far into the file the last record ended.
    init(label: String, totalBytes: Int64? = nil, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.totalBytes = totalBytes
        self.enabled = enabled
    }

    /// Counts one record that ended at `offset` bytes into the file (if known); redraws at most ten times
    /// a second.
    func advance(through offset: Int64? = nil) {
        count += 1
        if let offset { bytesDone = max(bytesDone, offset) }
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.1 else { return }
        lastDrawn = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = "\(count.formatted()) records read, \(Int(Double(count) / elapsed).formatted())/s"
        guard let totalBytes, totalBytes > 0, bytesDone > 0 else {
            draw("\(label): \(rate)")
            return
        }
        let done = min(Double(bytesDone) / Double(totalBytes), 1)
        draw("\(label): \(Self.bar(done)) \(Int(done * 100))% \(rate), ETA \(Self.clock(elapsed * (1 - done) / done))")
    }

    static func bar(_ done: Double, width: Int = 20) -> String {
        let filled = Int((done * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
    }

    /// `m:ss`, or `h:mm:ss` from an hour up.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }

    /// Shows what happens now that reading is done (the merge can take a while on big files).
    func stage(_ text: String) {
        guard enabled else { return }
        draw("\(label): \(count.formatted()) records read; \(text)")
    }

    /// Clears the line before the result is printed.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    private func draw(_ text: String) {
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }
}
