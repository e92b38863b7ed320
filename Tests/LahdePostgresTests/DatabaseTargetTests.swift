import Foundation
import LahdePostgres
import Testing

@Suite("Choosing the database")
struct DatabaseTargetTests {
    @Test("no URL means the embedded server in LAHDE_HOME")
    func embeddedByDefault() throws {
        let target = try DatabaseTarget.fromEnvironment(["LAHDE_HOME": "/srv/lahde"])
        guard case .embedded(let server) = target else {
            Issue.record("expected embedded, got \(target.displayName)")
            return
        }
        #expect(server.home.path == "/srv/lahde")
    }

    @Test("LAHDE_DATABASE_URL wins and its password is never displayed")
    func externalURL() throws {
        let target = try DatabaseTarget.fromEnvironment(["LAHDE_DATABASE_URL": "postgresql://loader:s3cret@db.example:5432/register?sslmode=verify-full"])
        guard case .external(let conninfo) = target else {
            Issue.record("expected external")
            return
        }
        #expect(conninfo.contains("sslmode=verify-full"))
        #expect(!target.displayName.contains("s3cret"))
        let keyValue = try DatabaseTarget.fromEnvironment(["LAHDE_DATABASE_URL": "host=db user=loader password=s3cret dbname=register"])
        #expect(!keyValue.displayName.contains("s3cret"))
    }

    @Test("the URL can come from a file (a secret mount), never from the command line")
    func urlFromFile() throws {
        let path = NSTemporaryDirectory() + "lahde-url-\(getpid())"
        try "host=db dbname=register\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard case .external(let conninfo) = try DatabaseTarget.fromEnvironment(["LAHDE_DATABASE_URL_FILE": path]) else {
            Issue.record("expected external")
            return
        }
        #expect(conninfo == "host=db dbname=register")
    }
}
