import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

/// `lahde run` and `lahde status`: the real binary, a real PostgreSQL, feeds served by the loopback HTTP
/// server or from files.
@Suite("lahde run and status")
struct RunCommandTests {
    let lahde = LahdeExecutable.built()
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let customers = repository.appendingPathComponent("samples/observations/2026-01-01-customers.jsonl")
    static let feed = Array(try! Data(contentsOf: customers))

    /// A folder with `connectors/` holding one job per `(name, url)`, and the environment that uses it.
    struct Installation {
        let folder: URL
        let database: TestDatabase
        var environment: [String: String] {
            [
                "LAHDE_DATABASE_URL": database.conninfo, "LAHDE_CONNECTORS": folder.appendingPathComponent("connectors").path,
                "LAHDE_HOME": folder.path, "LAHDE_ARCHIVE": folder.appendingPathComponent("archive").path,
            ]
        }

        init(jobs: [(name: String, url: String)], retries: Int = 3) throws {
            folder = try TemporaryFolder.make(prefix: "lahde-run")
            database = try TestCluster.freshDatabase(migrated: false)
            let connectors = folder.appendingPathComponent("connectors")
            try FileManager.default.createDirectory(at: connectors, withIntermediateDirectories: true)
            for job in jobs {
                // Due once a year: after one successful run, `lahde run` finds it not due.
                let definition = """
                    {"name": "\(job.name)", "source": "Customer system export", "format": {"type": "observations-jsonl"},
                     "creates_entities": true, "trust": {"default": 40}, "schedule": "0 0 1 1 *",
                     "fetch": {"url": "\(job.url)", "retries": \(retries), "backoff_seconds": 0.01, "max_backoff_seconds": 0.05}}
                    """
                try definition.write(to: connectors.appendingPathComponent(job.name + ".json"), atomically: true, encoding: .utf8)
            }
            // A connector without fetch is not a job.
            try #"{"name": "manual", "format": {"type": "observations-jsonl"}, "creates_entities": false, "trust": {"default": 1}}"#
                .write(to: connectors.appendingPathComponent("manual.json"), atomically: true, encoding: .utf8)
        }

        func count(_ sql: String) throws -> Int {
            try database.connect().query(sql).first?.int("n") ?? -1
        }
    }

    func jsonLines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func serve(_ bytes: [UInt8], request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        if let range = request.headers["range"], range.hasPrefix("bytes="), range.hasSuffix("-"), let start = Int(range.dropFirst(6).dropLast()) {
            return .init(status: 206, headers: ["Content-Range": "bytes \(start)-\(bytes.count - 1)/\(bytes.count)"], body: Array(bytes[start...]))
        }
        return .init(status: 200, body: bytes)
    }

