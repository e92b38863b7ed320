import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdePostgres
import LahdeStore
import Testing

/// The shipped samples, imported in order into an empty register, against `samples/credit-data/expected.json`.
@Suite("Credit-data samples")
struct CreditDataSampleTests {
    struct Expected: Decodable {
        struct Import: Decodable {
            let connector: String
            let file: String
            let counts: [String: Int]
        }

        struct Quarantined: Decodable {
            let file: String
            let locator: String
            let reason: String
        }

        struct Party: Decodable {
            let customer: String
            let note: String
            let fields: [String: String?]
            let sources: [String: String]?
        }

        struct AccountingPoint: Decodable {
            let gsrn: String
            let fields: [String: String?]
        }

        let imports: [Import]
        let quarantine: [Quarantined]
        let parties: [Party]
        let accountingPoints: [AccountingPoint]

        enum CodingKeys: String, CodingKey {
            case imports, quarantine, parties
            case accountingPoints = "accounting_points"
        }
    }

    @Test("customers, accounting points, Asiakastieto and Posti: counts add up and the register holds what expected.json says")
    func samplesGiveTheExpectedRegister() throws {
        let expected = try JSONDecoder().decode(
            Expected.self, from: Data(contentsOf: CSVTest.repository.appendingPathComponent("samples/credit-data/expected.json")))
        #expect(expected.imports.count == 4)
        #expect(expected.parties.count >= 15)

        let db = try TestCluster.freshDatabase().connect()
        let catalogue = try FieldCatalogue.load(from: db)
        for step in expected.imports {
            let definition = try CSVTest.shipped(step.connector, catalogue: catalogue)
            let report = try CSVTest.load(CSVTest.repository.appendingPathComponent(step.file).path, definition, catalogue: catalogue, into: db)
            #expect(report.status == .loaded, "\(step.file)")
            let counts = report.counts
            #expect(
                ["read": counts.read, "applied": counts.applied, "unchanged": counts.unchanged, "superseded": counts.superseded, "quarantined": counts.quarantined]
                    == step.counts, "\(step.file)")
            #expect(counts.addsUp, "\(step.file)")
        }

        let quarantined = try db.query(
            "SELECT b.file_name, q.locator, q.reason FROM lahde.quarantine q JOIN lahde.batch b USING (batch_id) ORDER BY q.quarantine_id"
        ).rows.map { "\($0["file_name"] ?? "") \($0["locator"] ?? "") \($0["reason"] ?? "")" }
        #expect(quarantined == expected.quarantine.map { "\($0.file) \($0.locator) \($0.reason)" })

        for party in expected.parties {
            for (field, value) in party.fields.sorted(by: { $0.key < $1.key }) {
                let actual = try CSVTest.value(db, catalogue, customer: party.customer, field)
                #expect(actual == value, "customer \(party.customer) \(field) — \(party.note)")
            }
            for (field, source) in (party.sources ?? [:]).sorted(by: { $0.key < $1.key }) {
                #expect(try CSVTest.source(db, customer: party.customer, field) == source, "customer \(party.customer) \(field) source — \(party.note)")
            }
        }
        for point in expected.accountingPoints {
            for (field, value) in point.fields.sorted(by: { $0.key < $1.key }) {
                let column = try #require(catalogue.fields[field]).targetColumn
                let actual = try db.query("SELECT \(column)::text AS v FROM register.accounting_point WHERE gsrn = $1", point.gsrn).first?["v"]
                #expect(actual == value, "accounting point \(point.gsrn) \(field)")
            }
        }

        // A reported death is never a death, and nothing an address service sent reached a protected person.
        #expect(try db.query("SELECT count(*) AS n FROM register.party WHERE deceased").first?.int("n") == 0)
        let protectedWrites = try db.query(
            """
            SELECT count(*) AS n FROM lahde.provenance_history h
            JOIN register.party_identifier i ON i.party_id = h.entity_id AND i.scheme = 'customer_number' AND i.value = '300005'
            WHERE h.field LIKE 'address.%' AND h.source IN ('asiakastieto-address', 'posti-address')
            """
        ).first?.int("n")
        #expect(protectedWrites == 0)
        let protectedRule = try db.query(
            "SELECT count(*) AS n FROM lahde.batch WHERE connector = 'posti-address' AND (field_counts->>'protected')::int = 3"
        ).first?.int("n")
        #expect(protectedRule == 1, "Posti's street, postal code and city for the protected person are all protected against")
    }
}
