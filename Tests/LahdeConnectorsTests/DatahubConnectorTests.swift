import Foundation
import LahdeConnectors
import LahdeCore
import Testing

/// Datahub messages to records: the reference examples, Lähde's samples and the §12 negative cases.
@Suite("Datahub: messages to observations")
struct DatahubConnectorTests {
    static let f01 = "urn:fi:Datahub:mif:masterdata:F01_MasterDataCustomerEvent"

    @Test("every reference example parses and validates; F01 and E58 become records, the ACK is counted, F06 gives its customer and its contract")
    func referenceExamples() throws {
        let expected: [String: (records: Int, rejected: Int, type: String)] = [
            "F01_minimal.xml": (1, 0, "F01"), "F01_consumer_full.xml": (1, 0, "F01"), "F01_company.xml": (1, 0, "F01"),
            "E58_minimal.xml": (1, 0, "E58"), "E58_full.xml": (1, 0, "E58"), "PeekMessageResponse_F01_envelope.xml": (1, 0, "F01"),
            "ACK_rejected.xml": (0, 0, "ACK"), "F06_move_out.xml": (2, 0, "F06"),
        ]
        let names = try FileManager.default.contentsOfDirectory(atPath: DatahubFixtures.examples.path).filter { $0.hasSuffix(".xml") }
        #expect(Set(names) == Set(expected.keys))
        for name in names {
            let outcome = try DatahubFixtures.read(DatahubFixtures.examples.appendingPathComponent(name))
            let want = try #require(expected[name])
            #expect(outcome.records.count == want.records, "\(name)")
            #expect(outcome.rejected.count == want.rejected, "\(name): \(outcome.rejected.map(\.reason))")
            #expect(outcome.summary.byType == [want.type: 1], "\(name)")
        }
    }

