import Foundation
import LahdeCore
import LahdeXML

/// F01 (customer master data event) to one party record.
///
/// Decisions beyond the reference:
/// - Keys: the customer identification by its type (AA03 henkilötunnus, AA01 Y-tunnus, AA04 own customer
///   number), then `AlternateIdentification` as a customer number. An own customer number is written
///   `<party GLN>_<number>` (reference §3); when the party is the message's juridical recipient — the
///   utility whose register this is — the key is the bare `<number>`, the form the utility's customer
///   system uses, so the two feeds meet. Another party's number keeps its prefix and cannot collide.
/// - The header GLNs are *not* party keys: they name the market parties that exchanged the message (the
///   DSO, the supplier), not the customer, and keying customers by them would merge every customer of a
///   sender into one party. They stay in the locator's message id trail.
/// - Only elements present are observed: F01 makes every name and address element optional, and an
///   absent one says nothing (it does not clear the register's value).
/// - `GivenName` and `MiddleName` together are `first_names`; the address is `address.postal.*` (an
///   address abroad, `address.abroad.*`); street = street, building, stairwell, apartment, or the PO box.
///   `CareOf`, `CustomerSubType` and `AdditionalCode` have no register field yet and are not observed.
/// - A `Communication` without its channel is an e-mail address when it has an `@`, else a phone number.
enum DatahubCustomerMapping {
    static func record(_ message: DatahubEnvelope, rawRange: Range<Int64>) throws(DatahubMappingProblem) -> ObservedRecord {
        let elm = message.type.elementsNamespace
        let transaction = message.transaction
        let start = try transaction.required(elm, "StartOfOccurrence")
        let validFrom = try DatahubEnvelope.utc(start)
        let customer = try transaction.required(elm, "ConsumerInvolvedCustomerParty")
        return try party(customer, message: message, validFrom: validFrom, rawRange: rawRange)
    }

    /// One `ConsumerInvolvedCustomerParty` (F01, or a contract message's customer) to a party record. F04
    /// calls the contacts `CustomerCommunication`, F01 `Communication`; F06's customer has names only.
    static func party(
        _ customer: XMLTreeElement, message: DatahubEnvelope, validFrom: Date, rawRange: Range<Int64>
    ) throws(DatahubMappingProblem) -> ObservedRecord {
        let elm = message.type.elementsNamespace
        var keys: [MatchKey] = []
        let identification = try customer.required(elm, "Identification")
        let identificationType = try customer.required(elm, "IdentificationType")
        let scheme: MatchKey.Scheme
        switch identificationType.trimmedText {
        case "AA03": scheme = .henkilotunnus
        case "AA01": scheme = .yTunnus
        case "AA04": scheme = .customerNumber
        default:
            throw DatahubMappingProblem(
                "IdentificationType '\(identificationType.trimmedText.prefix(8))' is not one Lähde can match a customer by (AA01, AA03, AA04)",
                at: identificationType)
        }
        keys.append(try key(scheme, identification, recipient: message.juridicalRecipient))
        if let alternate = customer.child(elm, "AlternateIdentification"), !alternate.trimmedText.isEmpty {
            let number = try key(.customerNumber, alternate, recipient: message.juridicalRecipient)
            if !keys.contains(number) { keys.append(number) }
        }

        var observations: [FieldObservation] = []
        func observe(_ field: String, _ value: String?, _ element: XMLTreeElement) {
            guard let value, !value.isEmpty else { return }
            observations.append(FieldObservation(field: field, value: value, locator: element.path))
        }
        let customerType = try customer.required(elm, "CustomerType")
        observe("party_type", DatahubCodes.customerType[customerType.trimmedText], customerType)
        if let restriction = customer.child(elm, "InformationRestriction") {
            switch restriction.trimmedText {
            case "1": observe("turvakielto", "true", restriction)
            case "0": observe("turvakielto", "false", restriction)
            default: throw DatahubMappingProblem("InformationRestriction must be 0 or 1", at: restriction)
            }
        }
        if let language = customer.child(elm, "Language") { observe("language", language.trimmedText.lowercased(), language) }
        if let name = customer.child(elm, "Name") { observe("organisation_name", name.trimmedText, name) }
        let given = [customer.child(elm, "GivenName"), customer.child(elm, "MiddleName")].compactMap { $0 }
        let firstNames = given.map(\.trimmedText).filter { !$0.isEmpty }.joined(separator: " ")
        if let first = given.first { observe("first_names", firstNames, first) }
        if let family = customer.child(elm, "FamilyName") { observe("last_name", family.trimmedText, family) }
        if let birth = customer.child(elm, "DateOfBirth"), case let text = birth.trimmedText, !text.isEmpty {
            guard DatahubTime.isPlainDate(text) || (text.count == 10 && FeedTime.parse(text) != nil) else {
                throw DatahubMappingProblem("DateOfBirth is not a date YYYY-MM-DD", at: birth)
            }
            observe("birth_date", text, birth)
        }
        for communication in customer.children(elm, "Communication") + customer.children(elm, "CustomerCommunication") {
            guard let number = communication.child(elm, "CompleteNumber"), !number.trimmedText.isEmpty else {
                throw DatahubMappingProblem("Communication has no CompleteNumber", at: communication)
            }
            let channel = communication.child(elm, "CommunicationChannel")?.trimmedText
            switch channel {
            case "AD01": observe("phone", number.trimmedText, number)
            case "AD02": observe("email", number.trimmedText, number)
            case nil: observe(number.trimmedText.contains("@") ? "email" : "phone", number.trimmedText, number)
            default: break  // a channel Lähde does not know: nothing to file it under
            }
        }
        if let address = customer.child(elm, "ConsumerInvolvedCustomerAddress") {
            observations += postalAddress(address, elm: elm)
        }
        return ObservedRecord(
            entityKind: .party, keys: keys, validFrom: validFrom, locator: message.locator, rawRange: rawRange, observations: observations)
    }

