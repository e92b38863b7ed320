import _LahdeTestSupport
import Foundation
import LahdePostgres
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `LAHDE_DATABASE_URL` with `sslmode=verify-full` against a PostgreSQL that accepts only TLS on
/// 127.0.0.1, with a certificate authority the test makes with openssl. The cluster is the test's own.
@Suite("TLS to PostgreSQL: sslmode=verify-full")
struct TLSConnectionTests {
    let lahde = LahdeExecutable.built()

    static func openssl(_ arguments: [String], in folder: URL) throws {
        let outcome = try ChildProcess.run(["/usr/bin/openssl"] + arguments.map { $0.replacingOccurrences(of: "@", with: folder.path + "/") })
        #expect(outcome.status == 0, "openssl \(arguments.joined(separator: " ")): \(outcome.output)")
    }

    /// A test CA and a server certificate for `localhost` (DNS name only) signed by it; a second CA that
    /// signed nothing, for the refusal case.
    static func makeCertificates(in folder: URL) throws {
        try "subjectAltName=DNS:localhost\n".write(to: folder.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        for ca in ["ca", "other-ca"] {
            try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "@\(ca).key", "-out", "@\(ca).crt",
                         "-days", "2", "-subj", "/CN=Lahde test \(ca)"], in: folder)
        }
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "@server.key", "-out", "@server.csr", "-subj", "/CN=localhost"], in: folder)
        try openssl(["x509", "-req", "-in", "@server.csr", "-CA", "@ca.crt", "-CAkey", "@ca.key", "-CAcreateserial",
                     "-out", "@server.crt", "-days", "2", "-extfile", "@server.ext"], in: folder)
    }

    /// A free TCP port on 127.0.0.1 (the kernel's pick; released again for the server to take).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0 else { throw CocoaError(.fileWriteUnknown) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("verify-full connects over TLS with the test CA; another CA, a host name not in the certificate and no TLS are refused", .timeLimit(.minutes(3)))
    func verifyFull() throws {
        let folder = try TemporaryFolder.make(prefix: "lahde-tls")
        let port = try Self.freePort()
        let server = EmbeddedPostgres(home: folder.appendingPathComponent("pg"), port: port, databaseName: "lahde_tls")
        try server.start()   // initdb and the database, over the unix socket
        try server.stop()
        defer {
            _ = try? server.stop()
            try? FileManager.default.removeItem(at: folder)
        }
        let certificates = folder.appendingPathComponent("certs")
        try FileManager.default.createDirectory(at: certificates, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try Self.makeCertificates(in: certificates)
        let asRoot = getuid() == 0
        if asRoot, let postgres = getpwnam("postgres") {
            for name in ["server.key", "server.crt"] { chown(certificates.appendingPathComponent(name).path, postgres.pointee.pw_uid, postgres.pointee.pw_gid) }
        }
        chmod(certificates.appendingPathComponent("server.key").path, 0o600)
        // Only TLS on TCP: a plain TCP connection is rejected by pg_hba.
        let hba = server.dataDirectory + "/pg_hba.conf"
        let rules = try String(contentsOfFile: hba, encoding: .utf8)
        try ("hostnossl all all 127.0.0.1/32 reject\nhostssl all all 127.0.0.1/32 trust\n" + rules).write(toFile: hba, atomically: false, encoding: .utf8)
        let binaries = try PostgresBinaries.locate()
        let options = "-c unix_socket_directories='\(server.socketDirectory)' -c listen_addresses='127.0.0.1' -p \(port) -c ssl=on "
            + "-c ssl_cert_file='\(certificates.path)/server.crt' -c ssl_key_file='\(certificates.path)/server.key'"
        let start = [binaries.pgCtl, "-D", server.dataDirectory, "-l", server.logFile, "-w", "-t", "60", "-o", options, "start"]
        let started = try ChildProcess.run(asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + start : start)
        try #require(started.status == 0, "\(started.output)")

        let ca = certificates.appendingPathComponent("ca.crt").path
        let url = "postgresql://postgres@localhost:\(port)/lahde_tls?sslmode=verify-full&sslrootcert=\(ca)"
        // The connection is encrypted, with the protocol and the certificate the server was given.
        let direct = try PostgresConnection(conninfo: url)
        let ssl = try direct.query("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first
        #expect(ssl?.bool("ssl") == true)
        #expect(ssl?["version"]?.hasPrefix("TLS") == true)

        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        func environment(_ url: String) -> [String: String] {
            ["LAHDE_DATABASE_URL": url, "LAHDE_HOME": folder.path, "LAHDE_CONNECTORS": repository.appendingPathComponent("connectors").path]
        }
        let customers = repository.appendingPathComponent("samples/observations/2026-01-01-customers.jsonl").path
        let imported = try lahde.run(["import", "--connector", "customer-system-jsonl", "--json", customers], environment: environment(url))
        #expect(imported.status == 0, "\(imported.errorOutput)")
        #expect(imported.output.contains("\"loaded\""))
        // The same URL from a file (the way to keep it out of the environment listing).
        let urlFile = folder.appendingPathComponent("database-url")
        try url.write(to: urlFile, atomically: true, encoding: .utf8)
        let batches = try lahde.run(["batches", "--json"], environment: ["LAHDE_DATABASE_URL_FILE": urlFile.path, "LAHDE_HOME": folder.path])
        #expect(batches.status == 0, "\(batches.errorOutput)")

        let otherCA = certificates.appendingPathComponent("other-ca.crt").path
        let refusals = [
            ("a certificate from another CA", "postgresql://postgres@localhost:\(port)/lahde_tls?sslmode=verify-full&sslrootcert=\(otherCA)", "certificate"),
            ("a host name the certificate does not name", "postgresql://postgres@127.0.0.1:\(port)/lahde_tls?sslmode=verify-full&sslrootcert=\(ca)", "does not match"),
            ("no TLS", "postgresql://postgres@localhost:\(port)/lahde_tls?sslmode=disable", "no encryption"),
        ]
        for (name, refusedURL, expected) in refusals {
            let refused = try lahde.run(["batches"], environment: environment(refusedURL))
            #expect(refused.status == 3, "\(name): status \(refused.status)")
            #expect(refused.errorOutput.contains(expected), "\(name): \(refused.errorOutput)")
        }
    }
}
