import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdePostgres
import LahdeStore
import Testing

/// `samples/customers/contracts-2026-01-02.csv` through `customer-system-contracts`, after the customers and
/// accounting points it names: each good row becomes a contract linking its customer and point, a bad GSRN
/// and an unknown customer are quarantined.
@Suite("Customer-system contracts sample")
struct CustomerContractSampleTests {
    static let folder = CSVTest.repository.appendingPathComponent("samples/customers")

    @Test("the contracts export links the sample customers to their accounting points; bad rows are quarantined")
    func contractsSampleGivesTheExpectedContracts() throws {
        let db = try TestCluster.freshDatabase().connect()
        let catalogue = try FieldCatalogue.load(from: db)
        for (connector, file) in [
            ("customer-system", "customers-2026-01-01.csv"), ("customer-system-accounting-points", "accounting-points-2026-01-01.csv"),
        ] {
            let report = try CSVTest.load(Self.folder.appendingPathComponent(file).path, try CSVTest.shipped(connector, catalogue: catalogue), catalogue: catalogue, into: db)
            #expect(report.status == .loaded, "\(file)")
        }
        let definition = try CSVTest.shipped("customer-system-contracts", catalogue: catalogue)
        let report = try CSVTest.load(
            Self.folder.appendingPathComponent("contracts-2026-01-02.csv").path, definition, catalogue: catalogue, into: db)
        #expect(report.status == .loaded)
        #expect(report.counts.read == 13)
        #expect(report.counts.applied == 11)
        #expect(report.counts.quarantined == 2)
        #expect(report.counts.addsUp)

        let contracts = try db.query(
            """
            SELECT c.datahub_contract_id AS id, i.value AS customer, ap.gsrn, c.contract_type, c.starts_on::text AS starts, c.ends_on::text AS ends
            FROM register.contract c
            JOIN register.party_identifier i ON i.party_id = c.party_id AND i.scheme = 'customer_number'
            JOIN register.accounting_point ap ON ap.accounting_point_id = c.accounting_point_id
            ORDER BY c.datahub_contract_id
            """
        ).rows.map { "\($0["id"] ?? "") \($0["customer"] ?? "") \($0["gsrn"] ?? "") \($0["contract_type"] ?? "") \($0["starts"] ?? "") \($0["ends"] ?? "-")" }
        #expect(contracts.count == 11)
        #expect(contracts.contains("LAHDE-S-2019-0101 300001 643007000005000007 sales 2019-03-01 -"))
        #expect(contracts.contains("LAHDE-S-2016-0104 300004 643007000005001110 sales 2016-09-01 2025-12-31"))
        #expect(contracts.contains("LAHDE-S-2015-0109 300031 643007000005002964 sales 2015-01-01 -"))
        #expect(contracts.contains("LAHDE-S-2015-0110 300031 643007000005003336 sales 2015-01-01 -"))
        // Every contract row counted: nothing half-made from the quarantined rows.
        #expect(try db.query("SELECT count(*)::text AS n FROM register.contract").first?["n"] == "11")

        let quarantined = try db.query(
            "SELECT q.locator, q.reason FROM lahde.quarantine q ORDER BY q.quarantine_id"
        ).rows.map { "\($0["locator"] ?? "") \($0["reason"] ?? "")" }
        #expect(quarantined.count == 2)
        let badGSRN = quarantined.first { $0.hasPrefix("line 13 ") }
        #expect(badGSRN?.contains("column 'Käyttöpaikka (GSRN)'") == true, "\(quarantined)")
        let unknownCustomer = quarantined.first { $0.hasPrefix("line 14 ") }
        #expect(unknownCustomer?.contains("leads to no party") == true, "\(quarantined)")

        // The provenance of a contract value names the customer system's file and row.
        let source = try db.query(
            """
            SELECT p.source, p.locator FROM lahde.provenance p JOIN register.contract c ON c.contract_id = p.entity_id
            WHERE p.entity_kind = 'contract' AND c.datahub_contract_id = 'LAHDE-S-2019-0101' AND p.field = 'contract_start'
            """
        ).first
        #expect(source?["source"] == "customer-system-contracts")
        #expect(source?["locator"]?.contains("line 2") == true, "\(source?["locator"] ?? "")")
    }

    @Test("no other connector's replay pattern picks the contracts file")
    func replayPicksOnlyTheContractsConnector() throws {
        var selections: [String: ReplaySelection] = [:]
        for name in CSVTest.connectors.names() { selections[name] = CSVTest.connectors.replaySelection(named: name) }
        let plan = try ReplayPlan(folder: Self.folder.path, selections: selections)
        let contracts = plan.entries.filter { $0.relativePath.hasPrefix("contracts-") }
        #expect(contracts.map(\.connector) == ["customer-system-contracts"])
        // Replayed after the customers and accounting points it links.
        #expect(plan.entries.last?.connector == "customer-system-contracts")
    }
}
