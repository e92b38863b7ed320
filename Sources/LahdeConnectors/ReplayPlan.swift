import Foundation

/// The files of a folder in the order `lahde replay` imports them, each with its connector.
///
/// The order must be the same on every machine and every run, or two replays of one folder could build
/// two different registers (survivorship breaks ties of equal validity by arrival). It is the feed's own
/// time, then the file name, then the path below the folder:
/// - the feed's own time is the first date in the file name (`2026-03-01`, `20260301`, as a day in
///   Finland) — every feed Lähde knows carries one, and reading it needs no parsing of the content;
/// - a file without a date in its name falls back to its modification time, which is only as
///   deterministic as the copy that produced the folder (the plan says which files were ordered so).
public struct ReplayPlan: Sendable {
    public struct Entry: Sendable {
        /// The path as given (the folder joined with the path below it).
        public let path: String
        /// The path below the folder, with `/` separators.
        public let relativePath: String
        public let connector: String
        public let feedTime: Date
        /// `file-name` when the time came from a date in the name, `modification-time` otherwise.
        public let timeSource: String
    }

    public let entries: [Entry]
    /// Files no connector's `replay.files` matches (the folder's notes, expected outcomes…): not imported.
    public let unmatched: [String]

    /// Plans a replay of `folder` with the definitions that have a `replay` section.
    public init(folder: String, definitions: [ConnectorDefinition]) throws {
        var selections: [String: ReplaySelection] = [:]
        for definition in definitions { selections[definition.name] = definition.replay }
        try self.init(folder: folder, selections: selections)
    }

    /// Plans a replay of `folder` with each connector's `replay` section, by connector name.
    ///
    /// - Throws: ``ReplayPlanError`` when the folder cannot be read or a file matches two connectors.
    public init(folder: String, selections: [String: ReplaySelection]) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReplayPlanError(description: "\(folder) is not a folder")
        }
        let selecting = selections.sorted { $0.key < $1.key }
        var entries: [Entry] = []
        var unmatched: [String] = []
        for relative in try Self.files(under: folder) {
            let name = (relative as NSString).lastPathComponent
            let matching = selecting.filter { $0.value.matches(name) }.map(\.key)
            let path = (folder as NSString).appendingPathComponent(relative)
            guard let connector = matching.first else {
                unmatched.append(relative)
                continue
            }
            guard matching.count == 1 else {
                throw ReplayPlanError(description: "\(relative) matches the replay files of more than one connector: \(matching.joined(separator: ", "))")
            }
            if let time = Self.dateInName(name) {
                entries.append(Entry(path: path, relativePath: relative, connector: connector, feedTime: time, timeSource: "file-name"))
            } else {
                let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                let modified = attributes?[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0)
                entries.append(Entry(path: path, relativePath: relative, connector: connector, feedTime: modified, timeSource: "modification-time"))
            }
        }
        self.entries = entries.sorted { a, b in
            if a.feedTime != b.feedTime { return a.feedTime < b.feedTime }
            let (nameA, nameB) = ((a.relativePath as NSString).lastPathComponent, (b.relativePath as NSString).lastPathComponent)
            if nameA != nameB { return nameA < nameB }
            return a.relativePath < b.relativePath
        }
        self.unmatched = unmatched.sorted()
    }

    /// Every regular file below `folder`, skipping hidden files and folders, as paths relative to it.
    static func files(under folder: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else {
            throw ReplayPlanError(description: "cannot read \(folder)")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular { files.append(relative) }
        }
        return files
    }

    /// The first plausible calendar date in a file name: `YYYY-MM-DD` or `YYYYMMDD`, as the start of
    /// that day in Finland.
    public static func dateInName(_ name: String) -> Date? {
        let digits = Array(name.utf8)
        var index = 0
        while index < digits.count {
            guard Self.isDigit(digits[index]) else { index += 1; continue }
            var end = index
            while end < digits.count, Self.isDigit(digits[end]) || digits[end] == UInt8(ascii: "-") { end += 1 }
            let run = String(decoding: digits[index..<end], as: UTF8.self)
            if let date = Self.date(in: run) { return date }
            index = end
        }
        return nil
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// A date at the start of a run of digits and dashes (`2026-03-01-F01`, `20260301`).
    private static func date(in run: String) -> Date? {
        let compact: String
        if run.count >= 10, run.dropFirst(4).first == "-", run.dropFirst(7).first == "-" {
            compact = String(run.prefix(10)).replacingOccurrences(of: "-", with: "")
        } else {
            let leading = run.prefix { $0 != "-" }
            guard leading.count == 8 else { return nil }
            compact = String(leading)
        }
        guard compact.count == 8, compact.allSatisfy(\.isNumber), let year = Int(compact.prefix(4)), (1900...2199).contains(year) else { return nil }
        let text = "\(compact.prefix(4))-\(compact.dropFirst(4).prefix(2))-\(compact.suffix(2))"
        return FeedTime.parse(text)
    }
}

public struct ReplayPlanError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