    @Test("a due job fetches and imports once; the next run finds it not due; run by name, it fetches nothing new")
    func dueJobRunsOnce() throws {
        let lastModified = "Tue, 01 Dec 2026 22:00:00 GMT"
        let server = try LoopbackHTTPServer { request in
            if request.headers["if-modified-since"] == lastModified { return .init(status: 304) }
            var response = Self.serve(Self.feed, request: request)
            response.headers["Last-Modified"] = lastModified
            return response
        }
        let installation = try Installation(jobs: [("nightly", server.baseURL + "/exports/customers.jsonl")])
        let env = installation.environment

        let first = try lahde.run(["run", "--json"], environment: env)
        #expect(first.status == 0, "\(first.errorOutput)")
        let outcome = try #require(try jsonLines(first.output).first)
        #expect(outcome["job"] as? String == "nightly")
        #expect(outcome["status"] as? String == "loaded")
        #expect((outcome["counts"] as? [String: Int])?["read"] == 45)
        let sha256 = try #require(outcome["sha256"] as? String)
        #expect(FileManager.default.fileExists(atPath: installation.folder.appendingPathComponent("archive/nightly/\(sha256)").path))
        #expect(try installation.count("SELECT count(*) AS n FROM lahde.batch WHERE connector = 'nightly' AND file_name = 'customers.jsonl' AND status = 'loaded'") == 1)
        #expect(server.requests.count == 1)

        let second = try lahde.run(["run", "--json"], environment: env)
        #expect(second.status == 0)
        #expect(try jsonLines(second.output).first?["status"] as? String == "not-due")
        #expect(server.requests.count == 1, "a job that is not due fetches nothing")

        let byName = try lahde.run(["run", "nightly", "--json"], environment: env)
        #expect(byName.status == 0, "\(byName.errorOutput)")
        let again = try #require(try jsonLines(byName.output).first)
        #expect(again["status"] as? String == "unchanged")
        #expect(again["not_modified"] as? Bool == true, "the unchanged feed is not transferred again")
        #expect(server.requests.last?.headers["if-modified-since"] == lastModified)
        #expect(again["batch"] as? Int == outcome["batch"] as? Int)
        #expect(try installation.count("SELECT count(*) AS n FROM lahde.batch") == 1, "already-archived content is not imported twice")
        #expect(try installation.count("SELECT count(*) AS n FROM lahde.job_run WHERE status = 'loaded'") == 1)
        #expect(try installation.count("SELECT count(*) AS n FROM lahde.job_run WHERE status = 'unchanged'") == 1)

        let status = try lahde.run(["status", "--json"], environment: env)
        #expect(status.status == 0, "\(status.errorOutput)")
        let job = try #require(try jsonLines(status.output).first)
        #expect((job["last_run"] as? [String: Any])?["status"] as? String == "unchanged")
        #expect(((job["last_success"] as? [String: Any])?["counts"] as? [String: Int])?["read"] == 45)
        let nextDue = try #require(job["next_due"] as? String)
        #expect(nextDue != "now")
        let human = try lahde.run(["status"], environment: env)
        #expect(human.output.contains("nightly"))
        #expect(human.output.contains("last run"))
    }

    @Test("an interrupted download fails the run, and the next run resumes it with a range request")
    func interruptedDownloadResumes() throws {
        let counter = RequestCounter()
        let server = try LoopbackHTTPServer { request in
            counter.next() == 1 ? .init(status: 200, body: Self.feed, cutAfter: 5000) : Self.serve(Self.feed, request: request)
        }
        let installation = try Installation(jobs: [("nightly", server.baseURL + "/customers.jsonl")], retries: 1)
        let first = try lahde.run(["run", "--json"], environment: installation.environment)
        #expect(first.status == 2)
        #expect(try jsonLines(first.output).first?["status"] as? String == "failed")
        let archived = try FileManager.default.contentsOfDirectory(atPath: installation.folder.appendingPathComponent("archive/nightly").path)
        #expect(archived == [".partial"], "nothing but the partial download: \(archived)")

        let second = try lahde.run(["run", "--json"], environment: installation.environment)
        #expect(second.status == 0, "\(second.errorOutput)")
        let outcome = try #require(try jsonLines(second.output).first)
        #expect(outcome["status"] as? String == "loaded")
        #expect(outcome["resumed"] as? Bool == true)
        #expect(server.requests.map { $0.headers["range"] } == [nil, "bytes=5000-"])
        #expect((outcome["counts"] as? [String: Int])?["read"] == 45)
    }

    @Test("a failing job (500s) records why, shows in status as due, and the next run retries it")
    func failingJobIsRetried() throws {
        let counter = RequestCounter()
        let server = try LoopbackHTTPServer { request in
            counter.next() <= 2 ? .init(status: 500, body: Array("maintenance".utf8)) : Self.serve(Self.feed, request: request)
        }
        let installation = try Installation(jobs: [("nightly", server.baseURL + "/customers.jsonl")], retries: 2)
        let first = try lahde.run(["run"], environment: installation.environment)
        #expect(first.status == 2)
        #expect(first.output.contains("✗ nightly: failed"))
        #expect(first.output.contains("500"))
        let error = try installation.database.connect().query("SELECT error FROM lahde.job_run WHERE status = 'failed'").first?["error"]
        #expect(error?.contains("HTTP status 500") == true)

        let status = try lahde.run(["status", "--json"], environment: installation.environment)
        let job = try #require(try jsonLines(status.output).first)
        #expect((job["last_run"] as? [String: Any])?["status"] as? String == "failed")
        #expect(job["next_due"] as? String == "now")

        let retried = try lahde.run(["run", "--json"], environment: installation.environment)
        #expect(retried.status == 0, "\(retried.errorOutput)")
        #expect(try jsonLines(retried.output).first?["status"] as? String == "loaded")
        #expect(server.requests.count == 3)
    }

