import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import LahdePostgres
import LahdeStore
import Testing

/// Contract events (F04, F06, F18) to contract records, and through the merge into `register.contract`.
@Suite("Datahub: contracts")
struct DatahubContractTests {
    static let f06Path = "/MasterDataContractEventMessage/MasterDataContractEvent/Transaction"

    @Test("the F06 reference example: the customer's party record, then the contract by its id with end, reason, type and links")
    func moveOutExample() throws {
        let outcome = try DatahubFixtures.read(DatahubFixtures.examples.appendingPathComponent("F06_move_out.xml"))
        #expect(outcome.rejected.isEmpty, "\(outcome.rejected.map(\.reason))")
        try #require(outcome.records.count == 2)
        let party = outcome.records[0]
        #expect(party.entityKind == .party)
        #expect(party.keys == [MatchKey(scheme: .henkilotunnus, value: "150385-912E")])
        let contract = outcome.records[1]
        #expect(contract.entityKind == .contract)
        #expect(contract.keys == [MatchKey(scheme: .datahubContract, value: "MS-2024-000777")])
        #expect(contract.locator == "message 5c7e9a1b-3d5f-4b7d-9f1b-3d5f7a9c1e3a F06 DH-332-2")
        #expect(contract.validFrom == DatahubFixtures.utc("2025-05-05T12:00:00Z"))  // the message's creation
        let fields = Dictionary(uniqueKeysWithValues: contract.observations.map { ($0.field, $0.value ?? "∅") })
        #expect(fields == [
            "contract_accounting_point": "gsrn:643000030000678908", "contract_type": "sales", "contract_party": "henkilotunnus:150385-912E",
            "contract_end": "2025-05-31", "contract_end_reason": "move_out",
        ])
        let end = try #require(contract.observations.first { $0.field == "contract_end" })
        #expect(end.locator == "\(Self.f06Path)/EndOfOccurrence")
        let point = try #require(contract.observations.first { $0.field == "contract_accounting_point" })
        #expect(point.locator == "\(Self.f06Path)/MasterDataContract/MeteringPointOfContract/Identification")
    }

    @Test("contract days are Finnish: a start at Finnish midnight is that day, an end at Finnish midnight is the day before")
    func finnishDays() {
        #expect(DatahubTimeProbe.day("2025-05-31T21:00:00Z", endExclusive: false) == "2025-06-01")
        #expect(DatahubTimeProbe.day("2025-05-31T21:00:00Z", endExclusive: true) == "2025-05-31")
        #expect(DatahubTimeProbe.day("2026-02-28T22:00:00Z", endExclusive: true) == "2026-02-28")
        #expect(DatahubTimeProbe.day("2026-03-10T10:00:00Z", endExclusive: true) == "2026-03-10")
    }

    @Test("a contract message without a contract id is quarantined with the reason, not guessed")
    func noContractID() throws {
        let text = try DatahubFixtures.example("F06_move_out.xml")
            .replacingOccurrences(of: "<elm:Identification>MS-2024-000777</elm:Identification>", with: "")
        let outcome = try DatahubFixtures.read(text: text)
        #expect(outcome.records.isEmpty)
        #expect(outcome.rejected.first?.reason.contains("MasterDataContract/Identification is missing") == true)
        #expect(outcome.rejected.first?.locator.contains("F06") == true)
    }

    @Test("the F06 example loads: party, accounting point and contract created and linked, provenance with the message and element")
    func moveOutExampleLoads() throws {
        let db = try TestCluster.freshDatabase().connect()
        let catalogue = try FieldCatalogue.load(from: db)
        let policy = try DatahubFixtures.policy("datahub", catalogue)
        let file = try InputFile(path: DatahubFixtures.examples.appendingPathComponent("F06_move_out.xml").path)
        let report = try RegisterLoader(connection: db, policy: policy).load(file.batchInput) { emit in
            try DatahubFixtures.validating.read(file, emit: emit)
        }
        #expect(report.status == .loaded)
        #expect(report.counts.read == 2)
        #expect(report.counts.applied == 2)
        let row = try #require(try db.query("""
            SELECT c.datahub_contract_id, c.ends_on::text, c.end_reason, c.contract_type, c.starts_on, c.cancelled::text,
                   ap.gsrn, i.value AS hetu
            FROM register.contract c
            JOIN register.accounting_point ap USING (accounting_point_id)
            JOIN register.party_identifier i ON i.party_id = c.party_id AND i.scheme = 'henkilotunnus'
            """).first)
        #expect(row["datahub_contract_id"] == "MS-2024-000777")
        #expect(row["ends_on"] == "2025-05-31")
        #expect(row["end_reason"] == "move_out")
        #expect(row["contract_type"] == "sales")
        #expect(row["starts_on"] == nil)
        #expect(row["cancelled"] == "false")
        #expect(row["gsrn"] == "643000030000678908")
        #expect(row["hetu"] == "150385-912E")
        let tag = try #require(try db.query(
            "SELECT source, locator, value FROM lahde.provenance WHERE entity_kind = 'contract' AND field = 'contract_end'").first)
        #expect(tag["source"] == "datahub")
        #expect(tag["locator"] == "message 5c7e9a1b-3d5f-4b7d-9f1b-3d5f7a9c1e3a F06 DH-332-2 \(Self.f06Path)/EndOfOccurrence")
        #expect(tag["value"] == "2025-05-31")
        // the link is kept as the register's id, never as the identity code
        let link = try #require(try db.query(
            "SELECT value FROM lahde.provenance WHERE entity_kind = 'contract' AND field = 'contract_party'").first?["value"])
        #expect(link.contains("-") == false)
    }

    @Test("erasing the customer removes their contracts and the contracts' provenance")
    func erasureTakesContracts() throws {
        let db = try TestCluster.freshDatabase().connect()
        let catalogue = try FieldCatalogue.load(from: db)
        let file = try InputFile(path: DatahubFixtures.examples.appendingPathComponent("F06_move_out.xml").path)
        _ = try RegisterLoader(connection: db, policy: try DatahubFixtures.policy("datahub", catalogue)).load(file.batchInput) { emit in
            try DatahubFixtures.validating.read(file, emit: emit)
        }
        #expect(try db.query("SELECT count(*) AS n FROM lahde.field_tag WHERE entity_kind = 'contract'").first?.int("n") == 1)
        let lookup = ProvenanceLookup(connection: db)
        let person = try #require(try lookup.entity(for: "150385-912E"))
        _ = try Eraser(connection: db, key: SuppressionKey(bytes: Array(repeating: 7, count: 32))).erase(person, reason: "request")
        #expect(try db.query("SELECT count(*) AS n FROM register.contract").first?.int("n") == 0)
        #expect(try db.query("SELECT count(*) AS n FROM lahde.field_tag WHERE entity_kind = 'contract'").first?.int("n") == 0)
        #expect(try db.query("SELECT count(*) AS n FROM lahde.provenance_change WHERE entity_kind = 'contract'").first?.int("n") == 0)
    }
}

/// Reaches the connector's internal day conversion through its public behaviour's only input: a time.
enum DatahubTimeProbe {
    static func day(_ time: String, endExclusive: Bool) -> String {
        DatahubContractDays.finnishDay(DatahubFixtures.utc(time), endExclusive: endExclusive)
    }
}
