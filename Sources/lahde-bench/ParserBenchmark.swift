import Foundation
import LahdeConnectors
import LahdeCore
import LahdeFormats
import LahdeStore

/// `lahde-bench parsers [MEGABYTES]`: the CSV reader and the CSV connector (then the VTJ legacy reader and
/// connector, ``VTJLegacyBenchmark``) on a generated customer-system
/// export of the given size (default 100 MB); the database only supplies the field catalogue.
enum ParserBenchmark {
    static func run(megabytes: Int, work: URL, connectors: URL, catalogue: FieldCatalogue) throws {
        let path = work.appendingPathComponent("customers.csv").path
        let synthetic = SyntheticRegister(count: 1, seed: 2026)
        let rows = try synthetic.writeCustomerExport(to: path, approximateBytes: megabytes << 20)
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0

        // Warm the cache and check the file reads cleanly.
        var records = 0
        let locate = try Benchmark.time {
            let reader = try CSVReader(path: path, dialect: CSVDialect(delimiter: UInt8(ascii: ";")))
            while let result = try reader.next() {
                if case .success(let record) = result {
                    for field in 0..<record.fieldCount { _ = record.byteRange(at: field) }
                    records += 1
                }
            }
        }
        var observed = 0
        var rejected = 0
        let definition = try ConnectorCatalog(folder: connectors).definition(named: "customer-system", catalogue: catalogue)
        let file = try InputFile(path: path)
        let map = try Benchmark.time {
            try FeedReader.read(file, format: definition.format) { item in
                switch item {
                case .record: observed += 1
                case .rejected: rejected += 1
                }
            }
        }
        let megabytesRead = Double(bytes) / 1_048_576
        print("generated customer export  \(rows) rows, \(String(format: "%.0f", megabytesRead)) MB")
        print("CSV locate fields          \(String(format: "%.2f", locate)) s, \(String(format: "%.0f", megabytesRead / locate)) MB/s, \(records) records")
        print("CSV connector (mapping)    \(String(format: "%.2f", map)) s, \(Benchmark.rate(observed + rejected, map)) rows/s, \(String(format: "%.0f", megabytesRead / map)) MB/s, \(rejected) rejected")
        try FileManager.default.removeItem(atPath: path)
        try DatahubParserBenchmark.run(megabytes: megabytes, work: work, repository: connectors.deletingLastPathComponent())
        try VTJLegacyBenchmark.run(megabytes: megabytes, work: work)
    }
}
