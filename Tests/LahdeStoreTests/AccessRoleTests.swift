import _LahdeTestSupport
import Foundation
import LahdeCore
import LahdePostgres
import LahdeStore
import Testing

/// The database roles of migration 8, proven by acting as them (`SET ROLE`) against a real database.
@Suite("Database roles: loader, reader, privacy officer")
struct AccessRoleTests {
    static let customers = ConnectorPolicy(name: "customers", createsEntities: true, trust: [:], defaultTrust: 40)
    static let aino = "010594Y9032"   // protected (turvakielto)
    static let eino = "020594X903P"   // not protected

    /// Two people with permanent addresses; Aino under an active turvakielto, with an accounting point on
    /// contract, as is Eino.
    func register() throws -> PostgresConnection {
        let db = try TestCluster.freshDatabase().connect()
        var feed = TestFeed(name: "customers.txt")
        feed.party([(.customerNumber, "100001"), (.henkilotunnus, Self.aino)], validFrom: "2026-01-01", [
            "last_name": "Virtanen", "turvakielto": "true",
            "address.permanent.street": "Salainen katu 1", "address.permanent.postal_code": "00100", "address.permanent.city": "Helsinki",
        ])
        feed.party([(.customerNumber, "100002"), (.henkilotunnus, Self.eino)], validFrom: "2026-01-01", [
            "last_name": "Korhonen",
            "address.permanent.street": "Julkinen tie 2", "address.permanent.postal_code": "33100", "address.permanent.city": "Tampere",
        ])
        let report = try feed.load(into: db, as: Self.customers)
        #expect(report.counts.applied == 2)
        try db.execute(script: """
            INSERT INTO register.accounting_point (gsrn, street, postal_code, city) VALUES
                ('643000000000000011', 'Salainen katu 1', '00100', 'Helsinki'),
                ('643000000000000028', 'Julkinen tie 2', '33100', 'Tampere');
            INSERT INTO register.contract (party_id, accounting_point_id, starts_on)
            SELECT i.party_id, ap.accounting_point_id, DATE '2026-01-01'
            FROM register.party_identifier i
            JOIN register.accounting_point ap ON ap.gsrn = CASE i.value WHEN '100001' THEN '643000000000000011' ELSE '643000000000000028' END
            WHERE i.scheme = 'customer_number';
            """)
        return db
    }

    func denied(_ db: PostgresConnection, _ sql: String) -> Bool {
        do {
            _ = try db.query(sql)
            return false
        } catch {
            return error.sqlState == "42501"
        }
    }

    @Test("the three roles exist, cannot log in, and the migration is idempotent for them across databases")
    func rolesExist() throws {
        let db = try TestCluster.freshDatabase().connect()
        let roles = try db.query("""
            SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('lahde_loader', 'lahde_reader', 'lahde_privacy_officer') ORDER BY rolname
            """).rows
        #expect(roles.map { $0["rolname"] } == ["lahde_loader", "lahde_privacy_officer", "lahde_reader"])
        #expect(roles.allSatisfy { $0.bool("rolcanlogin") == false })
        // A second database of the same cluster migrates from scratch with the roles already there.
        let other = try TestCluster.freshDatabase(migrated: false).connect()
        try Migrator(connection: other).migrate()
        #expect(try other.query("SELECT has_table_privilege('lahde_loader', 'lahde.batch', 'INSERT') AS ok").first?.bool("ok") == true)
    }

    @Test("every table of register and lahde, those of later migrations included, is written by the loader, read by the officer, closed to the reader")
    func grantsCoverEveryTable() throws {
        let db = try TestCluster.freshDatabase().connect()
        let gaps = try db.query("""
            SELECT n.nspname || '.' || c.relname AS name,
                   has_table_privilege('lahde_loader', c.oid, 'SELECT, INSERT, UPDATE, DELETE') AS loader,
                   has_table_privilege('lahde_privacy_officer', c.oid, 'SELECT') AS officer,
                   has_table_privilege('lahde_reader', c.oid, 'SELECT, INSERT, UPDATE, DELETE') AS reader
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname IN ('register', 'lahde') AND c.relkind IN ('r', 'v', 'p')
            ORDER BY 1
            """).rows
        #expect(gaps.count >= 15)
        for row in gaps {
            let name = row["name"] ?? "?"
            #expect(row.bool("loader") == true, "lahde_loader cannot write \(name)")
            #expect(row.bool("officer") == true, "lahde_privacy_officer cannot read \(name)")
            #expect(row.bool("reader") == false, "lahde_reader can use \(name)")
        }
    }

    @Test("the reader cannot select any table of register or lahde directly")
    func readerHasNoTables() throws {
        let db = try register()
        try db.execute(script: "SET ROLE lahde_reader")
        for table in ["register.party", "register.party_identifier", "register.address", "register.protection",
                      "register.marketing", "register.accounting_point", "register.contract", "lahde.field_tag",
                      "lahde.provenance", "lahde.provenance_history", "lahde.provenance_change", "lahde.quarantine",
                      "lahde.batch", "lahde.stage_item", "lahde.suppression", "reader.protected_party"] {
            #expect(denied(db, "SELECT * FROM \(table)"), "lahde_reader could read \(table)")
        }
        #expect(denied(db, "INSERT INTO register.party (last_name) VALUES ('x')"))
    }

