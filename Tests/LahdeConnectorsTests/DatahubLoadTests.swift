import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import LahdePostgres
import LahdeStore
import Testing

/// The Datahub samples through the real loader into a real register, after the customer-system export
/// they refer to: the expected outcomes listed in samples/datahub/README.md.
@Suite("Datahub: samples end to end")
struct DatahubLoadTests {
    func policy(_ definition: URL, _ catalogue: FieldCatalogue) throws -> ConnectorPolicy {
        try JSONDecoder().decode(ConnectorDefinition.self, from: Data(contentsOf: definition)).policy(for: catalogue)
    }

    func partyValue(_ db: PostgresConnection, _ sql: String, customer: String) throws -> String? {
        try db.query(
            "SELECT (\(sql))::text FROM register.party p JOIN register.party_identifier i USING (party_id) WHERE i.scheme = 'customer_number' AND i.value = $1",
            customer
        ).first?[0]
    }

    @Test("samples/datahub load: new address and names, a turvakielto, an address abroad, two accounting points; two messages quarantined")
    func samplesLoad() throws {
        let db = try TestCluster.freshDatabase().connect()
        let catalogue = try FieldCatalogue.load(from: db)
        let customers = try InputFile(path: DatahubFixtures.repository.appendingPathComponent("samples/observations/2026-01-01-customers.jsonl").path)
        let seeded = try RegisterLoader(
            connection: db, policy: try policy(DatahubFixtures.repository.appendingPathComponent("connectors/customer-system-jsonl.json"), catalogue)
        ).load(customers.batchInput) { emit in try ObservationLinesConnector().read(customers, emit: emit) }
        #expect(seeded.status == .loaded)

        let datahub = try policy(DatahubFixtures.repository.appendingPathComponent("connectors/datahub.json"), catalogue)
        let connector = DatahubConnector(
            settings: DatahubSettings(installationRoot: DatahubFixtures.repository))
        var totals = BatchReport.Counts()
        let names = try FileManager.default.contentsOfDirectory(atPath: DatahubFixtures.samples.path).filter { $0.hasSuffix(".xml") }.sorted()
        for name in names {
            let file = try InputFile(path: DatahubFixtures.samples.appendingPathComponent(name).path)
            var summary = DatahubReadSummary()
            let report = try RegisterLoader(connection: db, policy: datahub).load(file.batchInput, alsoRecord: { connection, batch in
                try AcknowledgementLog.record(summary.acknowledgementLog, batchID: batch, on: connection)
            }) { emit in summary = try connector.read(file, emit: emit) }
            #expect(report.status == .loaded, "\(name)")
            #expect(report.counts.addsUp)
            totals.read += report.counts.read
            totals.applied += report.counts.applied
            totals.quarantined += report.counts.quarantined
        }
        // twelve files; the ACK gives no record, F04 and F06 give a party and a contract record each
        #expect(totals.read == 14)
        // the customers named in the move-in and the move-out confirm what the register holds: unchanged
        #expect(totals.applied == 10)
        #expect(totals.quarantined == 2)

        // 100001 moved: Datahub (50) outranks the customer system (40) for names and the postal address,
        // but not for e-mail (60)
        #expect(try partyValue(db, "p.first_names", customer: "100001") == "Helmi Sofia")
        #expect(try partyValue(db, "p.email", customer: "100001") == "asiakas100001@example.fi")
        #expect(try partyValue(db, "(SELECT street FROM register.address a WHERE a.party_id = p.party_id AND kind = 'postal')", customer: "100001") == "Satamakatu 8 C 31")
        #expect(try partyValue(db, "(SELECT street FROM register.address a WHERE a.party_id = p.party_id AND kind = 'permanent')", customer: "100001") == "Hämeenkatu 24")
        let tag = try #require(try db.query("""
            SELECT v.source, v.locator, v.valid_from = '2026-02-28T22:00:00Z'::timestamptz AS at_midnight FROM lahde.provenance_history v
            JOIN register.party_identifier i ON i.party_id = v.entity_id AND i.scheme = 'customer_number' AND i.value = '100001'
            WHERE v.entity_kind = 'party' AND v.field = 'address.postal.city' ORDER BY v.history_id LIMIT 1
            """).first)
        #expect(tag["source"] == "datahub")
        #expect(tag["locator"] == "message 3f2a6c10-7b1e-4d55-9a01-2b6c1d000001 F01 DH-111-1 /MasterDataCustomerEventMessage/MasterDataCustomerEvent/Transaction/ConsumerInvolvedCustomerParty/ConsumerInvolvedCustomerAddress/CityName")
        #expect(tag["at_midnight"] == "t")

        // 100002 is protected; 200002 has an address abroad
        #expect(try partyValue(db, "(SELECT active FROM register.protection r WHERE r.party_id = p.party_id AND kind = 'turvakielto')", customer: "100002") == "true")
        #expect(try partyValue(db, "(SELECT country FROM register.address a WHERE a.party_id = p.party_id AND kind = 'abroad')", customer: "200002") == "SE")
        #expect(try partyValue(db, "p.language", customer: "200002") == "sv")
        // the bad check character and the schema-invalid message changed nothing
        #expect(try partyValue(db, "p.last_name", customer: "100007") == "Mäkinen")

        let points = try db.query("SELECT gsrn, status, street, postal_code, city, grid_area FROM register.accounting_point ORDER BY gsrn").rows
        // the third point is created by the supplier switch's contract, with nothing known of it but its GSRN
        #expect(points.map { $0["gsrn"] } == ["643555500001000015", "643555500001000022", "643555500001000039"])
        #expect(points.map { $0["status"] } == ["connected", "disconnected", nil])
        #expect(points.first?["street"] == "Satamakatu 8 C 31")
        #expect(points[1]["city"] == "OULU")

        let quarantined = try db.query("SELECT q.locator, q.reason, length(q.raw) AS n FROM lahde.quarantine q JOIN lahde.batch b USING (batch_id) WHERE b.connector = 'datahub' ORDER BY quarantine_id").rows
        #expect(quarantined.count == 2)
        #expect(quarantined.allSatisfy { !($0["reason"] ?? "").contains("071047-963") })
        #expect(quarantined.contains { ($0["locator"] ?? "").contains("line 36") })
        #expect(quarantined.allSatisfy { ($0.int("n") ?? 0) > 1000 }, "the whole message is kept")

        // contracts (samples/datahub/README.md): the move-in, the move-out, the cancelled supplier switch
        let contracts = try db.query("""
            SELECT c.datahub_contract_id AS id, i.value AS customer, ap.gsrn, c.starts_on::text, c.ends_on::text, c.contract_type,
                   c.start_reason, c.end_reason, c.cancelled::text, c.cancellation_reason
            FROM register.contract c
            LEFT JOIN register.party_identifier i ON i.party_id = c.party_id AND i.scheme = 'customer_number'
            LEFT JOIN register.accounting_point ap USING (accounting_point_id)
            ORDER BY c.datahub_contract_id
            """).rows
        #expect(contracts.map { $0["id"] } == ["LAHDE-S-2024-0042", "LAHDE-S-2026-0001", "LAHDE-S-2026-0002"])
        #expect(contracts.map { $0["customer"] } == ["100002", "100001", "100003"])
        #expect(contracts.map { $0["gsrn"] } == ["643555500001000022", "643555500001000015", "643555500001000039"])
        #expect(contracts.map { $0["starts_on"] } == [nil, "2026-03-01", "2026-04-01"])
        #expect(contracts.map { $0["ends_on"] } == ["2026-03-31", nil, nil])
        #expect(contracts.map { $0["contract_type"] } == ["sales", "sales", "sales"])
        #expect(contracts.map { $0["start_reason"] } == [nil, "move_in", "supplier_switch"])
        #expect(contracts.map { $0["end_reason"] } == ["move_out", nil, nil])
        #expect(contracts.map { $0["cancelled"] } == ["false", "false", "true"])
        #expect(contracts.map { $0["cancellation_reason"] } == [nil, nil, "customer_cancelled"])
        let cancelTag = try #require(try db.query("""
            SELECT v.locator FROM lahde.provenance v JOIN register.contract c ON c.contract_id = v.entity_id
            WHERE v.entity_kind = 'contract' AND v.field = 'contract_cancelled' AND c.datahub_contract_id = 'LAHDE-S-2026-0002'
            """).first)
        #expect(cancelTag["locator"] == "message 3f2a6c10-7b1e-4d55-9a01-2b6c1d000012 F18 DH-341-2 /MasterDataContractEventMessage/MasterDataContractEvent/Transaction/ReasonForCancel")

        // the move-in's customer confirmed the F01's address: the current tag names the F04, the value stays
        let confirmed = try #require(try db.query("""
            SELECT v.locator, v.rule FROM lahde.provenance v
            JOIN register.party_identifier i ON i.party_id = v.entity_id AND i.scheme = 'customer_number' AND i.value = '100001'
            WHERE v.entity_kind = 'party' AND v.field = 'address.postal.city'
            """).first)
        #expect(confirmed["rule"] == "confirmed")
        #expect(confirmed["locator"]?.hasPrefix("message 3f2a6c10-7b1e-4d55-9a01-2b6c1d000009 F04 DH-311-2 ") == true)

        // the ACK is in the ledger beside its batch, not in the register
        let acks = try db.query("""
            SELECT a.message_id, a.acknowledges, a.reason_code, a.process, b.file_name, b.read
            FROM lahde.acknowledgement a JOIN lahde.batch b USING (batch_id)
            """).rows
        #expect(acks.count == 1)
        #expect(acks.first?["acknowledges"] == "3f2a6c10-7b1e-4d55-9a01-2b6c1d000001")
        #expect(acks.first?["reason_code"] == "BA01")
        #expect(acks.first?["process"] == "DH-111-1")
        #expect(acks.first?["file_name"] == "2026-03-08-ACK-accepted.xml")
        #expect(acks.first?["read"] == "0")
    }
}
