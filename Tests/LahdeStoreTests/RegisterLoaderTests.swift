import _LahdeTestSupport
import Foundation
import LahdeCore
import LahdePostgres
import LahdeStore
import Testing

/// The staged merge against a real PostgreSQL: every test gets its own migrated database.
@Suite("Staged merge and survivorship")
struct RegisterLoaderTests {
    static let customers = ConnectorPolicy(name: "customers", createsEntities: true, trust: ["email": 60], defaultTrust: 40)
    static let populationRegister = ConnectorPolicy(name: "vtj", createsEntities: false, trust: [:], defaultTrust: 80)
    static let creditData = ConnectorPolicy(name: "credit", createsEntities: false, trust: [:], defaultTrust: 20)

    static let aino = "010594Y9032"
    static let eino = "020594X903P"

    func seed(_ db: PostgresConnection) throws {
        var feed = TestFeed(name: "customers-1.txt")
        feed.party([(.customerNumber, "100001"), (.henkilotunnus, Self.aino)], validFrom: "2026-01-01", [
            "party_type": "person", "first_names": "Aino", "last_name": "Virtanen", "email": "aino@example.fi",
            "address.permanent.street": "Kauppakatu 1", "address.permanent.postal_code": "00100", "address.permanent.city": "Helsinki",
        ])
        feed.party([(.customerNumber, "100002"), (.henkilotunnus, Self.eino)], validFrom: "2026-01-01", [
            "party_type": "person", "first_names": "Eino", "last_name": "Korhonen",
        ])
        let report = try feed.load(into: db, as: Self.customers)
        #expect(report.status == .loaded)
        #expect(report.counts.applied == 2)
    }

    func value(_ db: PostgresConnection, _ sql: String, _ key: String) throws -> String? {
        try db.query(sql, key).first?[0]
    }

    func lastName(_ db: PostgresConnection, _ customer: String) throws -> String? {
        try value(db, "SELECT p.last_name FROM register.party p JOIN register.party_identifier i USING (party_id) WHERE i.scheme = 'customer_number' AND i.value = $1", customer)
    }

    func street(_ db: PostgresConnection, _ customer: String) throws -> String? {
        try value(db, """
            SELECT a.street FROM register.address a JOIN register.party_identifier i USING (party_id)
            WHERE i.scheme = 'customer_number' AND i.value = $1 AND a.kind = 'permanent'
            """, customer)
    }