    /// A key with its check digits verified; an own customer number loses the recipient's GLN prefix.
    static func key(_ scheme: MatchKey.Scheme, _ element: XMLTreeElement, recipient: String) throws(DatahubMappingProblem) -> MatchKey {
        var text = element.trimmedText
        if scheme == .customerNumber, let underscore = text.firstIndex(of: "_"), text[..<underscore] == recipient {
            text = String(text[text.index(after: underscore)...])
        }
        do {
            return try MatchKey.parse(scheme: scheme, text)
        } catch {
            throw DatahubMappingProblem("\(element.name.local) is not a valid \(scheme.rawValue): \(error.description)", at: element)
        }
    }

    /// The postal address fields; Finland and Åland use `address.postal`, other countries `address.abroad`.
    static func postalAddress(_ address: XMLTreeElement, elm: String) -> [FieldObservation] {
        // Each part's element is looked up once; its trimmed text and path are made only when observed.
        func part(_ local: String) -> (element: XMLTreeElement, text: String)? {
            guard let element = address.child(elm, local) else { return nil }
            let value = element.trimmedText
            return value.isEmpty ? nil : (element, value)
        }
        let streetName = part("StreetName")
        let countryCode = part("CountryCode")
        let country = countryCode?.text.uppercased()
        let fields = country == nil || country == "FI" || country == "AX" ? postalFields : abroadFields
        var street = [streetName?.text, part("BuildingNumber")?.text, part("FloorIdentification")?.text, part("RoomIdentification")?.text]
            .compactMap { $0 }.joined(separator: " ")
        if street.isEmpty, let box = part("Pobox") { street = box.text }
        var observations: [FieldObservation] = []
        func observe(_ field: String, _ value: String?, _ local: String) {
            guard let value, !value.isEmpty else { return }
            let locator = address.child(elm, local)?.path ?? address.path
            observations.append(FieldObservation(field: field, value: value, locator: locator))
        }
        observe(fields.street, street, streetName != nil ? "StreetName" : "Pobox")
        observe(fields.postalCode, part("Postcode")?.text, "Postcode")
        observe(fields.city, part("CityName")?.text, "CityName")
        observe(fields.country, country, "CountryCode")
        return observations
    }

    /// The field names written out, rather than interpolated per message.
    static let postalFields = (street: "address.postal.street", postalCode: "address.postal.postal_code", city: "address.postal.city", country: "address.postal.country")
    static let abroadFields = (street: "address.abroad.street", postalCode: "address.abroad.postal_code", city: "address.abroad.city", country: "address.abroad.country")
}
