import Foundation
import LahdeFetch

/// The files of a folder in the order `lahde replay` imports them, each with its connector.
///
/// The order must be the same on every machine and every run, or two replays of one folder could build
/// two different registers (survivorship breaks ties of equal validity by arrival). It is the feed's own
/// time, then the file name, then the path below the folder:
/// - the feed's own time is the first date in the file name (`2026-03-01`, `20260301`, as a day in
///   Finland) — every feed Lähde knows carries one, and reading it needs no parsing of the content;
/// - a file without a date in its name falls back to its modification time, which is only as
///   deterministic as the copy that produced the folder (the plan says which files were ordered so).
///
/// The jobs' archive (`archive/<connector>/<sha256>` with a `<sha256>.json` sidecar, see
/// ``ArchiveSidecar``) is read too: such a file belongs to the connector its folder is named after (or
/// the sidecar names), and its name and time are those the sidecar keeps — the date in the original
/// name, else the time it was fetched. Patterns are not consulted for it: a hash says nothing.
public struct ReplayPlan: Sendable {
    public struct Entry: Sendable {
        /// The path as given (the folder joined with the path below it).
        public let path: String
        /// The path below the folder, with `/` separators.
        public let relativePath: String
        public let connector: String
        public let feedTime: Date
        /// `file-name` when the time came from a date in the name, `modification-time` otherwise;
        /// for an archived feed `sidecar` (a time the pull recorded), `original-name` or `fetch-time`.
        public let timeSource: String
        /// For a feed from the jobs' archive: the name it had at its source (the ledger shows it).
        public var originalName: String? = nil

        /// The name that orders ties and that the ledger shows.
        public var displayName: String { originalName ?? (relativePath as NSString).lastPathComponent }
    }

    public let entries: [Entry]
    /// Files no connector's `replay.files` matches (the folder's notes, expected outcomes…): not imported.
    public let unmatched: [String]

    /// Plans a replay of `folder` with the definitions that have a `replay` section.
    public init(folder: String, definitions: [ConnectorDefinition]) throws {
        var selections: [String: ReplaySelection] = [:]
        for definition in definitions { selections[definition.name] = definition.replay }
        try self.init(folder: folder, selections: selections, connectors: Set(definitions.map(\.name)))
    }

    /// Plans a replay of `folder` with each connector's `replay` section, by connector name.
    ///
    /// - Parameter connectors: every connector there is (an archived feed may belong to one without a
    ///   `replay` section); by default those with one.
    /// - Throws: ``ReplayPlanError`` when the folder cannot be read, a file matches two connectors, or an
    ///   archived feed has no sidecar or no known connector.
    public init(folder: String, selections: [String: ReplaySelection], connectors: Set<String>? = nil) throws {
        let known = connectors ?? Set(selections.keys)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReplayPlanError(description: "\(folder) is not a folder")
        }
        let selecting = selections.sorted { $0.key < $1.key }
        var entries: [Entry] = []
        var unmatched: [String] = []
        let files = try Self.files(under: folder)
        let present = Set(files)
        for relative in files {
            let name = (relative as NSString).lastPathComponent
            let path = (folder as NSString).appendingPathComponent(relative)
            if ArchiveSidecar.isArchiveName(name) {
                guard let sidecar = ArchiveSidecar.read(besideFeed: path) else {
                    throw ReplayPlanError(description: "\(relative) is an archived feed without a readable sidecar (\(name).json)")
                }
                let folderName = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
                guard let connector = known.contains(folderName) ? folderName : sidecar.connector.flatMap({ known.contains($0) ? $0 : nil })
                else {
                    throw ReplayPlanError(
                        description: "\(relative) (\(sidecar.originalName)) was archived by \(sidecar.connector ?? folderName), which is not a connector here")
                }
                let (time, source) =
                    sidecar.feedTime.map { ($0, "sidecar") } ?? Self.dateInName(sidecar.originalName).map { ($0, "original-name") }
                    ?? (sidecar.fetchedAt, "fetch-time")
                entries.append(
                    Entry(path: path, relativePath: relative, connector: connector, feedTime: time, timeSource: source, originalName: sidecar.originalName))
                continue
            }
            if name.hasSuffix(".json"), ArchiveSidecar.isArchiveName(String(name.dropLast(5))),
                present.contains(String(relative.dropLast(5)))
            {
                continue  // the sidecar of an archived feed, read with it
            }
            let matching = selecting.filter { $0.value.matches(name) }.map(\.key)
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
            let (nameA, nameB) = (a.displayName, b.displayName)
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
