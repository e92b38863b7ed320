import _LahdeTestSupport
import Foundation
import LahdeCore
import LahdePostgres
import LahdeStore
import Testing

@Suite("Henkilötunnus corrections")
struct HenkilotunnusCorrectionTests {
    static let customers = ConnectorPolicy(name: "customers", createsEntities: true, trust: [:], defaultTrust: 40)
    static let populationRegister = ConnectorPolicy(name: "vtj", createsEntities: false, trust: [:], defaultTrust: 80)
    static let old = "010594Y9032"
    static let new = "010594Y9021"

    func seed(_ db: PostgresConnection) throws {
        var feed = TestFeed(name: "customers.txt")
        feed.party([(.customerNumber, "100001"), (.henkilotunnus, Self.old)], validFrom: "2026-01-01", ["last_name": "Virtanen"])
        try feed.load(into: db, as: Self.customers)
    }

    func correction() -> TestFeed {
        var feed = TestFeed(name: "vtj-correction.txt")
        feed.party([(.henkilotunnus, Self.old)], validFrom: "2026-02-01", ["henkilotunnus_correction": Self.new, "last_name": "Virtanen-Laine"])
        return feed
    }

    @Test("a correction re-keys the person: the new code finds them, the old one still does, history and provenance stay")
    func rekeys() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        let report = try correction().load(into: db, as: Self.populationRegister)
        #expect(report.counts.applied == 1)
        #expect(report.counts.quarantined == 0)
        let lookup = ProvenanceLookup(connection: db)
        let byNew = try #require(try lookup.entity(for: Self.new))
        #expect(try lookup.entity(for: Self.old) == byNew)
        #expect(try lookup.entity(for: "100001") == byNew)
        #expect(byNew.identifiers.map(\.value).contains(Self.new))
        #expect(!byNew.identifiers.map(\.value).contains(Self.old))  // inactive codes are not listed as current
        let tags = try lookup.fields(of: byNew, withHistory: true)
        let code = try #require(tags.first { $0.current.field == "henkilotunnus" })
        #expect(code.current.value == Self.new)
        #expect(code.current.rule == "correction")
        #expect(code.history.first?.oldValue == Self.old)
        #expect(tags.first { $0.current.field == "last_name" }?.history.count == 2)
    }

    @Test("a correction loaded again (or replayed) changes nothing more")
    func idempotent() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        try correction().load(into: db, as: Self.populationRegister)
        let again = try correction().load(into: db, as: Self.populationRegister, force: true)
        #expect(again.counts.unchanged == 1)
        #expect(try db.query("SELECT count(*) AS n FROM lahde.provenance_history WHERE field = 'henkilotunnus'").first?.int("n") == 1)
        // A later feed keyed by the old code still reaches the same person.
        var late = TestFeed(name: "late.txt")
        late.party([(.henkilotunnus, Self.old)], validFrom: "2026-03-01", ["first_names": "Aino"])
        #expect(try late.load(into: db, as: Self.populationRegister).counts.applied == 1)
    }

    @Test("an invalid new code is quarantined with a reason that does not show it")
    func invalidNewCode() throws {
        let db = try TestCluster.freshDatabase().connect()
        try seed(db)
        var feed = TestFeed(name: "bad.txt")
        feed.party([(.henkilotunnus, Self.old)], validFrom: "2026-02-01", ["henkilotunnus_correction": "010594Y9033"])
        let report = try feed.load(into: db, as: Self.populationRegister)
        #expect(report.counts.quarantined == 1)
        let reason = try #require(try db.query("SELECT reason FROM lahde.quarantine").first?["reason"])
        #expect(reason.contains("corrected henkilötunnus"))
        #expect(reason.contains("010594Y9033") == false)
        #expect(try ProvenanceLookup(connection: db).entity(for: Self.old) != nil)
    }
}
