import _LahdeTestSupport
import LahdePostgres
import Foundation
import Testing

/// The `lahde db` commands as an operator runs them: the real binary, a real embedded server.
@Suite("lahde db", .serialized)
struct DatabaseCommandTests {
    let lahde = LahdeExecutable.built()

    @Test("start, status, migrate, kill -9, start again, stop — with --json")
    func lifeCycleThroughTheCLI() throws {
        let home = try TemporaryFolder.make(prefix: "lahde-cli")
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = ["LAHDE_HOME": home.path]
        defer { _ = try? lahde.run(["db", "stop"], environment: environment) }

        let notYet = try lahde.run(["db", "status", "--json"], environment: environment)
        #expect(try json(notYet.output)["status"] as? String == "not initialised")

        let started = try lahde.run(["db", "start", "--json"], environment: environment)
        #expect(started.status == 0, "\(started.errorOutput)")
        #expect(try json(started.output)["started"] as? Bool == true)

        let again = try lahde.run(["db", "start", "--json"], environment: environment)
        #expect(again.status == 0)
        #expect(try json(again.output)["started"] as? Bool == false)

        let migrated = try lahde.run(["db", "migrate", "--json"], environment: environment)
        #expect(migrated.status == 0, "\(migrated.errorOutput)")
        #expect((try json(migrated.output)["schema_version"] as? Int ?? 0) >= 1)

        let status = try lahde.run(["db", "status", "--json"], environment: environment)
        let pid = try #require(try json(status.output)["pid"] as? Int)
        kill(pid_t(pid), SIGKILL)
        usleep(300_000)

        let restarted = try lahde.run(["db", "start", "--json"], environment: environment)
        #expect(restarted.status == 0, "\(restarted.errorOutput)")
        #expect(try json(restarted.output)["started"] as? Bool == true)
        let upToDate = try lahde.run(["db", "migrate"], environment: environment)
        #expect(upToDate.output.contains("up to date"))

        let stopped = try lahde.run(["db", "stop"], environment: environment)
        #expect(stopped.status == 0)
        let after = try lahde.run(["db", "status", "--json"], environment: environment)
        #expect(try json(after.output)["status"] as? String == "stopped")
    }

    @Test("with LAHDE_DATABASE_URL set, lahde never starts a server of its own")
    func externalDatabaseIsNotManaged() throws {
        let home = try TemporaryFolder.make(prefix: "lahde-cli")
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = ["LAHDE_HOME": home.path, "LAHDE_DATABASE_URL": "host=/nonexistent-lahde dbname=x connect_timeout=2"]
        let start = try lahde.run(["db", "start"], environment: environment)
        #expect(start.status == 1)
        let migrate = try lahde.run(["db", "migrate"], environment: environment)
        #expect(migrate.status == 3)
        #expect(migrate.errorOutput.contains("connection failed"))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("pgdata").path))
    }
}

func json(_ output: String) throws -> [String: Any] {
    let line = try #require(output.split(separator: "\n").last(where: { $0.hasPrefix("{") }))
    return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
}
