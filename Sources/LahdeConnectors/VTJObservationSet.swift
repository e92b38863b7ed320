import LahdeCore

/// The field observations one population-register record amounts to, built group by group.
///
/// Later groups override earlier ones field by field, which is how a record's removals (applied first)
/// give way to its current values (applied last). The turvakielto rule is applied once, at the end, so
/// that it holds whatever order the groups came in: while a turvakielto is active the register's own
/// residence addresses are observed as removed, whatever else the record says. The postal (contact)
/// address is outside the ban and stays. The home municipality is withheld with the residence addresses
/// (reference §6.1: during a turvakielto it may be disclosed only to authorities).
struct VTJObservationSet {
    static let protectedAddressKinds = ["permanent", "temporary"]
    static let addressParts = ["street", "postal_code", "city", "country"]
    static let correctionField = "henkilotunnus_correction"
    static let homeMunicipalityField = "home_municipality"

    private var order: [String] = []
    private var values: [String: String?] = [:]

    mutating func set(_ field: String, _ value: String?) {
        if values.updateValue(value, forKey: field) == nil, !order.contains(field) { order.append(field) }
    }

    mutating func setAddress(_ kind: String, street: String?, postalCode: String?, city: String?, country: String?) {
        set("address.\(kind).street", street)
        set("address.\(kind).postal_code", postalCode)
        set("address.\(kind).city", city)
        set("address.\(kind).country", country)
    }

    mutating func removeAddress(_ kind: String) {
        setAddress(kind, street: nil, postalCode: nil, city: nil, country: nil)
    }

    var turvakieltoActive: Bool { values["turvakielto"] == .some("true") }

    var isEmpty: Bool { order.isEmpty }

    func observations() -> [FieldObservation] {
        var final = self
        if turvakieltoActive {
            for kind in Self.protectedAddressKinds { final.removeAddress(kind) }
            final.set(Self.homeMunicipalityField, nil)
        }
        return final.order.map { FieldObservation(field: $0, value: final.values[$0] ?? nil) }
    }

    /// A municipality code as the register keeps it: three digits; `999` (unknown) and anything else is no code.
    static func municipalityCode(_ text: String?) -> String? {
        guard let text, text.utf8.count == 3, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), text != "999" else { return nil }
        return text
    }

    /// The register's street line: street name, house number, staircase, apartment with its division
    /// letter (`Hämeenkatu 24 B 12a`), the apartment without the register's leading zeros.
    static func streetLine(name: String?, number: String?, staircase: String?, apartment: String?, division: String?) -> String? {
        guard let name else { return nil }
        var parts = [name]
        if let number { parts.append(number) }
        if let staircase { parts.append(staircase) }
        var flat = apartment.map { String($0.drop { $0 == "0" }) } ?? ""
        if let division { flat += division.lowercased() }
        if !flat.isEmpty { parts.append(flat) }
        return parts.joined(separator: " ")
    }
}
