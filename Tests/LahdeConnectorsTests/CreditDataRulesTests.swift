import _LahdeTestSupport
import Foundation
import LahdeConnectors
import LahdeCore
import LahdePostgres
import LahdeStore
import Testing

/// The rules of §6 of the population-register reference, through the shipped credit-data definitions: an
/// address service never overrides the population register, even with a newer date, and never writes the
/// address of a person under turvakielto.
@Suite("Credit-data rules")
struct CreditDataRulesTests {
    /// Stands in for the population-register connector until it exists.
    static let populationRegister = ConnectorPolicy(name: "population-register", createsEntities: false, trust: [:], defaultTrust: 80)
    static let virtanen = "100145Y900W"
    static let lindqvist = "011289-9221"

    static let asiakastieto =
        "Asiakasnumero;Henkilötunnus;Sukunimi;Etunimet;Tilakoodi;Muutospäivä;Lähiosoite;Postinumero;Postitoimipaikka;"
        + "Ulkomaan lähiosoite;Ulkomaan postinumero;Ulkomaan postitoimipaikka;Maakoodi\n"
        + "300001;\(virtanen);Virtanen;Aino Maria;01;01.03.2026;Luottotie 5;40200;Jyväskylä;;;;\n"
        + "300002;\(lindqvist);Lindqvist;Lars Erik;01;01.03.2026;Hemlig väg 1;02200;Espoo;;;;\n"
        + "300003;;Mäkelä;Eero;01;01.03.2026;Uusitie 3;33100;Tampere;;;;\n"

    @Test("a newer credit-data address loses to the population register's; a protected person's address stays as the register left it")
    func creditDataNeverOverridesThePopulationRegister() throws {
        let db = try TestCluster.freshDatabase().connect()
        let catalogue = try FieldCatalogue.load(from: db)
        try CSVTest.load(
            CSVTest.repository.appendingPathComponent("samples/customers/customers-2026-01-01.csv").path,
            try CSVTest.shipped("customer-system", catalogue: catalogue), catalogue: catalogue, into: db)

        var register = TestFeed(name: "vtj-2026-01.txt")
        register.party([(.henkilotunnus, Self.virtanen)], validFrom: "2026-01-01", [
            "address.permanent.street": "Rekisterikatu 1", "address.permanent.postal_code": "40100", "address.permanent.city": "Jyväskylä",
        ])
        register.party([(.henkilotunnus, Self.lindqvist)], validFrom: "2026-01-01", [
            "turvakielto": "true", "address.permanent.street": nil, "address.permanent.postal_code": nil, "address.permanent.city": nil,
        ])
        #expect(try register.load(into: db, as: Self.populationRegister).counts.applied == 2)

        let report = try CSVTest.load(
            try CSVTest.file(CSVTest.latin1(Self.asiakastieto)), try CSVTest.shipped("asiakastieto-address", catalogue: catalogue),
            catalogue: catalogue, into: db)
        #expect(report.counts.applied == 1)
        #expect(report.counts.superseded == 2)
        #expect(report.fields.protected == 3)

        let posti = "asiakasnumero,tapahtuma,voimassa_alkaen,katuosoite,postinumero,postitoimipaikka,ulkomainen_osoite,ulkomainen_postitoimipaikka,maa\n"
            + "300002,M,20260305,Hemlig väg 1,02200,Espoo,,,\n300001,M,20260305,Postitie 9,40200,Jyväskylä,,,\n"
        let postiReport = try CSVTest.load(
            try CSVTest.file(posti), try CSVTest.shipped("posti-address", catalogue: catalogue), catalogue: catalogue, into: db)
        #expect(postiReport.counts.superseded == 2)
        #expect(postiReport.fields.protected == 3)

        func value(_ customer: String, _ field: String) throws -> String? { try CSVTest.value(db, catalogue, customer: customer, field) }
        #expect(try value("300001", "address.permanent.street") == "Rekisterikatu 1")
        #expect(try value("300001", "address.permanent.postal_code") == "40100")
        #expect(try CSVTest.source(db, customer: "300001", "address.permanent.street") == "population-register")
        #expect(try value("300002", "turvakielto") == "true")
        #expect(try value("300002", "address.permanent.street") == nil)
        #expect(try value("300002", "address.permanent.city") == nil)
        #expect(try CSVTest.source(db, customer: "300002", "address.permanent.street") == "population-register")
        // The control: the same file does move a person the population register has said nothing about.
        #expect(try value("300003", "address.permanent.street") == "Uusitie 3")
    }
}
