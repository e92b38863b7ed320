import _LahdeTestSupport
import Foundation
import LahdeCore
import LahdePostgres
import LahdeStore
import Testing

@Suite("Erasure and suppression")
struct EraserTests {
    static let key = SuppressionKey(bytes: Array(repeating: 7, count: 32))
    static let customers = ConnectorPolicy(name: "customers", createsEntities: true, trust: [:], defaultTrust: 40)
    static let aino = "010594Y9032"
    static let eino = "020594X903P"

    func customerFeed() -> TestFeed {
        var feed = TestFeed(name: "customers.txt")
        feed.party([(.customerNumber, "100001"), (.henkilotunnus, Self.aino)], validFrom: "2026-01-01", ["last_name": "Virtanen", "email": "aino@example.fi"])
        feed.party([(.customerNumber, "100002"), (.henkilotunnus, Self.eino)], validFrom: "2026-01-01", ["last_name": "Korhonen"])
        return feed
    }

    func count(_ db: PostgresConnection, _ sql: String) throws -> Int {
        try db.query(sql).first?.int("n") ?? -1
    }

    @Test("erase removes the person, their provenance and quarantined inputs quoting them; an audit and suppression remain")
    func eraseRemovesEverything() throws {
        let db = try TestCluster.freshDatabase().connect()
        try customerFeed().load(into: db, as: Self.customers)
        var bad = TestFeed(name: "bad.txt")
        bad.rejected("garbage about \(Self.aino) here", reason: "the line is not a JSON object")
        bad.rejected("garbage about someone else", reason: "the line is not a JSON object")
        try bad.load(into: db, as: Self.customers)
        let lookup = ProvenanceLookup(connection: db)
        let aino = try #require(try lookup.entity(for: Self.aino))
        let report = try Eraser(connection: db, key: Self.key).erase(aino, reason: "request 2026-114")
        #expect(report.identifiers == 2)
        #expect(report.provenanceRows == 2)
        #expect(report.quarantinedInputs == 1)
        #expect(try lookup.entity(for: Self.aino) == nil)
        #expect(try lookup.entity(for: "100001") == nil)
        #expect(try count(db, "SELECT count(*) AS n FROM lahde.provenance WHERE entity_id = \(aino.id)") == 0)
        #expect(try count(db, "SELECT count(*) AS n FROM lahde.provenance_history WHERE entity_id = \(aino.id)") == 0)
        #expect(try count(db, "SELECT count(*) AS n FROM lahde.quarantine") == 1)
        #expect(try count(db, "SELECT count(*) AS n FROM lahde.suppression") == 2)
        #expect(try db.query("SELECT reason FROM lahde.erasure").first?["reason"] == "request 2026-114")
        // Nothing of the identifiers stays in clear anywhere in the ledger tables.
        let leftovers = try db.query("""
            SELECT count(*) AS n FROM lahde.erasure e WHERE e::text LIKE '%' || $1 || '%'
            """, Self.aino).first?.int("n")
        #expect(leftovers == 0)
        // The other customer is untouched.
        #expect(try lookup.entity(for: Self.eino) != nil)
    }

    @Test("later feeds and replays never bring an erased person back: their records count as suppressed")
    func suppressionKeepsThemOut() throws {
        let db = try TestCluster.freshDatabase().connect()
        try customerFeed().load(into: db, as: Self.customers)
        let lookup = ProvenanceLookup(connection: db)
        _ = try Eraser(connection: db, key: Self.key).erase(try #require(try lookup.entity(for: Self.aino)), reason: "request")

        let replay = try RegisterLoader(connection: db, policy: Self.customers, suppressionKey: Self.key)
            .load(customerFeed().batchInput, force: true) { emit in try customerFeed().produce(emit) }
        #expect(replay.counts.suppressed == 1)
        #expect(replay.counts.unchanged == 1)
        #expect(replay.counts.addsUp)
        #expect(try lookup.entity(for: Self.aino) == nil)

        // A new feed naming the person by henkilötunnus only is suppressed too.
        var later = TestFeed(name: "vtj.txt")
        later.party([(.henkilotunnus, Self.aino)], validFrom: "2026-03-01", ["last_name": "Takaisin"])
        let report = try RegisterLoader(connection: db, policy: Self.customers, suppressionKey: Self.key)
            .load(later.batchInput) { emit in try later.produce(emit) }
        #expect(report.counts.suppressed == 1)
        #expect(try lookup.entity(for: Self.aino) == nil)
        #expect(try count(db, "SELECT count(*) AS n FROM lahde.quarantine") == 0)
    }

    @Test("without the suppression key an import is refused once anyone has been erased")
    func keyRequired() throws {
        let db = try TestCluster.freshDatabase().connect()
        try customerFeed().load(into: db, as: Self.customers)
        _ = try Eraser(connection: db, key: Self.key).erase(try #require(try ProvenanceLookup(connection: db).entity(for: Self.aino)), reason: "request")
        var feed = TestFeed(name: "later.txt")
        feed.party([(.henkilotunnus, Self.aino)], validFrom: "2026-03-01", ["last_name": "Takaisin"])
        #expect(throws: SuppressionKeyError.self) { try feed.load(into: db, as: Self.customers) }
        #expect(try ProvenanceLookup(connection: db).entity(for: Self.aino) == nil)
    }

    @Test("an erasure needs a reason")
    func reasonRequired() throws {
        let db = try TestCluster.freshDatabase().connect()
        try customerFeed().load(into: db, as: Self.customers)
        let entity = try #require(try ProvenanceLookup(connection: db).entity(for: Self.aino))
        #expect(throws: ErasureError.self) { try Eraser(connection: db, key: Self.key).erase(entity, reason: "  ") }
        #expect(try ProvenanceLookup(connection: db).entity(for: Self.aino) != nil)
    }
}
