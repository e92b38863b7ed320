import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import Testing

/// Hostile change-API pages (issue 8): bytes that are not UTF-8, nesting deep enough to exhaust a recursive
/// parser's stack, and a huge string. Each page is rejected or its record quarantined — never a crash.
@Suite("VTJ change API: hostile pages")
struct VTJHostileInputTests {
    static func read(bytes: [UInt8]) throws -> [FeedItem] {
        let folder = try TemporaryFolder.make(prefix: "lahde-vtj-hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("page.json").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        var items: [FeedItem] = []
        try VTJChangeAPIConnector().read(try InputFile(path: path)) { items.append($0) }
        return items
    }

    static func rejections(_ items: [FeedItem]) -> [RejectedRecord] {
        items.compactMap { if case .rejected(let rejected) = $0 { rejected } else { nil } }
    }

    @Test("a page that is not valid UTF-8 is one rejected page, with its bytes")
    func invalidUTF8() throws {
        let bytes = Array(#"{"muutokset": [{"henkilotunnus": "240376-931J", "x": ""#.utf8) + [0xE4, 0xFF] + Array(#""}]}"#.utf8)
        let items = try Self.read(bytes: bytes)
        let rejected = Self.rejections(items)
        #expect(items.count == 1)
        #expect(rejected.first?.locator == "page")
        #expect(rejected.first?.reason == "the page is not valid UTF-8")
        #expect(rejected.first?.raw == bytes)
    }

    @Test("a record nested 100 000 levels deep is quarantined, not a stack overflow", arguments: ["[", "{\"a\":"])
    func deepNesting(opener: String) throws {
        let closer = opener == "[" ? "]" : "}"
        let depth = 100_000
        let record = "{\"henkilotunnus\": \"240376-931J\", \"tietoryhmat\": " + String(repeating: opener, count: depth) + "1" + String(repeating: closer, count: depth) + "}"
        let page = "{\"muutokset\": [" + record + "]}"
        let items = try Self.read(bytes: Array(page.utf8))
        #expect(items.count == 1)
        let rejected = Self.rejections(items)
        #expect(rejected.count == 1, "\(rejected.map(\.reason))")
        #expect(rejected.first?.reason.contains("240376-931J") == false)
    }

    @Test("a 4 MB string value is read whole and does not stop the next record")
    func hugeString() throws {
        let huge = "{\"henkilotunnus\": \"240376-931J\", \"muutospv\": \"2026-03-02T10:15:00.000Z\", \"x\": \"" + String(repeating: "a", count: 4 << 20) + "\", \"tietoryhmat\": []}"
        let next = "{\"henkilotunnus\": \"240376-931J\", \"muutospv\": \"2026-03-02T10:15:00.000Z\", \"tietoryhmat\": []}"
        let items = try Self.read(bytes: Array(("{\"muutokset\": [" + huge + ", " + next + "]}").utf8))
        #expect(items.count == 2)
    }
}

/// The same hostile JSON through the observation-lines connector: one bad line loses only itself.
@Suite("Observation lines: hostile lines")
struct ObservationLinesHostileInputTests {
    @Test("a line nested 100 000 deep and a line of invalid UTF-8 are rejected; the good line between them is read")
    func hostileLines() throws {
        let deep = "{\"entity\": \"party\", \"keys\": {\"customer_number\": \"1\"}, \"fields\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}\n"
        let good = #"{"entity": "party", "keys": {"customer_number": "100001"}, "fields": {"last_name": "Salonen"}}"# + "\n"
        let bytes = Array(deep.utf8) + Array(good.utf8) + Array(#"{"entity": "party", "keys": {"customer_number": "1"}, "fields": {"last_name": ""#.utf8) + [0xFF, 0xFE] + Array("\"}}\n".utf8)
        let folder = try TemporaryFolder.make(prefix: "lahde-jsonl-hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("feed.jsonl").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        var records = 0
        var rejected: [String] = []
        try ObservationLinesConnector().read(try InputFile(path: path)) { item in
            switch item {
            case .record: records += 1
            case .rejected(let rejection): rejected.append(rejection.locator)
            }
        }
        #expect(records == 1)
        #expect(rejected == ["line 1", "line 3"])
    }
}
