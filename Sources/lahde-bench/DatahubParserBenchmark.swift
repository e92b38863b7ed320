import Foundation
import LahdeConnectors
import LahdeCore

/// The Datahub phase of `lahde-bench parsers [MEGABYTES]`: one generated file of that size holding
/// customer (F01), accounting-point (E58) and contract (F04, F06) messages from `samples/datahub/`, read by
/// the `datahub-xml` connector without and with XSD validation (issue 4's goals: ≥ 100 MB/s and ≥ 40 MB/s).
enum DatahubParserBenchmark {
    static let templates = [
        "2026-03-02-F01-address-change.xml", "2026-03-02-E58-new-accounting-point.xml", "2026-03-09-F04-move-in.xml",
        "2026-03-10-F06-move-out.xml",
    ]

    /// `lahde-bench datahub [MEGABYTES] [plain|xsd]`: this phase alone, without a database, in the current
    /// directory's repository; `plain` or `xsd` reads only without or only with validation. Small enough to
    /// run under `valgrind --tool=callgrind`, whose instruction counts do not depend on the machine's load.
    static func runAlone(_ arguments: [String]) throws {
        let megabytes = arguments.first.flatMap { Int($0) } ?? 100
        let only = arguments.dropFirst().first
        let work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("lahde-bench-datahub-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let repository = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        try run(megabytes: megabytes, work: work, repository: repository, plain: only != "xsd", validated: only != "plain")
    }

    /// User and system time of the process: on a shared machine the wall clock also counts the time the
    /// benchmark waited for a core, so both are printed.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func run(megabytes: Int, work: URL, repository: URL, plain: Bool = true, validated: Bool = true) throws {
        let path = work.appendingPathComponent("datahub.xml").path
        let bodies = try templates.map { name -> [UInt8] in
            let text = try String(contentsOf: repository.appendingPathComponent("samples/datahub/\(name)"), encoding: .utf8)
            // Without the declaration and comments, so the messages can follow one another in one document.
            var body = text.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
            while let open = body.range(of: "<!--"), let close = body.range(of: "-->", range: open.upperBound..<body.endIndex) {
                body.removeSubrange(open.lowerBound..<close.upperBound)
            }
            return Array(body.utf8)
        }
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let target = megabytes << 20
        var written = 0
        var messages = 0
        var chunk = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Messages>\n".utf8)
        while written + chunk.count < target {
            chunk += bodies[messages % bodies.count]
            messages += 1
            if chunk.count > 1 << 20 {
                handle.write(Data(chunk))
                written += chunk.count
                chunk.removeAll(keepingCapacity: true)
            }
        }
        chunk += Array("</Messages>\n".utf8)
        handle.write(Data(chunk))
        try handle.close()
        let megabytesRead = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1_048_576
        let file = try InputFile(path: path)
        print("generated Datahub messages \(messages) messages (F01, E58, F04, F06), \(String(format: "%.0f", megabytesRead)) MB")

        let settings = DatahubSettings(installationRoot: repository)
        var phases: [(String, DatahubConnector)] = []
        if plain { phases.append(("without XSD", DatahubConnector(xsdFolder: nil))) }
        if validated { phases.append(("with XSD   ", DatahubConnector(settings: settings))) }
        for (label, connector) in phases {
            var records = 0
            var rejected = 0
            let cpuBefore = Self.cpuSeconds()
            let seconds = try Benchmark.time {
                try connector.read(file) { item in
                    switch item {
                    case .record: records += 1
                    case .rejected: rejected += 1
                    }
                }
            }
            let cpu = Self.cpuSeconds() - cpuBefore
            print("Datahub \(label)        \(String(format: "%.2f", seconds)) s, \(String(format: "%.0f", megabytesRead / seconds)) MB/s, \(records) records, \(rejected) rejected; CPU \(String(format: "%.2f", cpu)) s, \(String(format: "%.0f", megabytesRead / cpu)) MB/s of CPU time")
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("peak resident memory       \(usage.ru_maxrss / 1024) MB")
    }
}
