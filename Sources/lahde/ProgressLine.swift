import Foundation

/// A one-line progress display on standard error for long imports: records read, rate and the stage.
///
/// Only when standard error is a terminal — in a scheduled job's log the line's carriage returns would
/// be noise — and never with `--json`, whose consumers read standard output only.
final class ProgressLine {
    private let enabled: Bool
    private let label: String
    private var count = 0
    private let start = Date()
    private var lastDrawn = Date.distantPast

    init(label: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.enabled = enabled
    }

    /// Counts one record; redraws at most ten times a second.
    func advance() {
        count += 1
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.1 else { return }
        lastDrawn = now
        let rate = Double(count) / max(now.timeIntervalSince(start), 0.001)
        draw("\(label): \(count.formatted()) records read, \(Int(rate).formatted())/s")
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
