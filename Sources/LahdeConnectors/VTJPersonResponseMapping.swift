import Foundation
import LahdeCore
import LahdeFormats
import LahdeStore
import LahdeXML

/// Turns one `VTJHenkiloVastaussanoma` (the VTJkysely person response, reference §4) into observations
/// of the person, the same ones the change files and change API give (``VTJObservationSet``).
///
/// A response is a snapshot of the person at its extraction time (`tietojenPoimintaaika`, Finnish time),
/// which is the record's validity time. So an element that is present states its value; an element
/// present but empty, or an address whose `AsuminenLoppupvm` has passed (or whose start is still ahead)
/// at the extraction day, states that there is none; an element the product does not send says nothing.
/// Children are matched by local name: the response mixes the `vtjkysely` and `henkilotiedot` namespaces
/// by product and version.
///
/// `Paluukoodi`: `0000` maps the person; `0002` (the searched code is passive) keys the record by the
/// searched code and observes the active one as a henkilötunnus correction; `0007` (dead, no data) observes
/// the death only; `0001`/`0006` (no data) and every other code reject the response with the code.
///
/// Data-release bans: the public type catalogue names no elements for them, so the ones read here are
/// an assumption to confirm against the product's XSD (docs/vtj.md): `Suoramarkkinointikielto`,
/// `Asiakasrekisterinpaivityskielto` and `Yhteystietojenluovutuskielto`, each with a `…Tieto` child
/// (`1` = in force), like `TurvakieltoTieto`.
enum VTJPersonResponseMapping {
    static func record(_ response: XMLTreeElement, locator: String, range: Range<Int64>) -> Result<ObservedRecord, ObservationProblem> {
        var validFrom: Date?
        var extractionDay: CalendarDate?
        if let stamp = response.attribute("tietojenPoimintaaika")?.trimmingWhitespace(), !stamp.isEmpty {
            guard let (time, day) = extractionTime(stamp) else {
                return .failure(ObservationProblem("'tietojenPoimintaaika' is not a time (yyyymmddhhmmss)"))
            }
            validFrom = time
            extractionDay = day
        }
        let returnCode = response.first("Paluukoodi")?.attribute("koodi")?.trimmingWhitespace() ?? "0000"
        let person = response.first("Henkilo")
        let searched = response.first("Hakuperusteet")?.first("Henkilotunnus")?.value
        let current = person?.first("Henkilotunnus")?.value

        var set = VTJObservationSet()
        let key: MatchKey
        do {
            switch returnCode {
            case "0000", "0002", "0007": break
            case "0001", "0006":
                return .failure(ObservationProblem("the population register has no data for the searched henkilötunnus (Paluukoodi \(returnCode))"))
            default:
                let text = response.first("Paluukoodi")?.value.map { ": \($0.prefix(120))" } ?? ""
                return .failure(ObservationProblem("the response is an error, not a person (Paluukoodi \(returnCode.prefix(8))\(text))"))
            }
            guard let code = (returnCode == "0002" ? searched : nil) ?? current ?? searched else {
                return .failure(ObservationProblem("the response names no henkilötunnus (Henkilo/Henkilotunnus)"))
            }
            key = try MatchKey.parse(scheme: .henkilotunnus, code)
            if let current, case let active = try MatchKey.parse(scheme: .henkilotunnus, current), active != key {
                set.set(VTJObservationSet.correctionField, active.value)
            }
        } catch {
            return .failure(ObservationProblem("the henkilötunnus: \(error.description)"))
        }
        if returnCode == "0007" {
            set.set("deceased", "true")
        } else {
            guard let person else { return .failure(ObservationProblem("the response has no Henkilo element")) }
            if let problem = observe(person, on: extractionDay, into: &set) { return .failure(problem) }
        }
        return .success(ObservedRecord(
            entityKind: .party, keys: [key], validFrom: validFrom, locator: locator, rawRange: range, observations: set.observations()))
    }

