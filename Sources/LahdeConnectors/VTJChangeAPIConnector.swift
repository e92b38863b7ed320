import Foundation
import LahdeCore
import LahdeFormats
import LahdeStore

/// Reads a page of the population register's change API (`vtj-api`: the JSON body of
/// `POST /api/v1/muutokset`, as saved by the pull job) into observations of persons.
///
/// Each element of `muutokset` is one record, located as `muutokset[N]` and quarantined by its own bytes
/// when it cannot be used. The groups mean what the legacy groups mean (``VTJLegacyConnector``), with the
/// API's own shapes:
/// - a group carrying `turvakiellonAlaisetKentat` arrives without its values because of a turvakielto:
///   the register's copy is observed as removed, as the register's guidance says;
/// - `TURVAKIELTO` states `turvakieltoAktiivinen` outright; `KUOLINPAIVA` states `kuollut`, so a
///   corrected `kuollut: false` reverses a death;
/// - the data-release bans arrive as groups of their own (`SUORAMARKKINOINTIKIELTO`,
///   `YHTEYSTIETOJEN_LUOVUTUSKIELTO`, `ASIAKASREKISTERIN_PAIVITYSKIELTO`): present → the ban, removed →
///   lifted. Their inner fields are not public, so only the group's presence is read.
///
/// - `KOTIKUNTA` → `home_municipality` (`kuntakoodi`; `999`, unknown, observes nothing); a removed group's
///   `voimassaolevatTiedot` state what holds after the removal.
///
/// `KORJATTAVA` and `LISATIETO` groups describe no current state and are skipped; removals are applied
/// before current values; groups the register does not keep are ignored. `muutospv` is the validity time.
public struct VTJChangeAPIConnector: Sendable {
    public init() {}

    public func read(_ file: InputFile, emit: (FeedItem) throws -> Void) throws {
        guard let data = FileManager.default.contents(atPath: file.path) else { throw InputFileError("cannot read \(file.path)") }
        try Self.read(Array(data), emit: emit)
    }

