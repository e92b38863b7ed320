import ArgumentParser
import Foundation
import LahdeConnectors
import LahdeStore

/// `lahde quarantine list|show|retry`: what could not be loaded, where it was and why, with its exact bytes.
struct QuarantineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "Inspect quarantined input records.",
        subcommands: [List.self, Show.self, Retry.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List quarantined records (reason and place; no raw bytes).")

        @Option(name: .long, help: "Only records of this batch.")
        var batch: Int?

        @Option(name: .long, help: "How many to list.")
        var limit = 100

        @OptionGroup var output: OutputOptions

        func run() throws {
            let records = try Ledger(connection: RegisterSession.open()).quarantine(batch: batch, limit: limit)
            if output.json {
                for record in records {
                    OutputOptions.printJSON([
                        "id": record.id, "batch": record.batch, "connector": record.connector, "file": record.file,
                        "locator": record.locator, "reason": record.reason, "bytes": record.raw.count,
                        "resolved_by": record.resolvedBy as Any,
                    ])
                }
                return
            }
            if records.isEmpty { print("nothing is quarantined" + (batch.map { " in batch \($0)" } ?? "")) }
            for record in records {
                print(
                    "\(record.id)  batch \(record.batch)  \(record.file) \(record.locator): \(record.reason)"
                        + (record.resolvedBy.map { "  (resolved by retry batch \($0))" } ?? ""))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one quarantined record with its raw bytes.",
            discussion: "The raw bytes are personal data: the text form escapes control bytes; --json gives them as base64.")

        @Argument(help: "The quarantine id (from `lahde quarantine list`).")
        var id: Int

        @OptionGroup var output: OutputOptions

        func run() throws {
            guard let record = try Ledger(connection: RegisterSession.open()).quarantine(id: id).first else {
                throw CommandFailure(.usageOrNotFound, "no quarantined record \(id)")
            }
            if output.json {
                OutputOptions.printJSON([
                    "id": record.id, "batch": record.batch, "connector": record.connector, "file": record.file, "locator": record.locator,
                    "reason": record.reason, "created_at": record.createdAt, "resolved_by": record.resolvedBy as Any, "raw_base64": Data(record.raw).base64EncodedString(),
                ])
                return
            }
            print("quarantined record \(record.id), batch \(record.batch) (\(record.connector)), \(record.file) \(record.locator)")
            print("reason: \(record.reason)")
            print("raw (\(record.raw.count) bytes): \(Self.escaped(record.raw))")
        }

        /// Printable ASCII as is, everything else as \xNN, so the terminal shows exactly what the file held.
        static func escaped(_ bytes: [UInt8]) -> String {
            bytes.map { byte in
                (0x20..<0x7F).contains(byte) && byte != 0x5C ? String(UnicodeScalar(byte)) : String(format: "\\x%02X", byte)
            }.joined()
        }
    }
}
