import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

/// `lahde pull datahub` against a fake Datahub B2B service on loopback: SOAP 1.2 peekMessage and
/// dequeueMessage, the real binary, a real register.
@Suite("lahde pull datahub")
struct DatahubPullTests {
    let lahde = LahdeExecutable.built()
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = repository.deletingLastPathComponent().appendingPathComponent("shared/reference/datahub/examples")

    /// A queue of messages served one at a time; each peek wraps the oldest in a peek response (with a
    /// comment counting peeks, so a second peek of one message is not byte-identical), dequeue removes it.
    final class FakeDatahub: @unchecked Sendable {
        private let lock = NSLock()
        private var queue: [(reference: String, payload: String)]
        private var peeks = 0
        private var dequeueFailuresLeft: Int
        private(set) var server: LoopbackHTTPServer!

        init(messages: [String], failingDequeues: Int = 0) throws {
            queue = try messages.map { name in
                let text = try String(contentsOf: DatahubPullTests.examples.appendingPathComponent(name), encoding: .utf8)
                let payload = text.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
                let id = try #require(payload.range(of: "<hdr:Identification>").map { payload[$0.upperBound...].prefix(36) })
                return (String(id), payload)
            }
            dequeueFailuresLeft = failingDequeues
            server = try LoopbackHTTPServer { [unowned self] request in self.answer(request) }
        }

        var remaining: Int {
            lock.lock()
            defer { lock.unlock() }
            return queue.count
        }

        private func answer(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
            lock.lock()
            defer { lock.unlock() }
            guard request.method == "POST", (request.headers["content-type"] ?? "").hasPrefix("application/soap+xml") else {
                return .init(status: 415, contentType: "text/plain", text: "SOAP 1.2 only")
            }
            let body = request.bodyText
            if body.contains("PeekMessageRequest") {
                peeks += 1
                let container = queue.first.map {
                    "<b2b:MessageContainer><b2b:DocumentReferenceNumber>\($0.reference)</b2b:DocumentReferenceNumber><b2b:Payload>\($0.payload)</b2b:Payload></b2b:MessageContainer>"
                } ?? ""
                return .init(status: 200, contentType: "application/soap+xml; charset=utf-8", text: """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <!-- peek \(peeks) -->
                    <soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope"><soapenv:Header/><soapenv:Body>
                    <b2b:PeekMessageResponse xmlns:b2b="urn:cms:b2b:v01">\(container)</b2b:PeekMessageResponse>
                    </soapenv:Body></soapenv:Envelope>
                    """)
            }
            if body.contains("DequeueMessageRequest") {
                if dequeueFailuresLeft > 0 {
                    dequeueFailuresLeft -= 1
                    return .init(status: 500, contentType: "application/soap+xml", text: """
                        <soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope"><soapenv:Body><soapenv:Fault>
                        <soapenv:Reason><soapenv:Text xml:lang="en">temporarily unavailable</soapenv:Text></soapenv:Reason>
                        <soapenv:Detail><CMSFault><ErrorCode>B2B-503</ErrorCode></CMSFault></soapenv:Detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>
                        """)
                }
                if let first = queue.first, body.contains("<b2b:DocumentReferenceNumber>\(first.reference)</b2b:DocumentReferenceNumber>") {
                    queue.removeFirst()
                }
                return .init(status: 200, contentType: "application/soap+xml", text: """
                    <soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope"><soapenv:Body><b2b:DequeueMessageResponse xmlns:b2b="urn:cms:b2b:v01"/></soapenv:Body></soapenv:Envelope>
                    """)
            }
            return .init(status: 400, contentType: "text/plain", text: "unknown operation")
        }
    }

    static let messages = ["F01_minimal.xml", "E58_minimal.xml", "F06_move_out.xml"]

    func environment(_ database: TestDatabase, _ fake: FakeDatahub, archive: URL) -> [String: String] {
        [
            "LAHDE_DATABASE_URL": database.conninfo, "LAHDE_CONNECTORS": Self.repository.appendingPathComponent("connectors").path,
            "LAHDE_DATAHUB_URL": fake.server.baseURL + "/soap/FGR?organisationUser=LAHDE_TEST", "LAHDE_DATAHUB_ARCHIVE": archive.path,
        ]
    }

