import _LahdeTestSupport
import Foundation
import LahdeCore
import Testing

@testable import LahdeConnectors

/// The observation-line reader's own JSON path for plain lines: whatever it reads must be exactly what
/// Foundation reads, and whatever it declines goes to Foundation, so the connector's verdicts are unchanged.
@Suite("Observation lines: the plain-line reader")
struct ObservationLinesReaderTests {
    static let usual = #"{"entity":"party","keys":{"customer_number":"1000001","henkilotunnus":"010594Y9032"},"valid_from":"2026-01-01","fields":{"first_names":"Äijä Öllö","last_name":"Virtanen","email":null,"marketing_ban":true,"x":false}}"#

    static func plain(_ line: String) -> [String: JSONLineValue]? { PlainJSONLineReader.read(Array(line.utf8)) }

    static func foundation(_ line: String) -> [String: JSONLineValue]? {
        guard case .object(let object)? = JSONLineValue.parsedByFoundation(Array(line.utf8)) else { return nil }
        return object
    }

    @Test("reads the usual shape itself, with the values Foundation reads")
    func usualShape() throws {
        for line in [Self.usual, " \t{ \"entity\" : \"party\" , \"keys\" : { } , \"fields\" : {\"a\":\"\"} }\r\n ", "{}"] {
            let plain = try #require(Self.plain(line), "the plain reader declined \(line)")
            #expect(plain == Self.foundation(line))
        }
        #expect(Self.plain(Self.usual)?["fields"] == .object([
            "first_names": .string("Äijä Öllö"), "last_name": .string("Virtanen"), "email": .null,
            "marketing_ban": .bool(true), "x": .bool(false),
        ]))
    }

    @Test("declines what it does not read, and Foundation's reading stands", arguments: [
        #"{"fields":{"last_name":"O\"Brien"}}"#,  // an escape
        #"{"fields":{"last_name":"Virtanen\u00e4"}}"#,
        #"{"fields":{"postal_code":100}}"#,  // a number
        #"{"fields":{"phones":["1","2"]}}"#,  // an array
        #"{"fields":{"a":{"b":{}}}}"#,  // deeper than two objects
        #"{"entity":"party","entity":"contract"}"#,  // a repeated key
        #"{"entity":"party"} trailing"#,
        #"{"entity":"party""#,
        #"{"entity":"par"#,
        #"{"entity" "party"}"#,
        #"{"entity":"party",}"#,
        #"{"entity":tru}"#,
        #"["entity"]"#,
        "{\"entity\":\"a\u{01}b\"}",  // a raw control character
        "",
    ])
    func declines(_ line: String) {
        #expect(Self.plain(line) == nil)
    }

    /// Random damage to a usual line: wherever the plain reader still reads it, Foundation reads the same.
    @Test("agrees with Foundation on 20,000 damaged lines")
    func damagedLines() {
        var random = SeededGenerator(seed: 2026)
        let pieces = Array(#"{}[]":,\ tfn0-9.eÄ"#.utf8) + Array("true".utf8) + Array("null".utf8)
        let original = Array(Self.usual.utf8)
        var readPlainly = 0
        for _ in 0..<20_000 {
            var bytes = original
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(pieces[Int(random.next() % UInt64(pieces.count))], at: position)
                default: bytes[position] = pieces[Int(random.next() % UInt64(pieces.count))]
                }
            }
            guard String(validating: bytes, as: UTF8.self) != nil else { continue }
            let line = String(decoding: bytes, as: UTF8.self)
            if let plain = Self.plain(line) {
                readPlainly += 1
                #expect(plain == Self.foundation(line), "\(line)")
            }
        }
        // Some damage leaves a valid plain line (a changed letter inside a string): the comparison ran.
        #expect(readPlainly > 1000)
    }

    @Test("the connector's records and verdicts, through either path")
    func connectorVerdicts() throws {
        let lines = [
            #"{"entity":"party","keys":{"customer_number":"100001"},"valid_from":"2026-03-01","fields":{"last_name":"O\"Brien","email":null,"marketing_ban":true}}"#,
            #"{"entity":"party","keys":{"customer_number":"100002"},"valid_from":"2026-03-01","fields":{"last_name":"Virtanen"}}"#,
            #"{"entity":"party","keys":{"customer_number":"100003"},"valid_from":"2026-03-02","fields":{"postal_code":100}}"#,
            #"{"entity":"party","keys":{"customer_number":"100004"},"valid_from":"2026-03-01","fields":{"last_name":"Koski"}}"#,
            #"{"entity":"party","keys":{"customer_number":"100005"},"valid_from":"1.3.2026","fields":{"last_name":"Koski"}}"#,
            #"{"entity":"party","keys":{"customer_number":"100005"},"valid_from":"1.3.2026","fields":{"last_name":"Koski"}} x"#,
        ]
        let folder = try TemporaryFolder.make(prefix: "lahde-observation-lines")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("lines.jsonl").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(lines.joined(separator: "\n").utf8))
        var items: [FeedItem] = []
        try ObservationLinesConnector().read(try InputFile(path: path)) { items.append($0) }
        #expect(items.count == 6)
        guard case .record(let first) = items[0], case .record(let second) = items[1], case .record(let fourth) = items[3] else {
            Issue.record("expected records on lines 1, 2 and 4: \(items)")
            return
        }
        #expect(first.observations.map(\.field) == ["email", "last_name", "marketing_ban"])
        #expect(first.observations.map(\.value) == [nil, "O\"Brien", "true"])
        #expect(second.observations.map(\.value) == ["Virtanen"])
        // Line 4 shares line 1's validity date (read once, kept for the next line that has it).
        #expect(fourth.validFrom == FeedTime.parse("2026-03-01"))
        #expect(first.validFrom == fourth.validFrom)
        let reasons = items.compactMap { if case .rejected(let rejected) = $0 { rejected.reason } else { nil } }
        #expect(reasons == [
            "field 'postal_code' must be a string, a boolean or null",
            "'valid_from' must be a date yyyy-mm-dd or an ISO 8601 time with offset",
            "the line is not a JSON object",
        ])
    }

    @Test("validity times parsed once give what parsing each gives")
    func validityTimes() {
        var times = ValidityTimes()
        for text in ["2026-03-01", "2026-03-01", "2026-07-01", "2026-03-01T12:00:00+02:00", "2026-02-30", "2026-02-30", "2026-03-01"] {
            #expect(times.parse(text) == FeedTime.parse(text), "\(text)")
        }
    }
}
