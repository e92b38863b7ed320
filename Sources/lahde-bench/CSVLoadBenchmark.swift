import Foundation
import LahdeConnectors
import LahdePostgres
import LahdeStore

/// `lahde-bench csv-load [ROWS]`: a generated customer-system export (the `customer-system` definition,
/// 20 columns, semicolons, quoted streets) imported end to end into an empty register — CSV connector,
/// staging, entity creation, survivorship, typed tables, provenance — beside a `psql \copy` of the same
/// file into a bare UNLOGGED table of 20 text columns, in the same run (issue 6's end-to-end figure).
enum CSVLoadBenchmark {
    static func run(rows: Int, connection: PostgresConnection, conninfo: String, work: URL, connectors: URL) throws {
        let path = work.appendingPathComponent("customers.csv").path
        let written = try SyntheticRegister(count: 1, seed: 2026).writeCustomerExport(to: path, approximateBytes: rows * 128)
        let megabytes = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1_048_576

        let columns = (1...20).map { "c\($0) text" }.joined(separator: ", ")
        try connection.execute(script: "DROP TABLE IF EXISTS bench_csv_baseline; CREATE UNLOGGED TABLE bench_csv_baseline (\(columns))")
        let baseline = try Benchmark.time {
            let outcome = try ChildProcess.run([
                "/usr/bin/psql", conninfo, "-v", "ON_ERROR_STOP=1", "-c",
                "\\copy bench_csv_baseline FROM '\(path)' WITH (FORMAT csv, DELIMITER ';', HEADER true)",
            ])
            guard outcome.status == 0 else { throw BenchmarkError("psql \\copy failed: \(outcome.output)") }
        }

        let catalogue = try FieldCatalogue.load(from: connection)
        let definition = try ConnectorCatalog(folder: connectors).definition(named: "customer-system", catalogue: catalogue)
        let loader = RegisterLoader(connection: connection, policy: definition.policy(for: catalogue))
        let file = try InputFile(path: path)
        var report: BatchReport?
        let seconds = try Benchmark.time {
            report = try loader.load(file.batchInput) { emit in try FeedReader.read(file, format: definition.format, emit: emit) }
        }
        let values = try connection.query(
            "SELECT coalesce(sum(cardinality(fields)), 0) AS n FROM lahde.provenance_change WHERE batch_id = $1", report?.batch ?? 0
        ).first?.int("n") ?? 0
        print("generated customer export  \(written) rows, \(String(format: "%.0f", megabytes)) MB")
        print("baseline psql \\copy        \(Benchmark.format(baseline)) s, \(Benchmark.rate(written, baseline)) rows/s")
        print("import into the register   \(Benchmark.format(seconds)) s, \(Benchmark.rate(written, seconds)) rows/s, \(Benchmark.ratio(seconds, baseline)) × baseline, \(values) values with provenance, counts \(report.map(Benchmark.counts) ?? "-")")
    }
}
