import Foundation
import LahdeCore
import LahdeFormats
import LahdeStore

/// Reads the population register's legacy change files (`vtj-legacy`) into observations of persons.
///
/// What each group means for the register (the reference notes §2, §6 give the sources):
/// - names (004; 005 current surname/first names), mother tongue (002), e-mail (421);
/// - permanent and temporary domestic addresses (101, 102), the postal address (103) and the permanent
///   address abroad (104). The register's domestic addresses carry no post-office name, so `city` is
///   observed as removed rather than left stating the previous town next to a new postal code;
/// - death (013) → `deceased`, `death_date`; a death removed, or corrected away (a `5` with no
///   corrected version, or a corrected version with no date) → `deceased: false`, no date;
/// - turvakielto (015): active while its end date is undefined, open-ended or not before the event,
///   and then the residence addresses are observed as removed; lifted or expired → `false`;
/// - a henkilötunnus correction (001 naming an active code other than the line's) → the record keyed
///   by the old code with `henkilotunnus_correction` holding the new one.
///
/// Removals in a record are applied before its current values, and `0` (context) and `5` (the wrong
/// version of a correction) groups describe no current state, as in the register's own guidance. The
/// home municipality (204) → `home_municipality` (its code; `999`, unknown, observes nothing), removed
/// with the residence addresses while a turvakielto is active. A temporary address abroad (105) and the
/// groups the register does not keep (citizenship, guardianship …) are read and validated but observe nothing.
public struct VTJLegacyConnector: Sendable {
    public init() {}

    public func read(_ file: InputFile, emit: (FeedItem) throws -> Void) throws {
        let source: FileByteSource
        do {
            source = try FileByteSource(path: file.path)
        } catch {
            throw InputFileError(error.description)
        }
        var reader = VTJLegacyReader(source: source)
        var days: [CalendarDate: Date] = [:]
        while let item = try reader.next() {
            try emit(Self.feedItem(for: item, days: &days))
        }
    }

    /// - Parameter days: Finnish midnights already computed: a file's records share a few registration
    ///   dates, and a calendar computation per record was half of the mapping's time.
    static func feedItem(for item: VTJLegacyItem, days: inout [CalendarDate: Date]) -> FeedItem {
        switch item {
        case .error(let error):
            return .rejected(RejectedRecord(locator: "line \(error.line)", reason: error.reason.description, raw: error.raw))
        case .record(let record):
            switch observedRecord(record, days: &days) {
            case .success(let observed): return .record(observed)
            case .failure(let problem):
                return .rejected(RejectedRecord(
                    locator: "line \(record.line)", reason: Redaction.maskingHenkilotunnus(in: problem.description), raw: record.raw))
            }
        }
    }

    static func observedRecord(_ record: VTJLegacyRecord, days: inout [CalendarDate: Date]) -> Result<ObservedRecord, ObservationProblem> {
        let key: MatchKey
        do {
            key = try MatchKey.parse(scheme: .henkilotunnus, record.henkilotunnus)
        } catch {
            return .failure(ObservationProblem("the henkilötunnus of the identification part: \(error.description)"))
        }
        let registered = record.registered.calendarDate
        var set = VTJObservationSet()
        let deathCorrectedAway =
            record.groups.contains { $0.code == 13 && $0.change == .beingCorrected }
            && !record.groups.contains { $0.code == 13 && $0.change.statesCurrentValue }
        // Removals first, current values last: a record that ends one address and starts another states the new one.
        for group in record.groups where group.change == .removed || isEnded(group, in: record, before: registered)
            || (deathCorrectedAway && group.code == 13 && group.change == .beingCorrected)
        {
            applyRemoval(group, record: record, registered: registered, to: &set)
        }
        for group in record.groups where group.change.statesCurrentValue && !isEnded(group, in: record, before: registered) {
            if let problem = applyCurrent(group, record: record, registered: registered, key: key, to: &set) { return .failure(problem) }
        }
        var validFrom: Date?
        if let registered {
            if let known = days[registered] {
                validFrom = known
            } else {
                validFrom = FeedTime.parse(registered.isoString)
                if let validFrom, days.count < 10_000 { days[registered] = validFrom }
            }
        }
        return .success(ObservedRecord(
            entityKind: .party, keys: [key], validFrom: validFrom, locator: "line \(record.line)",
            rawRange: record.byteRange, observations: set.observations()))
    }

