import Foundation
import LahdeConnectors
import LahdeCore
import LahdeFormats

/// The legacy VTJ change-file phase of `lahde-bench parsers`: a generated `.MTT` of the given size
/// (ISO-8859-1, CRLF; moves, names, deaths, e-mail, home municipality, a continuation line every tenth
/// event), read by the fixed-width reader alone and then through the `vtj-legacy` connector. The goal of
/// issue 5 is at least 150 MB/s for the reader.
enum VTJLegacyBenchmark {
    static func run(megabytes: Int, work: URL) throws {
        let path = work.appendingPathComponent("LAHDE_BENCH_001.MTT").path
        let events = try write(to: path, approximateBytes: megabytes << 20)
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let megabytesRead = Double(bytes) / 1_048_576

        var records = 0
        var errors = 0
        let parse = try Benchmark.time {
            var reader = VTJLegacyReader(source: try FileByteSource(path: path))
            while let item = try reader.next() {
                switch item {
                case .record: records += 1
                case .error: errors += 1
                }
            }
        }
        var observed = 0
        var rejected = 0
        let file = try InputFile(path: path)
        let map = try Benchmark.time {
            try VTJLegacyConnector().read(file) { item in
                switch item {
                case .record: observed += 1
                case .rejected: rejected += 1
                }
            }
        }
        print("generated VTJ change file  \(events) events, \(String(format: "%.0f", megabytesRead)) MB")
        print("VTJ legacy reader          \(String(format: "%.2f", parse)) s, \(String(format: "%.0f", megabytesRead / parse)) MB/s, \(records) records, \(errors) errors")
        print("VTJ legacy connector       \(String(format: "%.2f", map)) s, \(Benchmark.rate(observed + rejected, map)) records/s, \(String(format: "%.0f", megabytesRead / map)) MB/s, \(rejected) rejected")
    }

    /// Writes events until the file reaches about `approximateBytes`; returns how many.
    static func write(to path: String, approximateBytes: Int) throws -> Int {
        guard let handle = FileHandle(forWritingAtPath: path) ?? {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else { throw CocoaError(.fileWriteUnknown) }
        defer { try? handle.close() }
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.unicodeScalars.count)) }
        let checks = Array("0123456789ABCDEFHJKLMNPRSTUVWXY")
        let streets = ["Mannerheimintie", "Hämeenkatu", "Åbovägen", "Länsiväylä", "Kauppakatu", "Pyynikintie"]
        let names = ["Mäkinen", "Öhman", "Virtanen", "Lindqvist", "Heikkilä", "Korhonen"]
        var buffer: [UInt8] = []
        var written = 0
        var events = 0
        buffer.append(contentsOf: Array("'''ED2'''VRK:0245437-2:OVT'TIETO:LAHDE:OVT'202603010600'1'STX:INHOUSE'TYP:MUTP'NRQ:0'''\r\n".utf8))
        while written + buffer.count < approximateBytes {
            let day = events % 28 + 1, month = events / 28 % 12 + 1, year = 40 + events / 336 % 60, individual = 900 + events % 100
            let digits = String(format: "%02d%02d%02d%03d", day, month, year, individual)
            let hetu = String(digits.prefix(6)) + "-" + String(digits.suffix(3)) + String(checks[Int(digits)! % 31])
            let street = streets[events % streets.count], name = names[events % names.count]
            var groups: [String]
            switch events % 4 {
            case 0:
                groups = [
                    "1014" + pad(street, 100) + pad("", 100) + pad("12", 7) + "B" + "007" + " " + "00250" + "20200101" + "20260219",
                    "1011" + pad(street, 100) + pad("", 100) + pad("\(events % 90 + 1)", 7) + "A" + "012" + " " + "33100" + "20260220" + "00000000",
                    "2043" + "837" + "20260220",
                ]
            case 1: groups = ["0043" + pad(name, 100) + pad("Leevi Åke", 100) + "20260220" + " "]
            case 2: groups = ["0131" + "20260205"]
            default: groups = ["4211" + "01" + pad("person\(events)@example.fi", 255) + "20260101" + "00000000"]
            }
            let line = hetu + "XCM" + "20260220" + "0" + "1" + String(format: "%02d", groups.count) + "|" + groups.map { $0 + "|" }.joined()
            buffer.append(contentsOf: line.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
            buffer.append(contentsOf: [0x0D, 0x0A])
            if events % 10 == 0 {
                let continuation = hetu + "XCM" + "20260220" + "J" + "1" + "01" + "|" + "4211" + "01" + pad("more\(events)@example.fi", 255) + "20260101" + "00000000" + "|"
                buffer.append(contentsOf: Array(continuation.utf8))
                buffer.append(contentsOf: [0x0D, 0x0A])
            }
            events += 1
            if buffer.count >= 1 << 20 {
                handle.write(Data(buffer))
                written += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        buffer.append(contentsOf: Array("'''EOF'''\(events)'\r\n".utf8))
        handle.write(Data(buffer))
        return events
    }
}