    @Test("a file:// job archives and imports the file")
    func fileJob() throws {
        let installation = try Installation(jobs: [("nightly", Self.customers.absoluteString)])
        let result = try lahde.run(["run", "nightly", "--json"], environment: installation.environment)
        #expect(result.status == 0, "\(result.errorOutput)")
        let outcome = try #require(try jsonLines(result.output).first)
        #expect(outcome["status"] as? String == "loaded")
        #expect(outcome["file"] as? String == "2026-01-01-customers.jsonl")
    }

    @Test("two lahde run processes started together run each job once")
    func concurrentRuns() throws {
        // A slow server keeps the first process inside its jobs while the second one starts.
        let server = try LoopbackHTTPServer { request in
            usleep(800_000)
            return Self.serve(Self.feed, request: request)
        }
        let installation = try Installation(jobs: [("job-a", server.baseURL + "/a.jsonl"), ("job-b", server.baseURL + "/b.jsonl")])
        let env = installation.environment
        let lahde = self.lahde
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let outcome = try? lahde.run(["run", "--json"], environment: env)
            results.append(outcome)
        }
        let outcomes = results.values
        #expect(outcomes.count == 2)
        var statuses: [String: [String]] = [:]
        for outcome in outcomes {
            let outcome = try #require(outcome)
            #expect(outcome.status == 0, "\(outcome.errorOutput)")
            for line in try jsonLines(outcome.output) {
                statuses[line["job"] as? String ?? "?", default: []].append(line["status"] as? String ?? "?")
            }
        }
        for job in ["job-a", "job-b"] {
            let seen = statuses[job, default: []]
            #expect(seen.filter { $0 == "loaded" }.count == 1, "\(job): \(seen)")
            #expect(seen.allSatisfy { ["loaded", "skipped", "not-due"].contains($0) }, "\(job): \(seen)")
        }
        #expect(try installation.count("SELECT count(*) AS n FROM lahde.job_run") == 2)
        #expect(try installation.count("SELECT count(*) AS n FROM lahde.batch WHERE status = 'loaded'") == 2)
        #expect(server.requests.count == 2)
    }

    @Test("a run whose process died (left 'running') is marked failed by the next run of the job, which runs it")
    func interruptedRunIsMarkedFailed() throws {
        let installation = try Installation(jobs: [("nightly", Self.customers.absoluteString)])
        let db = try installation.database.connect()
        _ = try lahde.run(["db", "migrate"], environment: installation.environment)
        try db.execute(script: "INSERT INTO lahde.job_run (job, status) VALUES ('nightly', 'running')")
        let result = try lahde.run(["run", "--json"], environment: installation.environment)
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(try jsonLines(result.output).first?["status"] as? String == "loaded")
        let rows = try db.query("SELECT status, error FROM lahde.job_run ORDER BY run_id").rows
        #expect(rows.map { $0["status"] } == ["failed", "loaded"])
        #expect(rows.first?["error"]?.contains("interrupted") == true)
    }

    @Test("an unknown job or a connector without fetch is refused with exit status 1")
    func notAJob() throws {
        let installation = try Installation(jobs: [])
        let unknown = try lahde.run(["run", "nope"], environment: installation.environment)
        #expect(unknown.status == 1)
        #expect(unknown.errorOutput.contains("no such connector definition"))
        let manual = try lahde.run(["run", "manual"], environment: installation.environment)
        #expect(manual.status == 1)
        #expect(manual.errorOutput.contains("no fetch section"))
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [ChildProcess.Outcome?] = []

    func append(_ value: ChildProcess.Outcome?) {
        lock.lock()
        stored.append(value)
        lock.unlock()
    }

    var values: [ChildProcess.Outcome?] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