    /// An address or e-mail whose end date is not after the event: it no longer holds.
    private static func isEnded(_ group: VTJLegacyGroup, in record: VTJLegacyRecord, before registered: CalendarDate?) -> Bool {
        let endOffset: Int
        switch group.code {
        case 101, 102: endOffset = 229
        case 103: endOffset = 117
        case 104: endOffset = 175
        case 421: endOffset = 269
        default: return false
        }
        guard group.change.statesCurrentValue, let end = record.date(group, at: endOffset)?.calendarDate, let registered else { return false }
        return end <= registered
    }

    private static func applyRemoval(_ group: VTJLegacyGroup, record: VTJLegacyRecord, registered: CalendarDate?, to set: inout VTJObservationSet) {
        switch group.code {
        case 13:
            set.set("deceased", "false")
            set.set("death_date", nil)
        case 15:
            set.set("turvakielto", "false")
            set.set("turvakielto_ends_on", registered?.isoString)
        case 101: set.removeAddress("permanent")
        case 102: set.removeAddress("temporary")
        case 103: set.removeAddress("postal")
        case 104: set.removeAddress("abroad")
        case 421: set.set("email", nil)
        case 204: set.set(VTJObservationSet.homeMunicipalityField, nil)
        case 2: set.set("language", nil)
        default: break  // a name is replaced, never removed; the rest is not kept
        }
    }

    private static func applyCurrent(
        _ group: VTJLegacyGroup, record r: VTJLegacyRecord, registered: CalendarDate?, key: MatchKey, to set: inout VTJObservationSet
    ) -> ObservationProblem? {
        switch group.code {
        case 1:
            // The active code of a correction; the passivated old one is the line's own.
            guard r.byte(group, at: 15) == 0x31, let code = r.text(group, at: 4, length: 11), code != key.value else { return nil }
            do {
                set.set(VTJObservationSet.correctionField, try MatchKey.parse(scheme: .henkilotunnus, code).value)
            } catch {
                return ObservationProblem("the corrected henkilötunnus (group 001): \(error.description)")
            }
        case 2:
            if let code = r.text(group, at: 4, length: 2)?.lowercased(), code.allSatisfy({ $0.isASCII && $0.isLetter }) {
                set.set("language", code)
            }
        case 4:
            if let last = r.text(group, at: 4, length: 100) { set.set("last_name", last) }
            if let first = r.text(group, at: 104, length: 100) { set.set("first_names", first) }
        case 5:
            guard r.date(group, at: 114) == .undefined, let name = r.text(group, at: 4, length: 100) else { return nil }
            switch r.text(group, at: 104, length: 2) {
            case "01": set.set("last_name", name)
            case "02": set.set("first_names", name)
            default: break
            }
        case 13:
            let date = r.date(group, at: 4) ?? .undefined
            if group.change == .corrected && date == .undefined {
                set.set("deceased", "false")
                set.set("death_date", nil)
            } else {
                set.set("deceased", "true")
                // A partial date of death is not a day; the register keeps only the fact then.
                if let day = date.calendarDate { set.set("death_date", day.isoString) }
            }
        case 15:
            let end = r.date(group, at: 4) ?? .undefined
            let endDay = end.calendarDate
            let active = endDay.map { day in registered.map { day >= $0 } ?? true } ?? true
            set.set("turvakielto", active ? "true" : "false")
            set.set("turvakielto_ends_on", endDay?.isoString)
        case 101, 102:
            let street = VTJObservationSet.streetLine(
                name: r.text(group, at: 4, length: 100) ?? r.text(group, at: 104, length: 100), number: r.text(group, at: 204, length: 7),
                staircase: r.text(group, at: 211, length: 1), apartment: r.text(group, at: 212, length: 3),
                division: r.text(group, at: 215, length: 1))
            set.setAddress(
                group.code == 101 ? "permanent" : "temporary", street: street, postalCode: r.text(group, at: 216, length: 5), city: nil,
                country: "FI")
        case 103:
            set.setAddress(
                "postal", street: r.text(group, at: 4, length: 50) ?? r.text(group, at: 54, length: 50),
                postalCode: r.text(group, at: 104, length: 5), city: nil, country: "FI")
        case 104:
            set.setAddress(
                "abroad", street: r.text(group, at: 4, length: 80), postalCode: nil, city: r.text(group, at: 84, length: 80),
                country: r.text(group, at: 164, length: 3).flatMap(VTJCountryCode.alpha2(numeric:)))
        case 204:
            guard let text = r.text(group, at: 4, length: 3) else { return nil }
            guard let code = VTJObservationSet.municipalityCode(text) else {
                if text == "999" { return nil }
                return ObservationProblem("the home municipality (group 204) is not a three-digit municipality code")
            }
            set.set(VTJObservationSet.homeMunicipalityField, code)
        case 421:
            set.set("email", r.text(group, at: 6, length: 255))
        default: break
        }
        return nil
    }
}