    @Test("a new register: entities created, typed tables filled, a provenance tag for every value, counts add up")
    func firstLoad() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        #expect(try lastName(db, "100001") == "Virtanen")
        #expect(try street(db, "100001") == "Kauppakatu 1")
        #expect(try value(db, "SELECT party_id::text FROM register.party_identifier WHERE scheme = 'henkilotunnus' AND value = $1", Self.aino) != nil)
        let tags = try db.query("SELECT count(*) AS n FROM lahde.provenance").first?.int("n")
        #expect(tags == 7 + 3)
        let untagged = try db.query("""
            SELECT count(*) AS n FROM register.party p
            WHERE p.last_name IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM lahde.provenance v WHERE v.entity_kind = 'party' AND v.entity_id = p.party_id AND v.field = 'last_name')
            """).first?.int("n")
        #expect(untagged == 0)
        let ledger = try #require(try db.query("SELECT status, read, applied, unchanged, superseded, quarantined FROM lahde.batch").first)
        #expect(ledger["status"] == "loaded")
        #expect(ledger.int("read") == 2)
        #expect(ledger.int("applied") == 2)
        // The staged copy of the feed (values, raw bytes of rejected rows) does not outlive its batch.
        #expect(try db.query("SELECT count(*) AS n FROM lahde.stage_item").first?.int("n") == 0)
    }

    @Test("loading the same content again — same or other name — changes nothing and says so; --force changes nothing")
    func reimportIsANoOp() throws {
        let db = try TestCluster.freshDatabase().connect()
        var feed = TestFeed(name: "a.txt")
        feed.party([(.customerNumber, "100001")], validFrom: "2026-01-01", ["last_name": "Virtanen"])
        let first = try feed.load(into: db, as: Self.customers)
        let snapshot = try db.query("SELECT count(*) AS h FROM lahde.provenance_history").first?.int("h")
        var renamed = feed
        renamed.name = "b.txt"
        let again = try renamed.load(into: db, as: Self.customers)
        #expect(again.status == .alreadyLoaded)
        #expect(again.batch == first.batch)
        let forced = try renamed.load(into: db, as: Self.customers, force: true)
        #expect(forced.status == .loaded)
        #expect(forced.counts.unchanged == 1)
        #expect(forced.counts.applied == 0)
        #expect(try db.query("SELECT count(*) AS h FROM lahde.provenance_history").first?.int("h") == snapshot)
        #expect(try db.query("SELECT count(*) AS n FROM register.party").first?.int("n") == 1)
    }

    @Test("an older validity time never overwrites a newer value: it is superseded")
    func outOfOrderValidity() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        var newer = TestFeed(name: "vtj-2.txt")
        newer.party([(.henkilotunnus, Self.aino)], validFrom: "2026-03-01", ["address.permanent.street": "Hämeenkatu 5"])
        #expect(try newer.load(into: db, as: Self.populationRegister).counts.applied == 1)
        var older = TestFeed(name: "vtj-1.txt")
        older.party([(.henkilotunnus, Self.aino)], validFrom: "2026-02-01", ["address.permanent.street": "Rantatie 9"])
        let report = try older.load(into: db, as: Self.populationRegister)
        #expect(report.counts.superseded == 1)
        #expect(report.counts.applied == 0)
        #expect(report.counts.addsUp)
        #expect(try street(db, "100001") == "Hämeenkatu 5")
    }

    @Test("a record only partly written moves only the written values' tags; the others keep their batch, locator and rule")
    func partlyWrittenRecordKeepsOtherTags() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        var feed = TestFeed(name: "customers-2.txt")
        // Same validity and trust as the seed: a new last name is written (later arrival), the same first
        // name and e-mail are unchanged and must keep the first batch's tags.
        feed.party([(.customerNumber, "100001")], validFrom: "2026-01-01", [
            "first_names": "Aino", "last_name": "Virtanen-Uusi", "email": "aino@example.fi",
        ])
        let report = try feed.load(into: db, as: Self.customers)
        #expect(report.fields.applied == 1)
        #expect(report.fields.unchanged == 2)
        let rows = try db.query("""
            SELECT p.field, p.batch_id::text AS batch, p.rule, p.locator FROM lahde.provenance p
            JOIN register.party_identifier i ON i.party_id = p.entity_id AND i.scheme = 'customer_number' AND i.value = '100001'
            WHERE p.entity_kind = 'party' ORDER BY p.field
            """).rows
        let byField = Dictionary(uniqueKeysWithValues: rows.map { ($0["field"] ?? "", $0) })
        #expect(rows.count == 7)
        #expect(byField["last_name"]?["batch"] == String(report.batch ?? -1))
        #expect(byField["last_name"]?["rule"] == "later-arrival")
        for field in ["first_names", "email", "address.permanent.street"] {
            #expect(byField[field]?["batch"] != String(report.batch ?? -1), "\(field) must keep the seed's tag")
            #expect(byField[field]?["rule"] == "first-value", "\(field)")
        }
        // A current tag holds no rule of its own any more (V011): the view reads it from the history.
        let longTags = try db.query(
            "SELECT count(*) AS n FROM lahde.field_tag t, jsonb_each(t.tags) e WHERE jsonb_array_length(e.value) <> 5").first?.int("n")
        #expect(longTags == 0)
    }

    @Test("a known person's record that brings a new identifier registers it; one whose identifiers are all known registers nothing")
    func newIdentifierOfAKnownPersonIsRegistered() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        let before = try db.query("SELECT count(*) AS n FROM register.party_identifier").first?.int("n")
        var feed = TestFeed(name: "customers-2.txt")
        feed.party([(.customerNumber, "100001"), (.datahubParty, "DH-PARTY-1")], validFrom: "2026-02-01", ["last_name": "Virtanen"])
        feed.party([(.customerNumber, "100002"), (.henkilotunnus, Self.eino)], validFrom: "2026-02-01", ["last_name": "Korhonen"])
        let report = try feed.load(into: db, as: Self.customers)
        #expect(report.counts.addsUp)
        #expect(report.counts.quarantined == 0)
        let after = try db.query("SELECT count(*) AS n FROM register.party_identifier").first?.int("n")
        #expect(after == (before ?? 0) + 1)
        let owner = try db.query("""
            SELECT d.party_id = c.party_id AS same FROM register.party_identifier d
            JOIN register.party_identifier c ON c.scheme = 'customer_number' AND c.value = '100001'
            WHERE d.scheme = 'datahub_party' AND d.value = 'DH-PARTY-1'
            """).first?["same"]
        #expect(owner == "t")
        // The new identifier now finds the person on its own.
        var byParty = TestFeed(name: "customers-3.txt")
        byParty.party([(.datahubParty, "DH-PARTY-1")], validFrom: "2026-03-01", ["last_name": "Virtanen-Uusi"])
        #expect(try byParty.load(into: db, as: Self.customers).counts.applied == 1)
        #expect(try lastName(db, "100001") == "Virtanen-Uusi")
    }

    @Test("values with quotes, backslashes, JSON-like text and non-ASCII reach the register and their provenance tags unchanged")
    func awkwardValuesRoundTrip() throws {
        let db = try TestCluster.freshDatabase().connect()
        let awkward = "O\"Brien \\ Åström jr. \u{1F600} \\\"x {\"a\": [1]}"
        var feed = TestFeed(name: "customers-awkward.txt")
        feed.party([(.customerNumber, "100009")], validFrom: "2026-01-01", ["party_type": "person", "last_name": awkward])
        let report = try feed.load(into: db, as: Self.customers)
        #expect(report.counts.applied == 1)
        #expect(try lastName(db, "100009") == awkward)
        let tagged = try db.query("SELECT value, rule FROM lahde.provenance WHERE field = 'last_name'").first
        #expect(tagged?["value"] == awkward)
        #expect(tagged?["rule"] == "first-value")
    }

    @Test("trust is ranked per field: the customer's own e-mail beats the register's, the register's name beats the customer system's")
    func trustPerField() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        let vtjForEmail = ConnectorPolicy(name: "vtj", createsEntities: false, trust: ["email": 10], defaultTrust: 80)
        var feed = TestFeed(name: "vtj.txt")
        feed.party([(.henkilotunnus, Self.aino)], validFrom: "2026-02-01", ["last_name": "Virtanen-Laine", "email": "other@example.fi"])
        let report = try feed.load(into: db, as: vtjForEmail)
        #expect(report.fields.applied == 1)
        #expect(report.fields.superseded == 1)
        #expect(try lastName(db, "100001") == "Virtanen-Laine")
        #expect(try value(db, "SELECT email FROM register.party p JOIN register.party_identifier i USING (party_id) WHERE i.value = $1", "100001") == "aino@example.fi")
        let rule = try db.query("SELECT rule, source FROM lahde.provenance WHERE field = 'last_name' AND value = 'Virtanen-Laine'").first
        #expect(rule?["rule"] == "higher-trust")
        #expect(rule?["source"] == "vtj")
        // A lower-trust source with a newer date still loses.
        var credit = TestFeed(name: "credit.txt")
        credit.party([(.henkilotunnus, Self.aino)], validFrom: "2026-06-01", ["last_name": "Väärä"])
        #expect(try credit.load(into: db, as: Self.creditData).counts.superseded == 1)
        #expect(try lastName(db, "100001") == "Virtanen-Laine")
    }

    @Test("turvakielto: while active, a lower-trust source cannot write an address; the register itself still can")
    func protectionBlocksLowerTrustAddress() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        var protect = TestFeed(name: "vtj-protect.txt")
        protect.party([(.henkilotunnus, Self.aino)], validFrom: "2026-02-01", ["turvakielto": "true", "address.permanent.street": nil])
        #expect(try protect.load(into: db, as: Self.populationRegister).counts.applied == 1)
        #expect(try street(db, "100001") == nil)

        var credit = TestFeed(name: "credit.txt")
        credit.party([(.henkilotunnus, Self.aino)], validFrom: "2026-03-01", ["address.permanent.street": "Salainen tie 1"])
        let blocked = try credit.load(into: db, as: Self.creditData)
        #expect(blocked.fields.protected == 1)
        #expect(blocked.counts.superseded == 1)
        #expect(try street(db, "100001") == nil)

        // Protection ends: the lower-trust address may come in again (the register's removal is older).
        var lift = TestFeed(name: "vtj-lift.txt")
        lift.party([(.henkilotunnus, Self.aino)], validFrom: "2026-04-01", ["turvakielto": "false"])
        try lift.load(into: db, as: Self.populationRegister)
        let creditLater = ConnectorPolicy(name: "credit", createsEntities: false, trust: [:], defaultTrust: 90)
        var again = TestFeed(name: "credit-2.txt")
        again.party([(.henkilotunnus, Self.aino)], validFrom: "2026-05-01", ["address.permanent.street": "Uusi tie 2"])
        #expect(try again.load(into: db, as: creditLater).fields.applied == 1)
        #expect(try street(db, "100001") == "Uusi tie 2")
    }

    @Test("a marketing ban from any source wins over a more trusted permission-giver, and only its own source lifts it")
    func banFromAnySourceWins() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        var ban = TestFeed(name: "robinson.txt")
        ban.party([(.henkilotunnus, Self.aino)], validFrom: "2026-02-01", ["telemarketing_ban": "true"])
        try ban.load(into: db, as: Self.creditData)
        var lift = TestFeed(name: "customers-2.txt")
        lift.party([(.customerNumber, "100001")], validFrom: "2026-03-01", ["telemarketing_ban": "false"])
        let report = try lift.load(into: db, as: Self.customers)
        #expect(report.counts.superseded == 1)
        #expect(try value(db, "SELECT m.telemarketing_ban::text FROM register.marketing m JOIN register.party_identifier i USING (party_id) WHERE i.value = $1", "100001") == "true")
        #expect(try db.query("SELECT source FROM lahde.provenance WHERE field = 'telemarketing_ban'").first?["source"] == "credit")
        // A lower-trust source sets a ban over a more trusted source's "no ban": the ban wins.
        var permit = TestFeed(name: "customers-3.txt")
        permit.party([(.customerNumber, "100002")], validFrom: "2026-03-01", ["direct_marketing_ban": "false"])
        try permit.load(into: db, as: Self.customers)
        var laterBan = TestFeed(name: "robinson-2.txt")
        laterBan.party([(.henkilotunnus, Self.eino)], validFrom: "2026-02-01", ["direct_marketing_ban": "true"])
        #expect(try laterBan.load(into: db, as: Self.creditData).counts.applied == 1)
        let rule = try db.query("SELECT rule FROM lahde.provenance WHERE field = 'direct_marketing_ban'").first?["rule"]
        #expect(rule == "ban-wins")
    }

    @Test("records are quarantined with raw bytes, locator and reason; the rest of the batch loads")
    func quarantineKeepsRawBytes() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        var feed = TestFeed(name: "vtj-mixed.txt")
        feed.party([(.henkilotunnus, Self.aino)], validFrom: "2026-02-01", ["last_name": "Uusinimi"])
        feed.party([(.henkilotunnus, "030594W903B")], validFrom: "2026-02-01", ["last_name": "Tuntematon"])
        feed.party([(.henkilotunnus, Self.eino)], validFrom: "2026-02-01", ["no_such_field": "x"])
        feed.party([(.henkilotunnus, Self.eino)], validFrom: "2026-02-01", ["birth_date": "1994-02-30"])
        feed.rejected("garbage \u{1}line", reason: "the line is not a JSON object")
        let report = try feed.load(into: db, as: Self.populationRegister)
        #expect(report.counts.read == 5)
        #expect(report.counts.applied == 1)
        #expect(report.counts.quarantined == 4)
        #expect(report.counts.addsUp)
        let rows = try db.query("SELECT locator, reason, convert_from(raw, 'UTF8') AS raw FROM lahde.quarantine ORDER BY locator").rows
        #expect(rows.map { $0["locator"] } == ["line 2", "line 3", "line 4", "line 5"])
        #expect(rows[0]["reason"] == "no matching record")
        #expect(rows[1]["reason"]?.contains("unknown field") == true)
        #expect(rows[2]["reason"]?.contains("birth_date") == true)
        #expect(rows[3]["raw"] == "garbage \u{1}line\n")
        #expect(rows[0]["raw"]?.contains("030594W903B") == true)
        #expect(rows.allSatisfy { !($0["reason"] ?? "").contains("030594W903B") })
        #expect(try lastName(db, "100001") == "Uusinimi")
    }

    @Test("within one batch the newest validity wins and the others are recorded as losing candidates")
    func inBatchSurvivorship() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        var feed = TestFeed(name: "vtj.txt")
        feed.party([(.henkilotunnus, Self.aino)], validFrom: "2026-03-01", ["last_name": "Kolmas"])
        feed.party([(.henkilotunnus, Self.aino)], validFrom: "2026-02-01", ["last_name": "Toinen"])
        let report = try feed.load(into: db, as: Self.populationRegister)
        #expect(report.counts.applied == 1)
        #expect(report.counts.superseded == 1)
        #expect(try lastName(db, "100001") == "Kolmas")
        let losing = try db.query("SELECT losing::text AS l FROM lahde.provenance_history WHERE new_value = 'Kolmas'").first?["l"]
        #expect(losing?.contains("Toinen") == true)
    }

    @Test("a record whose keys name two different parties is quarantined, not guessed")
    func conflictingKeys() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        var feed = TestFeed(name: "mixed-up.txt")
        feed.party([(.customerNumber, "100001"), (.henkilotunnus, Self.eino)], validFrom: "2026-02-01", ["last_name": "Sekaisin"])
        let report = try feed.load(into: db, as: Self.customers)
        #expect(report.counts.quarantined == 1)
        #expect(try db.query("SELECT reason FROM lahde.quarantine").first?["reason"]?.contains("different records") == true)
        #expect(try lastName(db, "100001") == "Virtanen")
    }

    @Test("provenance lookup lists every field of a person with its source, file, hash, locator and history")
    func provenanceLookup() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        var feed = TestFeed(name: "vtj.txt")
        feed.party([(.henkilotunnus, Self.aino)], validFrom: "2026-02-01", ["last_name": "Virtanen-Laine"])
        try feed.load(into: db, as: Self.populationRegister)
        let lookup = ProvenanceLookup(connection: db)
        let entity = try #require(try lookup.entity(for: Self.aino))
        #expect(try lookup.entity(for: "100001") == entity)
        #expect(try lookup.entity(for: "999999") == nil)
        let tags = try lookup.fields(of: entity, withHistory: true)
        #expect(tags.map(\.current.field) == [
            "address.permanent.city", "address.permanent.postal_code", "address.permanent.street", "email", "first_names",
            "last_name", "party_type",
        ])
        let name = try #require(tags.first { $0.current.field == "last_name" })
        #expect(name.current.source == "vtj")
        #expect(name.current.file == "vtj.txt")
        #expect(name.current.sha256 == feed.batchInput.sha256)
        #expect(name.current.locator == "line 1")
        #expect(name.current.validFrom.hasPrefix("2026-02-01"))
        #expect(name.current.rule == "higher-trust")
        #expect(name.history.map(\.value) == ["Virtanen", "Virtanen-Laine"])
        #expect(name.history.last?.oldValue == "Virtanen")
    }

    @Test("a connector that ignores unmatched records counts them as unchanged and quarantines nothing")
    func unmatchedIgnored() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        let addressService = ConnectorPolicy(name: "posti", createsEntities: false, trust: [:], defaultTrust: 20, unmatched: .ignore)
        var feed = TestFeed(name: "posti.txt")
        feed.party([(.customerNumber, "100002")], validFrom: "2026-02-01", ["address.permanent.street": "Postikatu 3"])
        feed.party([(.customerNumber, "999999")], validFrom: "2026-02-01", ["address.permanent.street": "Muualla 1"])
        let report = try feed.load(into: db, as: addressService)
        #expect(report.counts.read == 2)
        #expect(report.counts.applied == 1)
        #expect(report.counts.unchanged == 1)
        #expect(report.counts.quarantined == 0)
        #expect(report.counts.addsUp)
        #expect(try db.query("SELECT count(*) AS n FROM lahde.quarantine").first?.int("n") == 0)
        #expect(try street(db, "100002") == "Postikatu 3")
    }

    @Test("a death reported by a credit-data feed is a hint in its own field, never the deceased flag")
    func reportedDeathIsAHint() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        var feed = TestFeed(name: "credit.txt")
        feed.party([(.henkilotunnus, Self.eino)], validFrom: "2026-02-01", ["deceased_reported": "true"])
        try feed.load(into: db, as: Self.creditData)
        let row = try #require(try db.query("SELECT deceased::text AS d, deceased_reported::text AS r FROM register.party p JOIN register.party_identifier i USING (party_id) WHERE i.value = $1", Self.eino).first)
        #expect(row["d"] == nil)
        #expect(row["r"] == "true")
    }

    @Test("a record without a validity time of its own is valid from its receipt")
    func validityDefaultsToReceipt() throws {
        let db = try TestCluster.freshDatabase().connect()
        var feed = TestFeed(name: "undated.txt")
        feed.party([(.customerNumber, "100001")], ["last_name": "Virtanen"])
        let report = try feed.load(into: db, as: Self.customers)
        #expect(report.counts.applied == 1)
        let row = try #require(try db.query("""
            SELECT p.valid_from = b.started_at AS same FROM lahde.provenance p JOIN lahde.batch b USING (batch_id)
            """).first)
        #expect(row.bool("same") == true)
    }
}
