import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import LahdeFetch
import Testing

@Suite("Replay plan")
struct ReplayPlanTests {
    static func definition(_ name: String, files: [String]) throws -> ConnectorDefinition {
        let json = """
            {"name": "\(name)", "format": {"type": "observations-jsonl"}, "creates_entities": false, "trust": {"default": 1},
             "replay": {"files": [\(files.map { "\"\($0)\"" }.joined(separator: ", "))]}}
            """
        return try JSONDecoder().decode(ConnectorDefinition.self, from: Data(json.utf8))
    }

    @Test("a date in the name is the feed's time, as a day in Finland; names without a plausible date have none")
    func datesInNames() throws {
        let helsinki = try #require(TimeZone(identifier: "Europe/Helsinki"))
        func day(_ name: String) -> String? {
            ReplayPlan.dateInName(name).map {
                let formatter = DateFormatter()
                formatter.timeZone = helsinki
                formatter.dateFormat = "yyyy-MM-dd HH:mm"
                return formatter.string(from: $0)
            }
        }
        #expect(day("customers-2026-01-01.csv") == "2026-01-01 00:00")
        #expect(day("LAHDE_20260308_002.MTT") == "2026-03-08 00:00")
        #expect(day("2026-03-02-E58-new-accounting-point.xml") == "2026-03-02 00:00")
        #expect(day("muutokset-2026-03-10-page-1.json") == "2026-03-10 00:00")
        #expect(day("feed-12345678.csv") == nil)  // not a calendar date
        #expect(day("feed-2026-13-01.csv") == nil)
        #expect(day("page-1.json") == nil)
    }

    @Test("files are ordered by feed time, then name, then path; hidden files and unclaimed files are not imported; two claims are refused")
    func ordering() throws {
        let folder = try TemporaryFolder.make(prefix: "lahde-replay-plan")
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ relative: String, modified: Date? = nil) throws {
            let url = folder.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("{}\n".utf8).write(to: url)
            if let modified { try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path) }
        }
        try write("b/2026-02-01-x.jsonl")
        try write("a/2026-02-01-x.jsonl")
        try write("2026-01-15-y.jsonl")
        try write("undated.jsonl", modified: Date(timeIntervalSince1970: 1_767_225_600))  // 2026-01-01T00:00Z
        try write("notes.md")
        try write(".hidden/2020-01-01-z.jsonl")
        try write(".2020-01-01-z.jsonl")
        let plan = try ReplayPlan(folder: folder.path, definitions: [try Self.definition("lines", files: ["*.jsonl"])])
        #expect(plan.entries.map(\.relativePath) == ["undated.jsonl", "2026-01-15-y.jsonl", "a/2026-02-01-x.jsonl", "b/2026-02-01-x.jsonl"])
        #expect(plan.entries.map(\.timeSource) == ["modification-time", "file-name", "file-name", "file-name"])
        #expect(plan.entries.allSatisfy { $0.connector == "lines" })
        #expect(plan.unmatched == ["notes.md"])

        #expect(throws: ReplayPlanError.self) {
            _ = try ReplayPlan(folder: folder.path, definitions: [try Self.definition("one", files: ["*.jsonl"]), try Self.definition("two", files: ["2026-*"])])
        }
        #expect(throws: ReplayPlanError.self) { _ = try ReplayPlan(folder: folder.appendingPathComponent("notes.md").path, definitions: []) }
    }

    @Test("an unknown key in the replay section is refused")
    func unknownReplayKey() throws {
        let json = """
            {"name": "x", "format": {"type": "observations-jsonl"}, "creates_entities": false, "trust": {"default": 1},
             "replay": {"file": ["*.jsonl"]}}
            """
        #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(ConnectorDefinition.self, from: Data(json.utf8)) }
    }

    @Test("archived feeds are read by their folder's or sidecar's connector, ordered by the date in the original name, else the fetch time")
    func archivedFeeds() throws {
        let archive = try TemporaryFolder.make(prefix: "lahde-replay-archive")
        defer { try? FileManager.default.removeItem(at: archive) }
        func archiveFeed(_ text: String, connector: String, folder: String? = nil, originalName: String, fetchedAt: Date) throws -> String {
            let target = archive.appendingPathComponent(folder ?? connector)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            let sha256 = SHA256.hex(of: Array(text.utf8))
            try Data(text.utf8).write(to: target.appendingPathComponent(sha256))
            try ArchiveSidecar(
                originalName: originalName, url: "https://example.invalid/\(originalName)", sha256: sha256, byteCount: Int64(text.utf8.count),
                fetchedAt: fetchedAt, connector: connector
            ).write(in: target)
            return sha256
        }
        let march = try #require(FeedTime.parse("2026-03-01"))
        let undated = try archiveFeed("b\n", connector: "beta", originalName: "export.jsonl", fetchedAt: march.addingTimeInterval(-86_400 * 40))
        let dated = try archiveFeed("a\n", connector: "alpha", originalName: "2026-03-01-alpha.jsonl", fetchedAt: march.addingTimeInterval(86_400 * 30))
        // A folder that is no connector's: the sidecar names it.
        let moved = try archiveFeed("c\n", connector: "alpha", folder: "moved", originalName: "2026-02-01-alpha.jsonl", fetchedAt: march)
        // Hidden bookkeeping (.partial, .sources) is not read.
        try FileManager.default.createDirectory(at: archive.appendingPathComponent("alpha/.partial"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: archive.appendingPathComponent("alpha/.partial/abc.part"))

        let plan = try ReplayPlan(
            folder: archive.path, selections: ["alpha": ReplaySelection(files: ["*-alpha.jsonl"])], connectors: ["alpha", "beta"])
        #expect(plan.entries.map(\.relativePath) == ["beta/\(undated)", "moved/\(moved)", "alpha/\(dated)"])
        #expect(plan.entries.map(\.connector) == ["beta", "alpha", "alpha"])
        #expect(plan.entries.map(\.timeSource) == ["fetch-time", "original-name", "original-name"])
        #expect(plan.entries.map(\.originalName) == ["export.jsonl", "2026-02-01-alpha.jsonl", "2026-03-01-alpha.jsonl"])
        #expect(plan.unmatched == [])

        // An archived feed whose connector is unknown, or without its sidecar, stops the plan.
        #expect(throws: ReplayPlanError.self) { try ReplayPlan(folder: archive.path, selections: [:], connectors: ["alpha"]) }
        try FileManager.default.removeItem(at: archive.appendingPathComponent("beta/\(undated).json"))
        #expect(throws: ReplayPlanError.self) { try ReplayPlan(folder: archive.path, selections: [:], connectors: ["alpha", "beta"]) }
    }
}