    private static func observe(_ person: XMLTreeElement, on day: CalendarDate?, into set: inout VTJObservationSet) -> ObservationProblem? {
        if let surname = person.first("NykyinenSukunimi")?.first("Sukunimi")?.value { set.set("last_name", surname) }
        if let first = person.first("NykyisetEtunimet")?.first("Etunimet")?.value { set.set("first_names", first) }
        if let code = person.first("Aidinkieli")?.first("Kielikoodi")?.value?.lowercased(), code.count == 2,
            code.allSatisfy({ $0.isASCII && $0.isLetter })
        {
            set.set("language", code)
        }

        for (element, kind) in [("VakinainenKotimainenOsoite", "permanent"), ("TilapainenKotimainenOsoite", "temporary")] {
            let addresses = person.all(element)
            guard !addresses.isEmpty else { continue }
            switch currentAddress(addresses, on: day, start: "AsuminenAlkupvm", end: "AsuminenLoppupvm") {
            case .failure(let problem): return problem
            case .success(let address?):
                let street = VTJObservationSet.streetLine(
                    name: address.first("KatuS")?.value ?? address.first("KatuR")?.value, number: address.first("Katunumero")?.value,
                    staircase: address.first("Porraskirjain")?.value, apartment: address.first("Huoneistonumero")?.value,
                    division: address.first("Jakokirjain")?.value)
                set.setAddress(
                    kind, street: street, postalCode: address.first("Postinumero")?.value,
                    city: address.first("PostitoimipaikkaS")?.value ?? address.first("PostitoimipaikkaR")?.value, country: "FI")
            case .success(nil): set.removeAddress(kind)
            }
        }
        let postal = person.all("KotimainenPostiosoite")
        if !postal.isEmpty {
            switch currentAddress(postal, on: day, start: "PostiosoiteAlkupvm", end: "PostiosoiteLoppupvm") {
            case .failure(let problem): return problem
            case .success(let address?):
                set.setAddress(
                    "postal", street: address.first("PostiosoiteS")?.value ?? address.first("PostiosoiteR")?.value,
                    postalCode: address.first("Postinumero")?.value,
                    city: address.first("PostitoimipaikkaS")?.value ?? address.first("PostitoimipaikkaR")?.value, country: "FI")
            case .success(nil): set.removeAddress("postal")
            }
        }
        if let abroad = person.first("VakinainenUlkomainenOsoite") {
            if let street = abroad.first("UlkomainenLahiosoite")?.value {
                set.setAddress(
                    "abroad", street: street, postalCode: nil, city: abroad.first("UlkomainenPaikkakunta")?.value,
                    country: abroad.first("Valtiokoodi3")?.value.flatMap(VTJCountryCode.alpha2(numeric:)))
            } else {
                set.removeAddress("abroad")
            }
        }
        if let municipality = person.first("Kotikunta") {
            let text = municipality.first("Kuntanumero")?.value
            if let code = VTJObservationSet.municipalityCode(text) {
                set.set(VTJObservationSet.homeMunicipalityField, code)
            } else if text == nil {
                set.set(VTJObservationSet.homeMunicipalityField, nil)
            } else if text != "999" {
                return ObservationProblem("Kotikunta/Kuntanumero is not a three-digit municipality code")
            }
        }
        if let death = person.first("Kuolintiedot") {
            if death.first("Kuollut")?.value == "1" {
                set.set("deceased", "true")
                switch date(death.first("Kuolinpvm")) {
                case .failure(let problem): return problem
                case .success(let day): set.set("death_date", day?.calendarDate?.isoString)
                }
            } else {
                // The register's snapshot says alive: a death recorded earlier was corrected away.
                set.set("deceased", "false")
                set.set("death_date", nil)
            }
        }
        if let protection = person.first("Turvakielto") {
            let end: VTJDate?
            switch date(protection.first("TurvakieltoPaattymispvm")) {
            case .failure(let problem): return problem
            case .success(let value): end = value
            }
            let endDay = end?.calendarDate
            let inForce = protection.first("TurvakieltoTieto")?.value == "1"
            let active = inForce && (endDay.map { ending in day.map { ending >= $0 } ?? true } ?? true)
            set.set("turvakielto", active ? "true" : "false")
            set.set("turvakielto_ends_on", endDay?.isoString)
        }
        if let ban = person.first("Suoramarkkinointikielto") {
            set.set("direct_marketing_ban", ban.first("SuoramarkkinointikieltoTieto")?.value == "1" ? "true" : "false")
        }
        let releaseBans = ["Asiakasrekisterinpaivityskielto", "Yhteystietojenluovutuskielto"].compactMap { person.first($0) }
        if !releaseBans.isEmpty {
            let inForce = releaseBans.contains { $0.first($0.name.local + "Tieto")?.value == "1" }
            set.set("data_release_ban", inForce ? "true" : "false")
        }
        return nil
    }

    /// The address (of a repeating kind) that holds on the extraction day: started, not ended, not empty.
    private static func currentAddress(_ addresses: [XMLTreeElement], on day: CalendarDate?, start: String, end: String)
        -> Result<XMLTreeElement?, ObservationProblem>
    {
        for address in addresses {
            let begins: VTJDate?
            let ends: VTJDate?
            switch (date(address.first(start)), date(address.first(end))) {
            case (.failure(let problem), _), (_, .failure(let problem)): return .failure(problem)
            case (.success(let first), .success(let last)):
                begins = first
                ends = last
            }
            guard address.children.contains(where: { $0.value != nil && $0.name.local != start && $0.name.local != end }) else { continue }
            if let day, let begins = begins?.calendarDate, begins > day { continue }
            if let day, let ends = ends?.calendarDate, ends <= day { continue }
            return .success(address)
        }
        return .success(nil)
    }

    /// A `PaivamaaraTyyppi`: `yyyymmdd` or empty; the register's partial dates are kept as such.
    private static func date(_ element: XMLTreeElement?) -> Result<VTJDate?, ObservationProblem> {
        guard let element, let text = element.value else { return .success(nil) }
        guard let date = VTJDate.parse(text) else {
            return .failure(ObservationProblem("\(element.name.local) '\(text.prefix(16))' is not a date (yyyymmdd)"))
        }
        return .success(date == .undefined ? nil : date)
    }

    /// `yyyymmddhhmmss` in Finnish time → the instant and the Finnish day.
    private static func extractionTime(_ text: String) -> (Date, CalendarDate)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 14, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        func number(_ from: Int, _ count: Int) -> Int { bytes[from..<(from + count)].reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        guard let day = CalendarDate(year: number(0, 4), month: number(4, 2), day: number(6, 2)) else { return nil }
        let hour = number(8, 2), minute = number(10, 2), second = number(12, 2)
        guard hour < 24, minute < 60, second < 60 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = FeedTime.helsinki
        guard let time = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute, second: second))
        else { return nil }
        return (time, day)
    }
}

extension XMLTreeElement {
    /// The first child with this local name, in whichever namespace.
    fileprivate func first(_ local: String) -> XMLTreeElement? { children.first { $0.name.local == local } }

    /// Every child with this local name, in document order.
    fileprivate func all(_ local: String) -> [XMLTreeElement] { children.filter { $0.name.local == local } }

    /// The element's text, trimmed; `nil` when empty.
    fileprivate var value: String? {
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }
}