    static func read(_ bytes: [UInt8], emit: (FeedItem) throws -> Void) throws {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            try emit(.rejected(RejectedRecord(locator: "page", reason: "the page is not valid UTF-8", raw: bytes)))
            return
        }
        guard let ranges = VTJJSONElementRanges.of(key: "muutokset", in: bytes) else {
            try emit(.rejected(RejectedRecord(
                locator: "page", reason: "the page is not a change-API response (an object with a 'muutokset' array)", raw: bytes)))
            return
        }
        for (index, range) in ranges.enumerated() {
            let locator = "muutokset[\(index)]"
            let raw = Array(bytes[range])
            switch record(raw, locator: locator, range: Int64(range.lowerBound)..<Int64(range.upperBound)) {
            case .success(let observed): try emit(.record(observed))
            case .failure(let problem): try emit(.rejected(RejectedRecord(locator: locator, reason: problem.description, raw: raw)))
            }
        }
    }

    static func record(_ raw: [UInt8], locator: String, range: Range<Int64>) -> Result<ObservedRecord, ObservationProblem> {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(raw))) as? [String: Any] else {
            return .failure(ObservationProblem("the change record is not a JSON object"))
        }
        guard let hetu = object["henkilotunnus"] as? String else {
            return .failure(ObservationProblem("the change record has no 'henkilotunnus'"))
        }
        var key: MatchKey
        do {
            key = try MatchKey.parse(scheme: .henkilotunnus, hetu)
        } catch {
            return .failure(ObservationProblem("'henkilotunnus': \(error.description)"))
        }
        var validFrom: Date?
        if let text = object["muutospv"] as? String {
            guard let date = FeedTime.parse(text) else { return .failure(ObservationProblem("'muutospv' is not an ISO 8601 time")) }
            validFrom = date
        }
        guard let groups = object["tietoryhmat"] as? [[String: Any]] else {
            return .failure(ObservationProblem("'tietoryhmat' must be an array of objects"))
        }
        var parsed: [(name: String, change: VTJChangeType, fields: [String: Any])] = []
        for (index, group) in groups.enumerated() {
            guard let name = group["tietoryhma"] as? String else {
                return .failure(ObservationProblem("tietoryhmat[\(index)] has no 'tietoryhma'"))
            }
            guard let attribute = group["muutosattribuutti"] as? String, let change = VTJChangeType(apiName: attribute) else {
                return .failure(ObservationProblem("tietoryhmat[\(index)] (\(name.prefix(60))): missing or unknown 'muutosattribuutti'"))
            }
            parsed.append((name, change, group))
        }
        let changeDay = validFrom.flatMap(helsinkiDay(of:))
        var set = VTJObservationSet()
        for group in parsed where group.change == .removed || isWithheld(group.fields) || isEnded(group.fields, before: changeDay) {
            applyRemoval(group.name, to: &set)
        }
        // A removed group may carry the state that holds after it (`voimassaolevatTiedot`, seen on `KOTIKUNTA`).
        for group in parsed where group.change == .removed && !isWithheld(group.fields) {
            for current in (group.fields["voimassaolevatTiedot"] as? [[String: Any]]) ?? [] where !isEnded(current, before: changeDay) {
                if case .failure(let problem) = apply(group.name, .changed, current, recordHetu: key.value, to: &set) { return .failure(problem) }
            }
        }
        for group in parsed where group.change.statesCurrentValue && !isWithheld(group.fields) && !isEnded(group.fields, before: changeDay) {
            switch apply(group.name, group.change, group.fields, recordHetu: key.value, to: &set) {
            case .failure(let problem): return .failure(problem)
            case .success(let previous?): key = previous
            case .success(nil): break
            }
        }
        return .success(ObservedRecord(
            entityKind: .party, keys: [key], validFrom: validFrom, locator: locator, rawRange: range, observations: set.observations()))
    }

    private static func isWithheld(_ fields: [String: Any]) -> Bool {
        guard let withheld = fields["turvakiellonAlaisetKentat"] as? [Any] else { return false }
        return !withheld.isEmpty
    }

    /// A group whose `loppupv` is not after the change: it no longer holds.
    private static func isEnded(_ fields: [String: Any], before day: CalendarDate?) -> Bool {
        guard let end = date(fields["loppupv"]), let day else { return false }
        return end <= day
    }

    private static func applyRemoval(_ name: String, to set: inout VTJObservationSet) {
        switch name {
        case "VAKINAINEN_KOTIMAINEN_OSOITE": set.removeAddress("permanent")
        case "TILAPAINEN_KOTIMAINEN_OSOITE": set.removeAddress("temporary")
        case "KOTIMAINEN_POSTIOSOITE": set.removeAddress("postal")
        case "VAKINAINEN_ULKOMAINEN_OSOITE": set.removeAddress("abroad")
        case "SAHKOPOSTIOSOITE": set.set("email", nil)
        case "KOTIKUNTA": set.set(VTJObservationSet.homeMunicipalityField, nil)
        case "KUOLINPAIVA":
            set.set("deceased", "false")
            set.set("death_date", nil)
        case "TURVAKIELTO": set.set("turvakielto", "false")
        case "SUORAMARKKINOINTIKIELTO": set.set("direct_marketing_ban", "false")
        case "YHTEYSTIETOJEN_LUOVUTUSKIELTO", "ASIAKASREKISTERIN_PAIVITYSKIELTO": set.set("data_release_ban", "false")
        default: break
        }
    }

    /// Applies one current group; for a henkilötunnus correction, returns the key the record must be
    /// filed under (the old code), since the register knows the person by that one until the correction.
    private static func apply(
        _ name: String, _ change: VTJChangeType, _ g: [String: Any], recordHetu: String, to set: inout VTJObservationSet
    ) -> Result<MatchKey?, ObservationProblem> {
        switch name {
        case "HENKILON_NIMI":
            if let first = text(g["etunimiUTF8"]) ?? text(g["etunimi"]) { set.set("first_names", first) }
            if let last = text(g["sukunimiUTF8"]) ?? text(g["sukunimi"]) { set.set("last_name", last) }
        case "NIMENMUUTOS", "NIMENMUUTOS_LAAJA":
            guard g["loppupv"] == nil || g["loppupv"] is NSNull, let value = text(g["nimi"]) else { break }
            switch g["nimilaji"] as? String {
            case "NYKYINEN_SUKUNIMI": set.set("last_name", value)
            case "NYKYINEN_ETUNIMI", "NYKYISET_ETUNIMET": set.set("first_names", value)
            default: break
            }
        case "AIDINKIELI":
            if let code = text(g["kielikoodi"])?.lowercased(), code.count == 2, code.allSatisfy({ $0.isASCII && $0.isLetter }) {
                set.set("language", code)
            }
        case "VAKINAINEN_KOTIMAINEN_OSOITE", "TILAPAINEN_KOTIMAINEN_OSOITE":
            let street = VTJObservationSet.streetLine(
                name: localized(g["katunimi"]), number: text(g["katunumero"]), staircase: text(g["huoneistokirjain"]),
                apartment: text(g["huoneistonumero"]), division: text(g["jakokirjain"]))
            set.setAddress(
                name.hasPrefix("VAKINAINEN") ? "permanent" : "temporary", street: street, postalCode: text(g["postinumero"]),
                city: localized(g["postitoimipaikka"]), country: "FI")
        case "KOTIMAINEN_POSTIOSOITE":
            set.setAddress(
                "postal", street: localized(g["postiosoite"]), postalCode: text(g["postinumero"]), city: localized(g["postitoimipaikka"]),
                country: "FI")
        case "VAKINAINEN_ULKOMAINEN_OSOITE":
            set.setAddress(
                "abroad", street: text(g["lahiosoite"]), postalCode: nil, city: text(g["paikkakunta"]),
                country: text(g["valtiokoodi"]).flatMap(VTJCountryCode.alpha2(numeric:)))
        case "SAHKOPOSTIOSOITE":
            set.set("email", text(g["sahkopostiosoite"]))
        case "KOTIKUNTA":
            if let code = text(g["kuntakoodi"]) {
                guard let valid = VTJObservationSet.municipalityCode(code) else {
                    if code == "999" { break }
                    return .failure(ObservationProblem("KOTIKUNTA: 'kuntakoodi' is not a three-digit municipality code"))
                }
                set.set(VTJObservationSet.homeMunicipalityField, valid)
            }
        case "KUOLINPAIVA":
            if (g["kuollut"] as? Bool) == false {
                set.set("deceased", "false")
                set.set("death_date", nil)
            } else {
                set.set("deceased", "true")
                if let day = date(g["kuolinpv"]) { set.set("death_date", day.isoString) }
            }
        case "TURVAKIELTO":
            let active = (g["turvakieltoAktiivinen"] as? Bool) ?? true
            set.set("turvakielto", active ? "true" : "false")
            set.set("turvakielto_ends_on", date(g["turvaLoppuPv"])?.isoString)
        case "SUORAMARKKINOINTIKIELTO": set.set("direct_marketing_ban", "true")
        case "YHTEYSTIETOJEN_LUOVUTUSKIELTO", "ASIAKASREKISTERIN_PAIVITYSKIELTO": set.set("data_release_ban", "true")
        case "HENKILOTUNNUS_KORJAUS":
            guard (g["voimassaolo"] as? String).map({ $0 == "AKTIIVI" }) ?? true else { break }
            guard let active = text(g["aktiivinenHenkilotunnus"]) ?? text(g["muutettuHenkilotunnus"]) else { break }
            let newKey: MatchKey
            do {
                newKey = try MatchKey.parse(scheme: .henkilotunnus, active)
            } catch {
                return .failure(ObservationProblem("'aktiivinenHenkilotunnus': \(error.description)"))
            }
            var oldKey: MatchKey?
            if newKey.value == recordHetu {
                // Filed under the new code: the register still knows the person by the latest previous one.
                guard let previous = (g["edellisetHenkilotunnukset"] as? [String])?.last else { break }
                do {
                    oldKey = try MatchKey.parse(scheme: .henkilotunnus, previous)
                } catch {
                    return .failure(ObservationProblem("'edellisetHenkilotunnukset': \(error.description)"))
                }
            }
            set.set(VTJObservationSet.correctionField, newKey.value)
            return .success(oldKey)
        default: break
        }
        return .success(nil)
    }

    private static func text(_ value: Any?) -> String? {
        guard let string = value as? String else { return nil }
        let trimmed = string.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// `{"fi": …, "sv": …}` names: Finnish first.
    private static func localized(_ value: Any?) -> String? {
        if let names = value as? [String: Any] { return text(names["fi"]) ?? text(names["sv"]) }
        return text(value)
    }

    /// `{"arvo": "yyyy-mm-dd", "tarkkuus": "PAIVA"}` or a bare date; a coarser precision is not a day.
    private static func date(_ value: Any?) -> CalendarDate? {
        if let object = value as? [String: Any] {
            if let precision = object["tarkkuus"] as? String, precision != "PAIVA" { return nil }
            return (object["arvo"] as? String).flatMap { CalendarDate(isoString: String($0.prefix(10))) }
        }
        return (value as? String).flatMap { CalendarDate(isoString: String($0.prefix(10))) }
    }

    private static func helsinkiDay(of date: Date) -> CalendarDate? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Helsinki")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDate(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0)
    }
}