    @Test("the reader's views hold no henkilötunnus anywhere, but do hold the other identifiers")
    func readerSeesNoHenkilotunnus() throws {
        let db = try register()
        try db.execute(script: "SET ROLE lahde_reader")
        let schemes = try db.query("SELECT DISTINCT scheme FROM reader.party_identifier ORDER BY scheme").rows.map { $0["scheme"] }
        #expect(schemes == ["customer_number"])
        for view in ["party", "party_identifier", "address", "marketing", "accounting_point", "contract"] {
            let leaks = try db.query(
                "SELECT count(*) AS n FROM reader.\(view) v WHERE v::text LIKE '%' || $1 || '%' OR v::text LIKE '%' || $2 || '%'",
                Self.aino, Self.eino).first?.int("n")
            #expect(leaks == 0, "reader.\(view) shows a henkilötunnus")
        }
        let columns = try db.query("SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = 'reader' AND column_name ILIKE '%henkilo%'").first?.int("n")
        #expect(columns == 0)
    }

    @Test("the reader sees an unprotected person's address but not a protected person's, nor their accounting point's")
    func readerSeesNoProtectedAddress() throws {
        let db = try register()
        try db.execute(script: "SET ROLE lahde_reader")
        let streets = try db.query("SELECT street FROM reader.address ORDER BY street").rows.map { $0["street"] }
        #expect(streets == ["Julkinen tie 2"])
        let anywhere = try db.query("""
            SELECT (SELECT count(*) FROM reader.address a WHERE a::text LIKE '%Salainen%')
                 + (SELECT count(*) FROM reader.accounting_point p WHERE p::text LIKE '%Salainen%') AS n
            """).first?.int("n")
        #expect(anywhere == 0)
        let points = try db.query("SELECT gsrn, street FROM reader.accounting_point ORDER BY gsrn").rows
        #expect(points.map { $0["gsrn"] } == ["643000000000000011", "643000000000000028"])
        #expect(points.map { $0["street"] } == [nil, "Julkinen tie 2"])
        // The rest of the protected person stays readable: the name, the customer number.
        let names = try db.query("SELECT last_name FROM reader.party ORDER BY last_name").rows.map { $0["last_name"] }
        #expect(names == ["Korhonen", "Virtanen"])
    }

    @Test("a protection that has ended, or was lifted, no longer hides the address")
    func endedProtection() throws {
        let db = try register()
        try db.execute(script: "UPDATE register.protection SET ends_on = current_date - 1")
        try db.execute(script: "SET ROLE lahde_reader")
        let streets = try db.query("SELECT street FROM reader.address ORDER BY street").rows.map { $0["street"] }
        #expect(streets == ["Julkinen tie 2", "Salainen katu 1"])
    }

    @Test("a login role granted lahde_reader has the reader's rights and no more")
    func loginRoleGrantedReader() throws {
        let db = try register()
        let login = "lahde_test_reader_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        try db.execute(script: "CREATE ROLE \(login) LOGIN; GRANT lahde_reader TO \(login)")
        defer { _ = try? db.execute(script: "RESET ROLE; DROP OWNED BY \(login); DROP ROLE \(login)") }
        try db.execute(script: "SET ROLE \(login)")
        #expect(denied(db, "SELECT * FROM register.party_identifier"))
        #expect(try db.query("SELECT count(*) AS n FROM reader.address").first?.int("n") == 1)
    }

    @Test("the loader can run an import (and check the migrations) but the reader's rights are not needed for it")
    func loaderImports() throws {
        let db = try register()
        try db.execute(script: "SET ROLE lahde_loader")
        let outcomes = try Migrator(connection: db).migrate()
        #expect(outcomes.count == Migration.all.count)
        var feed = TestFeed(name: "later.txt")
        feed.party([(.customerNumber, "100002")], validFrom: "2026-02-01", ["email": "eino@example.fi"])
        feed.party([(.customerNumber, "100003")], validFrom: "2026-02-01", ["last_name": "Uusi"])
        let report = try feed.load(into: db, as: Self.customers)
        #expect(report.counts.applied == 2)
        #expect(try db.query("SELECT email FROM register.party WHERE email IS NOT NULL").first?["email"] == "eino@example.fi")
    }

    @Test("the privacy officer can export (read provenance) and erase a person, but not write the register otherwise")
    func privacyOfficerErases() throws {
        let db = try register()
        try db.execute(script: "SET ROLE lahde_privacy_officer")
        let lookup = ProvenanceLookup(connection: db)
        let aino = try #require(try lookup.entity(for: Self.aino))
        let tags = try db.query("SELECT count(*) AS n FROM lahde.provenance WHERE entity_id = $1", aino.id).first?.int("n") ?? 0
        #expect(tags > 0)
        #expect(try db.query("SELECT street FROM register.address WHERE party_id = $1", aino.id).first?["street"] == "Salainen katu 1")
        let key = SuppressionKey(bytes: Array(repeating: 7, count: 32))
        let report = try Eraser(connection: db, key: key).erase(aino, reason: "request 2026-114")
        #expect(report.identifiers == 2)
        #expect(try lookup.entity(for: Self.aino) == nil)
        #expect(denied(db, "UPDATE register.party SET last_name = 'x'"))
        #expect(denied(db, "INSERT INTO lahde.batch (connector, file_name, sha256, byte_count, status) VALUES ('x', 'x', repeat('0', 64), 0, 'loaded')"))
    }
}
