import _LahdeTestSupport
import Foundation
import LahdeCore
import LahdePostgres
import Testing

/// Lähde's promise that a henkilötunnus never appears in full outside the register, checked on everything
/// a full run prints: every sample feed imported through the real binary at debug log level, then the
/// ledger, the quarantine and the provenance of every person, in human and JSON form.
///
/// `lahde export` is left out on purpose: it answers a person's right of access and shows their own codes.
/// So is the `raw` line of `lahde quarantine show`: it is the record's exact bytes, shown to an operator
/// to repair the input (its JSON form carries them as base64).
@Suite("No henkilötunnus in output")
struct OutputScanTests {
    let lahde = LahdeExecutable.built()
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every sample feed with its connector, in the feeds' time order (as `lahde replay samples/` takes them).
    static let imports: [(connector: String, files: [String])] = [
        ("customer-system-jsonl", ["observations/2026-01-01-customers.jsonl"]),
        ("customer-system", ["customers/customers-2026-01-01.csv"]),
        ("customer-system-accounting-points", ["customers/accounting-points-2026-01-01.csv"]),
        ("asiakastieto-address", ["credit-data/asiakastieto-2026-02-01.csv"]),
        ("rectification", ["observations/2026-02-15-rectifications.jsonl"]),
        ("posti-address", ["credit-data/posti-2026-02-15.csv"]),
        ("datahub", datahubSamples()),
        ("vtj-changes", ["vtj/LAHDE_20260301_001.MTT", "vtj/LAHDE_20260308_002.MTT"]),
        ("vtj-api", ["vtj/muutokset-2026-03-10-page-1.json"]),
        ("vtj-xml", ["vtj/henkilot-2026-03-12.xml"]),
    ]

    /// Every Datahub sample message, in name (= time) order.
    static func datahubSamples() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: repository.appendingPathComponent("samples/datahub").path)) ?? []
        return names.filter { $0.hasSuffix(".xml") }.sorted().map { "datahub/" + $0 }
    }

    /// Every valid henkilötunnus in the bytes of every sample file (ISO-8859-1 and UTF-8 agree on ASCII).
    static func identityCodes() throws -> Set<String> {
        let samples = repository.appendingPathComponent("samples")
        var codes: Set<String> = []
        let files = FileManager.default.enumerator(at: samples, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where !file.hasDirectoryPath {
            let bytes = Array(try Data(contentsOf: file))
            guard bytes.count >= 11 else { continue }
            for start in 0...(bytes.count - 11) {
                let window = bytes[start..<(start + 11)]
                guard window.allSatisfy({ $0 < 0x80 }) else { continue }
                if let code = try? Henkilotunnus.parse(String(decoding: window, as: UTF8.self)) {
                    codes.insert(code.value)
                }
            }
        }
        return codes
    }

    @Test("a full run over every sample feed prints no henkilötunnus from the inputs, in logs, errors, output or quarantine reasons")
    func fullRunLeaksNoIdentityCode() throws {
        let codes = try Self.identityCodes()
        #expect(codes.count >= 10, "the samples should hold identity codes to look for; found \(codes.count)")
        let database = try TestCluster.freshDatabase(migrated: false)
        let home = try TemporaryFolder.make(prefix: "lahde-scan")
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = [
            "LAHDE_DATABASE_URL": database.conninfo, "LAHDE_HOME": home.path, "LAHDE_LOG_LEVEL": "debug",
            "LAHDE_CONNECTORS": Self.repository.appendingPathComponent("connectors").path,
        ]
        var transcript: [(command: String, text: String)] = []
        func run(_ arguments: [String], keepRawLine: Bool = true) throws {
            let outcome = try lahde.run(arguments, environment: environment)
            var output = outcome.output
            if !keepRawLine {
                output = output.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("raw ") }.joined(separator: "\n")
            }
            transcript.append((arguments.joined(separator: " "), output + "\n" + outcome.errorOutput))
        }
        for json in [false, true] {
            for (connector, files) in Self.imports {
                let paths = files.map { Self.repository.appendingPathComponent("samples/" + $0).path }
                try run(["import", "--connector", connector, "--force"] + (json ? ["--json"] : []) + paths)
            }
        }
        try run(["replay", Self.repository.appendingPathComponent("samples").path])
        // Something must have been logged at debug level, or the scan proves little.
        #expect(transcript.contains { $0.text.contains("debug") })
        try run(["batches"])
        try run(["batches", "--json"])
        try run(["quarantine", "list"])
        let list = try lahde.run(["quarantine", "list", "--json"], environment: environment)
        transcript.append(("quarantine list --json", list.output + list.errorOutput))
        let ids = list.output.split(separator: "\n").compactMap { line -> Int? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) else { return nil }
            if let record = object as? [String: Any] { return record["id"] as? Int ?? record["quarantine_id"] as? Int }
            return nil
        }
        #expect(ids.isEmpty == false, "the samples quarantine some records")
        for id in ids {
            try run(["quarantine", "show", String(id)], keepRawLine: false)
            try run(["quarantine", "show", String(id), "--json"])
        }
        // Provenance of every person, looked up by each identity code (the argument itself must not be echoed).
        for code in codes.sorted() {
            try run(["provenance", code])
            try run(["provenance", code, "--history", "--json"])
        }
        for customer in ["100001", "100002", "100003", "100004", "100005"] {
            try run(["provenance", customer, "--history"])
        }
        // What the ledger keeps as text: quarantine reasons and batch errors.
        let db = try database.connect()
        let reasons = try db.query("SELECT reason AS text FROM lahde.quarantine UNION ALL SELECT error FROM lahde.batch WHERE error IS NOT NULL").rows
        #expect(reasons.isEmpty == false)
        transcript.append(("(quarantine reasons and batch errors)", reasons.compactMap { $0["text"] }.joined(separator: "\n")))
        for (command, text) in transcript {
            let leaked = codes.filter { text.contains($0) }.map { String($0.prefix(7)) + "****" }
            #expect(leaked.isEmpty, "`lahde \(Redaction.maskingHenkilotunnus(in: command))` printed \(leaked.sorted())")
        }
    }
}
