import _LahdeTestSupport
import Foundation
@testable import LahdeStore
import Testing

/// The retention purge's archive rule keeps an archived feed and its sidecar together.
@Suite("retention purge: archived feeds and their sidecars")
struct ArchivePurgeSidecarTests {
    @Test("an expired feed takes its sidecar along; a sidecar whose feed stays is kept")
    func pairs() throws {
        let folder = try TemporaryFolder.make(prefix: "lahde-purge-sidecar")
        defer { try? FileManager.default.removeItem(at: folder) }
        let gone = String(repeating: "a", count: 64)
        let kept = String(repeating: "b", count: 64)
        for name in [gone, gone + ".json", kept, kept + ".json", "notes.json"] {
            try Data("x".utf8).write(to: folder.appendingPathComponent(name))
        }
        let path = { (name: String) in folder.appendingPathComponent(name).path }
        // Only the feed `gone` and the sidecar of `kept` are past the period (a second's difference in age).
        let result = RetentionPurge.keepingSidecarsWithTheirFeeds([path(gone), path(kept + ".json"), path("notes.json")])
        #expect(result.sorted() == [path(gone), path(gone + ".json"), path("notes.json")].sorted())
    }
}