    func jsonLines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("a queue of three messages is drained: each archived, imported as its own batch, then dequeued")
    func drainsQueue() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let fake = try FakeDatahub(messages: Self.messages)
        let archive = try TemporaryFolder.make(prefix: "lahde-pull")
        let result = try lahde.run(["pull", "datahub", "--json"], environment: environment(database, fake, archive: archive))
        #expect(result.status == 0, "\(result.errorOutput)")
        let lines = try jsonLines(result.output)
        #expect(lines.map { $0["status"] as? String } == ["loaded", "loaded", "loaded"])
        #expect(lines.map { $0["dequeued"] as? Bool } == [true, true, true])
        #expect(lines.map { $0["document_reference"] as? String } == [
            "0f6c2f0e-6d0b-4d0e-9a59-3c1f4b2a7e01", "9a1e7c3b-5d2f-4e6a-8b9c-0d1e2f3a4b5c", "5c7e9a1b-3d5f-4b7d-9f1b-3d5f7a9c1e3a",
        ])
        #expect(fake.remaining == 0)
        // each message archived byte for byte, named by its reference and hash
        let archived = try FileManager.default.contentsOfDirectory(atPath: archive.path).sorted()
        #expect(archived.count == 3)
        for line in lines {
            let file = try #require(line["file"] as? String)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(file.contains(try #require(line["document_reference"] as? String)))
            #expect(!bytes.isEmpty)
        }
        // every request was SOAP 1.2 to the configured endpoint; the dequeues followed the commits
        let operations = fake.server.requests.map { $0.bodyText.contains("PeekMessageRequest") ? "peek" : "dequeue" }
        #expect(operations == ["peek", "dequeue", "peek", "dequeue", "peek", "dequeue", "peek"])
        #expect(fake.server.requests.allSatisfy { $0.path == "/soap/FGR" })

        let db = try database.connect()
        #expect(try db.query("SELECT count(*) AS n FROM lahde.batch WHERE connector = 'datahub' AND status = 'loaded'").first?.int("n") == 3)
        #expect(try db.query("SELECT count(*) AS n FROM lahde.queue_message WHERE dequeued_at IS NOT NULL").first?.int("n") == 3)
        #expect(try db.query("SELECT datahub_contract_id FROM register.contract").first?["datahub_contract_id"] == "MS-2024-000777")
        // an empty queue: nothing to do, status 0
        let again = try lahde.run(["pull", "datahub", "--json"], environment: environment(database, fake, archive: archive))
        #expect(again.status == 0)
        #expect(try jsonLines(again.output).isEmpty)
    }

    @Test("an archive folder that is full or cannot be created: a clear error (status 2), nothing imported or dequeued, the next pull completes")
    func archiveFaults() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let fake = try FakeDatahub(messages: Self.messages)
        let root = try TemporaryFolder.make(prefix: "lahde-pull-fault")
        defer { try? FileManager.default.removeItem(at: root) }
        let db = try database.connect()
        func loaded() throws -> Int { try db.query("SELECT count(*) AS n FROM lahde.batch WHERE status = 'loaded'").first?.int("n") ?? -1 }

        // A file where the archive folder should be.
        let blocked = root.appendingPathComponent("blocked")
        try Data("x".utf8).write(to: blocked)
        let notCreatable = try lahde.run(["pull", "datahub"], environment: environment(database, fake, archive: blocked.appendingPathComponent("archive")))
        #expect(notCreatable.status == 2)
        #expect(notCreatable.errorOutput.contains("cannot create the archive folder"), "\(notCreatable.errorOutput)")
        #expect(fake.remaining == 3)

        // A full disk (a 4 KiB tmpfs; the messages are larger), when the test may mount one.
        let archive = root.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        let mounted = geteuid() == 0
            && (try? ChildProcess.run(["/bin/mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", archive.path]))?.status == 0
        if mounted {
            defer { _ = try? ChildProcess.run(["/bin/umount", archive.path]) }
            try Data(repeating: 0x20, count: 4096).write(to: archive.appendingPathComponent("filler"))
            let full = try lahde.run(["pull", "datahub", "--json"], environment: environment(database, fake, archive: archive))
            #expect(full.status == 2)
            let line = try #require(try jsonLines(full.output).first)
            #expect(line["status"] as? String == "failed")
            #expect((line["error"] as? String)?.contains("cannot archive the message") == true, "\(line)")
            #expect(fake.remaining == 3)
            #expect(try loaded() == 0)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: archive.path).filter { $0 != "filler" }
            #expect(leftovers.isEmpty, "no half-written message is left: \(leftovers)")
        }
        let fixed = try lahde.run(["pull", "datahub", "--json"], environment: environment(database, fake, archive: archive))
        #expect(fixed.status == 0, "\(fixed.errorOutput)")
        #expect(try jsonLines(fixed.output).map { $0["status"] as? String } == ["loaded", "loaded", "loaded"])
        #expect(fake.remaining == 0)
        #expect(try loaded() == 3)
    }

    @Test("a dequeue that fails after the commit: the next pull sees the same message again, does not apply it twice, and dequeues it")
    func crashBetweenCommitAndDequeue() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let fake = try FakeDatahub(messages: Self.messages, failingDequeues: 1)
        let archive = try TemporaryFolder.make(prefix: "lahde-pull")
        let first = try lahde.run(["pull", "datahub", "--json"], environment: environment(database, fake, archive: archive))
        #expect(first.status == 2)
        let firstLines = try jsonLines(first.output)
        #expect(firstLines.first?["status"] as? String == "loaded")
        #expect(firstLines.first?["dequeued"] as? Bool == false)
        #expect(firstLines.last?["error"] as? String != nil)
        #expect(fake.remaining == 3, "the message stays in the queue")
        let db = try database.connect()
        let changesAfterFirst = try db.query("SELECT count(*) AS n FROM lahde.provenance_change").first?.int("n")

        let second = try lahde.run(["pull", "datahub", "--json"], environment: environment(database, fake, archive: archive))
        #expect(second.status == 0, "\(second.errorOutput)")
        let lines = try jsonLines(second.output)
        #expect(lines.map { $0["status"] as? String } == ["already-loaded", "loaded", "loaded"])
        #expect(lines.first?["batch"] as? Int == firstLines.first?["batch"] as? Int)
        #expect(lines.allSatisfy { $0["dequeued"] as? Bool == true })
        #expect(fake.remaining == 0)
        // applied once: one batch for the first message, its provenance written once
        #expect(try db.query("SELECT count(*) AS n FROM lahde.batch WHERE connector = 'datahub'").first?.int("n") == 3)
        let firstBatch = try #require(firstLines.first?["batch"] as? Int)
        #expect(try db.query("SELECT count(*) AS n FROM lahde.provenance_change WHERE batch_id = $1", firstBatch).first?.int("n") == changesAfterFirst)
        #expect(try db.query("SELECT count(*) AS n FROM lahde.queue_message WHERE dequeued_at IS NOT NULL").first?.int("n") == 3)
    }

    @Test("lahde import records an ACK in the ledger (lahde.acknowledgement) and merges nothing")
    func acknowledgementRecorded() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let result = try lahde.run(
            ["import", "--connector", "datahub", "--json", Self.examples.appendingPathComponent("ACK_rejected.xml").path],
            environment: ["LAHDE_DATABASE_URL": database.conninfo, "LAHDE_CONNECTORS": Self.repository.appendingPathComponent("connectors").path])
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(try jsonLines(result.output).first?["status"] as? String == "loaded")
        let db = try database.connect()
        let row = try #require(try db.query(
            "SELECT message_id, acknowledges, process, reason_code, array_to_string(event_reasons, '|') AS reasons FROM lahde.acknowledgement").first)
        #expect(row["message_id"] == "e2b7c1d0-3f4a-4b5c-8d9e-0a1b2c3d4e5f")
        #expect(row["acknowledges"] == "4b8f1c2d-9e0a-4a7b-8c6d-5e4f3a2b1c0d")
        #expect(row["process"] == "DH-124-1")
        #expect(row["reason_code"] == "BA02")
        #expect(row["reasons"] == "EC.MPT.115: Accounting point not found (illustrative text)")
        #expect(try db.query("SELECT count(*) AS n FROM lahde.field_tag").first?.int("n") == 0)
    }

    @Test("without LAHDE_DATAHUB_URL the pull says what is missing (status 1); an unknown queue is refused")
    func settings() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let missing = try lahde.run(["pull", "datahub"], environment: ["LAHDE_DATABASE_URL": database.conninfo])
        #expect(missing.status == 1)
        #expect(missing.errorOutput.contains("LAHDE_DATAHUB_URL"))
        let unknown = try lahde.run(["pull", "vtj"], environment: ["LAHDE_DATABASE_URL": database.conninfo])
        #expect(unknown.status == 1)
    }
}