    @Test("F01 with every field: keys with check digits, names, contacts, postal address, validity and locators")
    func consumerFull() throws {
        let outcome = try DatahubFixtures.read(DatahubFixtures.examples.appendingPathComponent("F01_consumer_full.xml"))
        let record = try #require(outcome.records.first)
        #expect(record.entityKind == .party)
        // the own customer number carries the recipient's GLN (6430000000023), which is dropped
        #expect(record.keys == [MatchKey(scheme: .henkilotunnus, value: "150385-912E"), MatchKey(scheme: .customerNumber, value: "100042")])
        #expect(record.validFrom == Date(timeIntervalSince1970: 1_741_903_200))  // 2025-03-13T22:00:00Z
        #expect(record.locator == "message 7d3b9a4e-2c51-4f8e-b7a1-0c9e5d6f8a12 F01 DH-112-1")
        #expect(record.rawRange == 0..<outcome.file.byteCount)
        let fields = Dictionary(uniqueKeysWithValues: record.observations.map { ($0.field, $0.value ?? "∅") })
        #expect(fields == [
            "party_type": "person", "turvakielto": "false", "language": "fi", "first_names": "Aino Maria Helena", "last_name": "Virtanen",
            "birth_date": "1985-03-15", "phone": "+358401234567", "email": "aino.virtanen@example.fi",
            "address.postal.street": "Mannerheimintie 12 B 24", "address.postal.postal_code": "00100", "address.postal.city": "HELSINKI",
            "address.postal.country": "FI",
        ])
        let email = try #require(record.observations.first { $0.field == "email" })
        #expect(email.locator == "/MasterDataCustomerEventMessage/MasterDataCustomerEvent/Transaction/ConsumerInvolvedCustomerParty/Communication[2]/CompleteNumber")
    }

    @Test("F01 for a company: Y-tunnus key, organisation name, PO box as the street; E58: GSRN, grid area, named codes, main Finnish address")
    func companyAndAccountingPoint() throws {
        let company = try DatahubFixtures.read(DatahubFixtures.examples.appendingPathComponent("F01_company.xml"))
        #expect(company.records.first?.keys == [MatchKey(scheme: .yTunnus, value: "2233445-8")])
        #expect(company.value("party_type") == "organisation")
        #expect(company.value("organisation_name") == "Kiinteistö Oy Esimerkkitalo Åbo")
        #expect(company.value("address.postal.street") == "PL 123")
        #expect(company.value("email") == "isannointi@example.fi")

        let point = try DatahubFixtures.read(DatahubFixtures.examples.appendingPathComponent("E58_full.xml"))
        let record = try #require(point.records.first)
        #expect(record.entityKind == .accountingPoint)
        #expect(record.keys == [MatchKey(scheme: .gsrn, value: "643000030000678908")])
        #expect(record.locator.hasSuffix("E58 DH-121"))
        let fields = Dictionary(uniqueKeysWithValues: record.observations.map { ($0.field, $0.value ?? "∅") })
        #expect(fields == [
            "grid_area": "44Y-00000000TST6", "status": "connected", "point_type": "consumption",
            "street": "Hämeenkatu 5 A 7", "postal_code": "33100", "city": "TAMPERE",
        ])
        let deleted = try DatahubFixtures.read(DatahubFixtures.examples.appendingPathComponent("E58_minimal.xml"))
        #expect(deleted.value("status") == "deleted")  // DH-123 without a PhysicalStatusType
    }

    @Test("a message in a SOAP peek response gives the same record as the message alone")
    func envelope() throws {
        let alone = try DatahubFixtures.read(DatahubFixtures.examples.appendingPathComponent("F01_minimal.xml"))
        let wrapped = try DatahubFixtures.read(DatahubFixtures.examples.appendingPathComponent("PeekMessageResponse_F01_envelope.xml"))
        let a = try #require(alone.records.first), b = try #require(wrapped.records.first)
        #expect(a.keys == b.keys)
        #expect(a.validFrom == b.validFrom)
        #expect(a.locator == b.locator)
        #expect(a.observations.map(\.field) == b.observations.map(\.field))
        #expect(b.rawRange == 0..<wrapped.file.byteCount)
    }

    @Test("the ACK is recorded in the summary with what it acknowledges, and gives no record")
    func acknowledgement() throws {
        let outcome = try DatahubFixtures.read(DatahubFixtures.examples.appendingPathComponent("ACK_rejected.xml"))
        #expect(outcome.records.isEmpty && outcome.rejected.isEmpty)
        #expect(outcome.summary.acknowledgements == [.init(
            messageID: "e2b7c1d0-3f4a-4b5c-8d9e-0a1b2c3d4e5f", acknowledges: "4b8f1c2d-9e0a-4a7b-8c6d-5e4f3a2b1c0d", reasonCode: "BA02",
            process: "DH-124-1", eventReasons: ["EC.MPT.115: Accounting point not found (illustrative text)"])])
    }

    @Test("in a folder, the schema-invalid message is quarantined whole with line and reason; the others load")
    func folderWithInvalidMessage() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: DatahubFixtures.samples.path).filter { $0.hasSuffix(".xml") }.sorted()
        #expect(names.count == 12)
        var records = 0
        var rejected: [String: RejectedRecord] = [:]
        for name in names {
            let outcome = try DatahubFixtures.read(DatahubFixtures.samples.appendingPathComponent(name))
            records += outcome.records.count
            for item in outcome.rejected { rejected[name] = item }
            if let item = outcome.rejected.first {
                #expect(item.raw == Array(try Data(contentsOf: DatahubFixtures.samples.appendingPathComponent(name))), "quarantined whole")
            }
        }
        #expect(records == 12)  // F04 and F06 give a party and a contract record each
        #expect(Set(rejected.keys) == ["2026-03-05-F01-bad-check-character.xml", "2026-03-06-F01-schema-invalid.xml"])
        let invalid = try #require(rejected["2026-03-06-F01-schema-invalid.xml"])
        #expect(invalid.locator == "message 3f2a6c10-7b1e-4d55-9a01-2b6c1d000005 F01 line 36 /MasterDataCustomerEventMessage/MasterDataCustomerEvent/Transaction/ConsumerInvolvedCustomerParty/FamilyName")
        #expect(invalid.reason.contains("not valid against the F01 schema"))
        #expect(invalid.reason.contains("CustomerType"))
        let badHetu = try #require(rejected["2026-03-05-F01-bad-check-character.xml"])
        #expect(badHetu.reason.contains("henkilotunnus"))
        #expect(!badHetu.reason.contains("071047-963"), "no identity code in a reason")
        #expect(badHetu.locator.contains("/ConsumerInvolvedCustomerParty/Identification"))
    }

    @Test("DocumentType must match the root element, which the XSD does not check", arguments: [true, false])
    func documentTypeAgainstRoot(validating: Bool) throws {
        let text = try DatahubFixtures.example("F01_minimal.xml").replacingOccurrences(of: ">F01</hdr:DocumentType>", with: ">E58</hdr:DocumentType>")
        let outcome = try DatahubFixtures.read(text: text, with: validating ? DatahubFixtures.validating : DatahubFixtures.lenient)
        #expect(outcome.records.isEmpty)
        let item = try #require(outcome.rejected.first)
        #expect(item.reason.contains("DocumentType 'E58' does not match the root element"))
        #expect(item.locator.contains("line 12 /MasterDataCustomerEventMessage/MasterDataCustomerEvent/Header/DocumentType"))
    }

    @Test("check digits are verified: henkilötunnus, Y-tunnus, GSRN and the grid area's EIC code")
    func checkDigits() throws {
        let cases: [(example: String, from: String, to: String, expect: String)] = [
            ("F01_minimal.xml", ">150385-912E<", ">150385-912F<", "henkilotunnus"),
            ("F01_company.xml", ">2233445-8<", ">2233445-9<", "y_tunnus"),
            ("E58_minimal.xml", ">643000030000123453<", ">643000030000123454<", "gsrn"),
            ("E58_minimal.xml", ">44Y-00000000TST6<", ">44Y-00000000TST7<", "EIC"),
        ]
        for item in cases {
            let original = try DatahubFixtures.example(item.example)
            let text = original.replacingOccurrences(of: item.from, with: item.to)
            #expect(text != original)
            let outcome = try DatahubFixtures.read(text: text)
            #expect(outcome.records.isEmpty, "\(item.to)")
            let rejected = try #require(outcome.rejected.first)
            #expect(rejected.reason.contains(item.expect), "\(rejected.reason)")
            #expect(!rejected.reason.contains("150385-912"))
        }
    }

    @Test("times must be UTC: an offset is refused, Z and +00:00 are accepted")
    func utcTimes() throws {
        let original = try DatahubFixtures.example("F01_minimal.xml")
        let shifted = try DatahubFixtures.read(text: original.replacingOccurrences(of: "2025-03-13T22:00:00Z", with: "2025-03-14T00:00:00+02:00"))
        #expect(shifted.records.isEmpty)
        #expect(shifted.rejected.first?.reason.contains("must be UTC") == true)
        let zero = try DatahubFixtures.read(text: original.replacingOccurrences(of: "2025-03-13T22:00:00Z", with: "2025-03-13T22:00:00.000+00:00"))
        #expect(zero.records.first?.validFrom == Date(timeIntervalSince1970: 1_741_903_200))
    }

    @Test("namespace prefixes other than the examples' still match: default namespaces and ns1/ns2")
    func otherPrefixes() throws {
        let original = try DatahubFixtures.example("F01_minimal.xml")
        let renamed = original
            .replacingOccurrences(of: "rsm:", with: "ns1:").replacingOccurrences(of: "xmlns:rsm", with: "xmlns:ns1")
            .replacingOccurrences(of: "elm:", with: "").replacingOccurrences(of: "xmlns:elm", with: "xmlns")
            .replacingOccurrences(of: "hdr:", with: "h:").replacingOccurrences(of: "xmlns:hdr", with: "xmlns:h")
        #expect(renamed.contains("<ns1:MasterDataCustomerEventMessage") && renamed.contains("<Identification schemeAgencyIdentifier=\"260\">"))
        let a = try #require(try DatahubFixtures.read(text: original).records.first)
        let b = try #require(try DatahubFixtures.read(text: renamed).records.first)
        #expect(a.keys == b.keys)
        #expect(a.observations == b.observations)
        let foreign = try DatahubFixtures.read(text: original.replacingOccurrences(of: "\(Self.f01):elements:v1", with: "urn:example:other"))
        #expect(foreign.records.isEmpty, "elements in another namespace are not the F01's")
    }

    @Test("codes the XSD does not know yet are kept raw, and the tolerated header MessageNumber passes")
    func knownValuesPlusRaw() throws {
        let text = try DatahubFixtures.example("E58_full.xml")
            .replacingOccurrences(of: ">AE01<", with: ">AE09<")
            .replacingOccurrences(of: "<hdr:Creation>", with: "<hdr:MessageNumber>1</hdr:MessageNumber><hdr:Creation>")
        let outcome = try DatahubFixtures.read(text: text)
        #expect(outcome.rejected.map(\.reason) == [])
        #expect(outcome.value("status") == "AE09")
        // a misspelt element is still a schema error
        let misspelt = try DatahubFixtures.read(text: text.replacingOccurrences(of: "MeterIdentification>", with: "MeterIdentifier>"))
        #expect(misspelt.rejected.first?.reason.contains("MeterIdentifier") == true)
    }

    @Test("a DTD in a Datahub file quarantines the file without expanding or fetching anything")
    func doctypeInMessage() throws {
        let text = try DatahubFixtures.example("F01_minimal.xml")
            .replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE x [<!ENTITY name SYSTEM \"file:///etc/passwd\">]>")
            .replacingOccurrences(of: "150385-912E", with: "&name;")
        let outcome = try DatahubFixtures.read(text: text)
        #expect(outcome.records.isEmpty)
        #expect(outcome.rejected.count == 1)
        #expect(outcome.rejected.first?.reason.contains("DTD") == true)
        #expect(outcome.rejected.first?.raw == Array(text.utf8))
    }

    @Test("several messages in one file: each its own record, byte ranges tiling the file from each message's start tag")
    func severalMessagesInOneFile() throws {
        func body(_ name: String) throws -> String {
            let text = try DatahubFixtures.example(name)
            return String(text[text.range(of: "<rsm:")!.lowerBound...])
        }
        let text = "<?xml version=\"1.0\"?>\n<batch>\n" + (try body("F01_minimal.xml")) + "\n" + (try body("E58_minimal.xml")) + "\n</batch>\n"
        let outcome = try DatahubFixtures.read(text: text)
        #expect(outcome.records.map(\.entityKind) == [.party, .accountingPoint])
        let first = try #require(outcome.records.first?.rawRange), second = try #require(outcome.records.last?.rawRange)
        #expect(first.lowerBound == 0 && first.upperBound == second.lowerBound && second.upperBound == outcome.file.byteCount)
        let bytes = Array(text.utf8)
        #expect(String(decoding: bytes[Int(second.lowerBound)...], as: UTF8.self).hasPrefix("<rsm:MasterDataMPEventMessage"))
    }

    @Test("a file that breaks off is quarantined from where it breaks, with the line, after the messages before it")
    func brokenFile() throws {
        let text = try DatahubFixtures.example("F01_minimal.xml").replacingOccurrences(of: "</rsm:MasterDataCustomerEventMessage>", with: "")
        let outcome = try DatahubFixtures.read(text: text)
        #expect(outcome.records.isEmpty)
        let item = try #require(outcome.rejected.first)
        #expect(item.reason.contains("cannot be read as XML"))
        #expect(item.locator.hasPrefix("line "))
    }

    @Test("the sample connector definition decodes its settings; the XSD folder resolves against the installation root")
    func settings() throws {
        let data = try Data(contentsOf: DatahubFixtures.repository.appendingPathComponent("connectors/datahub.json"))
        let format = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["format"])
        let settings = try JSONDecoder().decode(DatahubSettings.self, from: JSONSerialization.data(withJSONObject: format))
        #expect(settings.xsdFolder == DatahubSettings.defaultXSDFolder)
        #expect(settings.resolvedXSDFolder(installationRoot: DatahubFixtures.repository)?.path == DatahubFixtures.xsd.standardizedFileURL.path)
        let off = try JSONDecoder().decode(DatahubSettings.self, from: Data(#"{"type": "datahub-xml", "xsd_folder": null}"#.utf8))
        #expect(off.resolvedXSDFolder(installationRoot: DatahubFixtures.repository) == nil)
        let omitted = try JSONDecoder().decode(DatahubSettings.self, from: Data(#"{"type": "datahub-xml"}"#.utf8))
        #expect(omitted == DatahubSettings())
        #expect(throws: Never.self) { try DatahubSettings(installationRoot: DatahubFixtures.repository).check(definitionFile: "datahub.json") }
        let wrong = #expect(throws: DefinitionError.self) {
            try DatahubSettings(xsdFolder: "no-such-folder", installationRoot: DatahubFixtures.repository).check(definitionFile: "datahub.json")
        }
        #expect(wrong?.key == "format.xsd_folder")
    }

    @Test("an empty peek response (empty queue) gives nothing; an XML file without any Datahub message is quarantined")
    func noMessage() throws {
        let empty = try DatahubFixtures.read(text: """
            <env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>
            <b2b:PeekMessageResponse xmlns:b2b="urn:cms:b2b:v01"/></env:Body></env:Envelope>
            """)
        #expect(empty.records.isEmpty && empty.rejected.isEmpty)
        let stranger = try DatahubFixtures.read(text: "<invoice xmlns='urn:example'><total>12</total></invoice>")
        #expect(stranger.rejected.map(\.reason) == ["the file holds no Datahub message"])
    }

    @Test("an undeclared namespace prefix is refused, not skipped")
    func undeclaredPrefix() throws {
        let text = try DatahubFixtures.example("F01_minimal.xml").replacingOccurrences(of: "xmlns:rsm=", with: "xmlns:other=")
        let outcome = try DatahubFixtures.read(text: text, with: DatahubFixtures.lenient)
        #expect(outcome.records.isEmpty)
        #expect(outcome.rejected.first?.reason.contains("rsm") == true, "\(outcome.rejected.map(\.reason))")
    }
}

/// Reference §12, one by one: what the XSD misses is checked by the connector, what it catches is
/// quarantined by validation; each message is quarantined whole with a reason that names the rule and the
/// element's path, never an identity code.
@Suite("Datahub: §12 negative cases")
struct DatahubNegativeCaseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let example: String
        let from: String
        let to: String
        /// Substrings of the reason, and of the locator.
        let reason: String
        let locator: String
        var testDescription: String { name }
    }

    static let communication = """
        <elm:Communication>
                  <elm:CommunicationChannel listAgencyIdentifier="NFI">AD01</elm:CommunicationChannel>
                  <elm:CompleteNumber>+358401234567</elm:CompleteNumber>
                </elm:Communication>
        """
    static let f01Party = "/MasterDataCustomerEventMessage/MasterDataCustomerEvent/Transaction/ConsumerInvolvedCustomerParty"

    static let cases: [Case] = [
        // not caught by the XSD: the connector's own checks
        Case(name: "garbage henkilötunnus", example: "F01_minimal.xml", from: ">150385-912E<", to: ">abc<",
             reason: "Identification is not a valid henkilotunnus", locator: "\(f01Party)/Identification"),
        Case(name: "wrong henkilötunnus check character", example: "F01_minimal.xml", from: ">150385-912E<", to: ">150385-912F<",
             reason: "henkilotunnus", locator: "\(f01Party)/Identification"),
        Case(name: "one-character accounting point id", example: "E58_minimal.xml", from: ">643000030000123453<", to: ">6<",
             reason: "Identification is not a valid gsrn", locator: "MeteringPointUsedDomainLocation/Identification"),
        Case(name: "empty Communication", example: "F01_consumer_full.xml",
             from: "<elm:CompleteNumber>+358401234567</elm:CompleteNumber>", to: "",
             reason: "Communication has no CompleteNumber", locator: "\(f01Party)/Communication"),
        Case(name: "DocumentType E58 inside an F01 root", example: "F01_minimal.xml", from: ">F01</hdr:DocumentType>", to: ">E58</hdr:DocumentType>",
             reason: "DocumentType 'E58' does not match the root element", locator: "Header/DocumentType"),
        Case(name: "DocumentType F04 inside an F06 (same root element, other namespace)", example: "F06_move_out.xml",
             from: ">F06</hdr:DocumentType>", to: ">F04</hdr:DocumentType>",
             reason: "DocumentType 'F04' does not match the root element", locator: "Header/DocumentType"),
        Case(name: "non-UTC offset", example: "F01_minimal.xml", from: "2025-03-13T22:00:00Z", to: "2025-03-14T00:00:00+02:00",
             reason: "StartOfOccurrence has offset +02:00; Datahub times must be UTC", locator: "Transaction/StartOfOccurrence"),
        Case(name: "non-UTC contract end", example: "F06_move_out.xml", from: "2025-05-31T21:00:00Z", to: "2025-06-01T00:00:00+03:00",
             reason: "EndOfOccurrence has offset +03:00", locator: "Transaction/EndOfOccurrence"),
        // caught by the XSD
        Case(name: "missing time zone", example: "F01_minimal.xml", from: "2025-03-13T22:00:00Z", to: "2025-03-13T22:00:00",
             reason: "not valid against the F01 schema", locator: "Transaction/StartOfOccurrence"),
        // (unknown code values, which the XSD also catches, are tolerated on purpose: known values plus raw,
        // see knownValuesPlusRaw above)
        Case(name: "over-long string", example: "F01_consumer_full.xml", from: ">Virtanen<", to: ">\(String(repeating: "x", count: 51))<",
             reason: "not valid against the F01 schema", locator: "\(f01Party)/FamilyName"),
        Case(name: "a third Communication", example: "F01_consumer_full.xml", from: "<elm:ConsumerInvolvedCustomerAddress>",
             to: communication + "\n<elm:ConsumerInvolvedCustomerAddress>",
             reason: "not valid against the F01 schema", locator: "\(f01Party)/Communication[3]"),
        Case(name: "two Transactions", example: "E58_minimal.xml", from: "</rsm:Transaction>", to: "</rsm:Transaction><rsm:Transaction/>",
             reason: "not valid against the E58 schema", locator: "Transaction"),
        Case(name: "missing listAgencyIdentifier", example: "F01_minimal.xml", from: "<elm:IdentificationType listAgencyIdentifier=\"NFI\">",
             to: "<elm:IdentificationType>", reason: "listAgencyIdentifier", locator: "\(f01Party)/IdentificationType"),
        Case(name: "contract message without the accounting point's check digit", example: "F06_move_out.xml",
             from: ">643000030000678908<", to: ">643000030000678909<",
             reason: "Identification is not a valid gsrn", locator: "MeteringPointOfContract/Identification"),
    ]

    @Test("each §12 case is quarantined whole with a precise reason and the element's path", arguments: cases)
    func quarantined(_ item: Case) throws {
        let original = try DatahubFixtures.example(item.example)
        let text = original.replacingOccurrences(of: item.from, with: item.to)
        try #require(text != original, "the mutation applies")
        let outcome = try DatahubFixtures.read(text: text)
        #expect(outcome.records.isEmpty)
        let rejected = try #require(outcome.rejected.first)
        #expect(outcome.rejected.count == 1)
        #expect(rejected.reason.contains(item.reason), "\(rejected.reason)")
        #expect(rejected.locator.contains(item.locator), "\(rejected.locator)")
        #expect(rejected.raw == Array(text.utf8), "quarantined whole")
        let leaks = rejected.reason.contains("150385-912")
        #expect(leaks == false)
    }

    @Test("an empty DateOfBirth is no date (the XSD allows it): the message loads without a birth date")
    func emptyDateOfBirth() throws {
        let text = try DatahubFixtures.example("F01_consumer_full.xml").replacingOccurrences(of: ">1985-03-15<", with: "><")
        let outcome = try DatahubFixtures.read(text: text)
        #expect(outcome.rejected.isEmpty)
        #expect(outcome.records.count == 1)
        #expect(outcome.value("birth_date") == nil)
    }
}
