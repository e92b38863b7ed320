import _LahdeTestSupport
import LahdePostgres
import Testing

@Suite("libpq connection, against a real PostgreSQL")
struct PostgresConnectionTests {
    @Test("parameters travel apart from the SQL text, NULL included")
    func parameters() throws {
        let db = try TestCluster.freshDatabase(migrated: false).connect()
        let hostile = "'); DROP TABLE x; --"
        let row = try #require(db.query("SELECT $1::text AS a, $2::int AS b, $3::text AS c, $4::bool AS d", hostile, 42, PostgresNull(), true).first)
        #expect(row["a"] == hostile)
        #expect(row.int("b") == 42)
        #expect(row["c"] == nil)
        #expect(row.bool("d") == true)
    }

    @Test("server errors keep SQLSTATE, message and detail")
    func errorsKeepSQLState() throws {
        let db = try TestCluster.freshDatabase(migrated: false).connect()
        try db.execute(script: "CREATE TABLE t (id int PRIMARY KEY)")
        try db.query("INSERT INTO t VALUES ($1)", 1)
        let error = #expect(throws: PostgresError.self) { try db.query("INSERT INTO t VALUES ($1)", 1) }
        #expect(error?.sqlState == "23505")
        #expect(error?.detail?.contains("already exists") == true)
        #expect(error?.kind == .queryFailed)
        // The connection is still usable afterwards.
        #expect(try db.query("SELECT count(*) AS n FROM t").first?.int("n") == 1)
    }

    @Test("a failed transaction is rolled back as a whole")
    func transactionRollsBack() throws {
        let db = try TestCluster.freshDatabase(migrated: false).connect()
        try db.execute(script: "CREATE TABLE t (id int PRIMARY KEY)")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.query("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try db.query("SELECT count(*) AS n FROM t").first?.int("n") == 0)
    }

    @Test("COPY text round-trips tabs, newlines, backslashes, NULL and non-ASCII over many chunks")
    func copyRoundTrip() throws {
        let db = try TestCluster.freshDatabase(migrated: false).connect()
        try db.execute(script: "CREATE UNLOGGED TABLE staging (n int, s text)")
        let awkward = ["plain", "tab\there", "line\nbreak", "cr\rreturn", "back\\slash", "\\N", "Äänekoski ÅÖ", nil]
        let rowCount = 20_000
        let copied = try db.copyIn("COPY staging (n, s) FROM STDIN") { writer in
            for n in 0..<rowCount {
                writer.field(n)
                writer.field(awkward[n % awkward.count])
                try writer.endRow()
            }
        }
        #expect(copied == rowCount)
        let rows = try db.query("SELECT n, s FROM staging WHERE n < $1 ORDER BY n", awkward.count).rows
        #expect(rows.map { $0["s"] } == awkward)
    }

    @Test("bad COPY data fails with the server's message and leaves the connection usable")
    func copyFailure() throws {
        let db = try TestCluster.freshDatabase(migrated: false).connect()
        try db.execute(script: "CREATE UNLOGGED TABLE staging (n int)")
        let error = #expect(throws: PostgresError.self) {
            try db.copyIn("COPY staging (n) FROM STDIN") { writer in
                writer.field("not-a-number")
                try writer.endRow()
            }
        }
        #expect(error?.sqlState == "22P02")
        #expect(try db.query("SELECT count(*) AS n FROM staging").first?.int("n") == 0)
    }

    @Test("an error thrown while writing aborts the COPY and keeps nothing")
    func copyAbortedByClient() throws {
        let db = try TestCluster.freshDatabase(migrated: false).connect()
        try db.execute(script: "CREATE UNLOGGED TABLE staging (n int)")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.copyIn("COPY staging (n) FROM STDIN") { writer in
                for n in 0..<50_000 {
                    writer.field(n)
                    try writer.endRow()
                }
                throw Stop()
            }
        }
        #expect(try db.query("SELECT count(*) AS n FROM staging").first?.int("n") == 0)
    }

    @Test("an unreachable server is a connection failure")
    func unreachable() {
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection(conninfo: "host=/nonexistent-lahde-socket dbname=x connect_timeout=2")
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.isConnectionLoss == true)
    }
}
