import Foundation
import LahdeConnectors
import LahdeCore
import LahdePostgres
import LahdeStore
import Logging

/// `lahde-bench [PERSONS]`: the load benchmark of BENCHMARKS.md (`lahde-bench parsers [MB]`: the parsers;
/// `lahde-bench datahub [MB] [plain|xsd]`: the Datahub parser phase alone, without a database;
/// `lahde-bench csv-load [ROWS]`: a customer-system CSV export end to end into the register).
///
/// In one run, against one server: a `psql \copy` of the same rows into a bare UNLOGGED table (the
/// baseline), the initial load of PERSONS synthetic persons into an empty register, an update in which
/// every person changes three fields, a 100-row delta, provenance look-ups, and the update's floor (the
/// same writes without survivorship or provenance, rolled back). Prints rows/s, the ratio to the baseline
/// of each phase, provenance rows/s and the client's peak RSS.
@main
struct Benchmark {
    static func main() throws {
        let level = ProcessInfo.processInfo.environment["LAHDE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "datahub" {
            try DatahubParserBenchmark.runAlone(Array(arguments.dropFirst()))
            return
        }
        let parsersOnly = arguments.first == "parsers"
        if parsersOnly { arguments = arguments.dropFirst() }
        let persons = arguments.first.flatMap { Int($0.replacingOccurrences(of: "_", with: "")) } ?? (parsersOnly ? 100 : 1_000_000)
        let json = arguments.contains("--json")
        let work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("lahde-bench-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: work) }

        let (conninfo, server) = try database(in: work)
        defer { _ = try? server?.stop() }
        let connection = try PostgresConnection(conninfo: conninfo)
        try connection.execute(script: "DROP SCHEMA IF EXISTS lahde CASCADE; DROP SCHEMA IF EXISTS register CASCADE; DROP TABLE IF EXISTS lahde_schema_migration")
        try Migrator(connection: connection).migrate()
        let connectors = ProcessInfo.processInfo.environment["LAHDE_CONNECTORS"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("connectors")
        if arguments.first == "csv-load" {
            let rows = arguments.dropFirst().first.flatMap { Int($0.replacingOccurrences(of: "_", with: "")) } ?? 100_000
            try CSVLoadBenchmark.run(rows: rows, connection: connection, conninfo: conninfo, work: work, connectors: connectors)
            return
        }
        if parsersOnly {
            try ParserBenchmark.run(megabytes: persons, work: work, connectors: connectors, catalogue: FieldCatalogue.load(from: connection))
            return
        }

        log("generating \(persons) synthetic persons …")
        let synthetic = SyntheticRegister(count: persons, seed: 2026)
        let initial = work.appendingPathComponent("persons.jsonl").path
        let update = work.appendingPathComponent("update.jsonl").path
        let delta = work.appendingPathComponent("delta.jsonl").path
        let baselineCSV = work.appendingPathComponent("persons.csv").path
        try synthetic.writeInitial(to: initial)
        try synthetic.writeUpdate(to: update, generation: 1)
        try synthetic.writeUpdate(to: delta, generation: 2, range: 0..<min(100, persons))
        try synthetic.writeBaselineCSV(to: baselineCSV)

        log("baseline: psql \\copy of the same rows …")
        try connection.execute(script: """
            DROP TABLE IF EXISTS bench_baseline;
            CREATE UNLOGGED TABLE bench_baseline (customer_number text, henkilotunnus text, first_names text, last_name text,
                street text, postal_code text, city text, email text, phone text)
            """)
        let baseline = try time { try psqlCopy(conninfo: conninfo, file: baselineCSV) }

        let policy = ConnectorPolicy(name: "bench-customers", createsEntities: true, trust: [:], defaultTrust: 40)
        let loader = RegisterLoader(connection: connection, policy: policy)
        func load(_ path: String) throws -> (BatchReport, Double) {
            let file = try InputFile(path: path)
            var report: BatchReport?
            let seconds = try time {
                report = try loader.load(file.batchInput) { emit in try ObservationLinesConnector().read(file, emit: emit) }
            }
            return (report!, seconds)
        }

        log("phase 1: initial load …")
        let provenanceBefore = try count(connection, "lahde.provenance_history")
        let (initialReport, initialSeconds) = try load(initial)
        let provenanceInitial = try count(connection, "lahde.provenance_history") - provenanceBefore

        log("phase 2: update, three fields of every person …")
        let (updateReport, updateSeconds) = try load(update)
        let provenanceUpdate = try count(connection, "lahde.provenance_history") - provenanceBefore - provenanceInitial

        log("phase 3: 100-row delta …")
        let (deltaReport, deltaSeconds) = try load(delta)

        log("provenance look-ups …")
        let lookup = ProvenanceLookup(connection: connection)
        var random = SplitMix64(seed: 7)
        // Right after the update, autovacuum is working through the tables it rewrote and shares the two
        // cores with the look-ups; once it has finished, the look-ups run alone. Both are reported.
        let lookupTimes = try lookUp(200, in: lookup, persons: persons, random: &random)
        log("waiting for autovacuum to finish (at most 5 minutes) …")
        let settled = try waitForAutovacuum(connection, seconds: 300)
        let settledLookupTimes = try lookUp(200, in: lookup, persons: persons, random: &random)

        log("the update's floor: the same writes without survivorship or provenance …")
        let floor = try UpdateFloor.measure(connection, synthetic: synthetic, batchID: updateReport.batch ?? 0)

        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakRSSMB = Double(usage.ru_maxrss) / 1024

        let results: [(String, String)] = [
            ("persons", "\(persons)"),
            ("baseline psql \\copy", format(baseline) + " s, \(rate(persons, baseline)) rows/s"),
            ("initial load", format(initialSeconds) + " s, \(rate(persons, initialSeconds)) rows/s, \(ratio(initialSeconds, baseline)) × baseline, counts \(counts(initialReport))"),
            ("initial provenance", "\(provenanceInitial) history rows, \(rate(provenanceInitial, initialSeconds)) rows/s"),
            ("update (3 fields each)", format(updateSeconds) + " s, \(rate(persons, updateSeconds)) rows/s, \(ratio(updateSeconds, baseline)) × baseline, counts \(counts(updateReport))"),
            ("update provenance", "\(provenanceUpdate) history rows, \(rate(provenanceUpdate, updateSeconds)) rows/s"),
            ("update floor, writes", format(floor.writes) + " s, \(ratio(floor.writes, baseline)) × baseline (COPY + one UPDATE per table, nothing decided, no provenance)"),
            ("update floor + history", format(floor.writesAndHistory) + " s, \(ratio(floor.writesAndHistory, baseline)) × baseline (and one history row per person); the update is \(ratio(updateSeconds, floor.writesAndHistory)) × this"),
            ("100-row delta", format(deltaSeconds) + " s, counts \(counts(deltaReport))"),
            ("provenance look-up", String(format: "median %.2f ms, p95 %.2f ms (200 persons, with history, right after the update)", lookupTimes[lookupTimes.count / 2] * 1000, lookupTimes[lookupTimes.count * 95 / 100] * 1000)),
            ("look-up, autovacuum done", String(format: "median %.2f ms, p95 %.2f ms (200 other persons", settledLookupTimes[settledLookupTimes.count / 2] * 1000, settledLookupTimes[settledLookupTimes.count * 95 / 100] * 1000) + (settled ? ")" : "; autovacuum still running after 5 minutes)")),
            ("client peak RSS", String(format: "%.0f MB", peakRSSMB)),
        ]
        if json {
            let object: [String: Any] = [
                "persons": persons, "baseline_seconds": baseline, "initial_seconds": initialSeconds, "update_seconds": updateSeconds,
                "delta_seconds": deltaSeconds, "initial_ratio": initialSeconds / baseline, "update_ratio": updateSeconds / baseline,
                "provenance_rows_initial": provenanceInitial, "provenance_rows_update": provenanceUpdate,
                "lookup_median_ms": lookupTimes[lookupTimes.count / 2] * 1000,
                "lookup_p95_ms": lookupTimes[lookupTimes.count * 95 / 100] * 1000,
                "lookup_settled_p95_ms": settledLookupTimes[settledLookupTimes.count * 95 / 100] * 1000,
                "floor_writes_seconds": floor.writes, "floor_history_seconds": floor.writesAndHistory, "peak_rss_mb": peakRSSMB,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            let width = results.map(\.0.count).max() ?? 0
            for (name, value) in results { print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
        }
    }

    static func database(in work: URL) throws -> (String, EmbeddedPostgres?) {
        if let url = ProcessInfo.processInfo.environment["LAHDE_BENCH_DATABASE_URL"], !url.isEmpty { return (url, nil) }
        let server = EmbeddedPostgres(home: work.appendingPathComponent("pg"), databaseName: "bench")
        log("starting a PostgreSQL for the benchmark in \(server.home.path) …")
        try server.start()
        return (server.conninfo, server)
    }

    /// Looks up `count` random persons with their full history; the times sorted, in seconds.
    static func lookUp(_ count: Int, in lookup: ProvenanceLookup, persons: Int, random: inout SplitMix64) throws -> [Double] {
        var times: [Double] = []
        for _ in 0..<count {
            let customer = String(1_000_000 + Int(random.next() % UInt64(persons)))
            times.append(try time {
                guard let entity = try lookup.entity(for: customer) else { throw BenchmarkError("customer \(customer) not found") }
                _ = try lookup.fields(of: entity, withHistory: true)
            })
        }
        return times.sorted()
    }

    /// Waits until no autovacuum worker is running (polled every second); false if one still is after `seconds`.
    static func waitForAutovacuum(_ connection: PostgresConnection, seconds: Int) throws -> Bool {
        for _ in 0..<seconds {
            let running = try connection.query("SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'").first?.int("n") ?? 0
            if running == 0 { return true }
            sleep(1)
        }
        return false
    }

    static func psqlCopy(conninfo: String, file: String) throws {
        let outcome = try ChildProcess.run(["/usr/bin/psql", conninfo, "-v", "ON_ERROR_STOP=1", "-c", "\\copy bench_baseline FROM '\(file)' WITH (FORMAT csv)"])
        guard outcome.status == 0 else { throw BenchmarkError("psql \\copy failed: \(outcome.output)") }
    }

    static func count(_ connection: PostgresConnection, _ table: String) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM \(table)").first?.int("n") ?? 0
    }

    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func format(_ seconds: Double) -> String { String(format: "%.2f", seconds) }
    static func rate(_ rows: Int, _ seconds: Double) -> String { String(format: "%.0f", Double(rows) / seconds) }
    static func ratio(_ seconds: Double, _ baseline: Double) -> String { String(format: "%.1f", seconds / baseline) }
    static func counts(_ report: BatchReport) -> String {
        let c = report.counts
        return "read \(c.read) applied \(c.applied) unchanged \(c.unchanged) superseded \(c.superseded) quarantined \(c.quarantined)"
    }

    static func log(_ text: String) {
        FileHandle.standardError.write(Data(("lahde-bench: " + text + "\n").utf8))
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
