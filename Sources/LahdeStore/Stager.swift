import Foundation
import LahdeCore
import LahdePostgres

/// Turns the connector's records into `lahde.stage_item` rows, checking every value on the way.
///
/// A record with an unknown field, a value of the wrong type or no usable key is staged as a `Q` item —
/// quarantined whole, with its raw bytes and the reason — so it never reaches the merge and never aborts
/// the COPY of the others. A record of an erased person becomes an `S` item: counted as suppressed, and
/// nothing of it — not even its raw bytes — is kept.
struct Stager {
    let catalogue: FieldCatalogue
    let input: BatchInput
    let suppression: Suppression?
    private var tags: RecordTags
    /// The connector's trust for a field: in the record's tags, and staged with each observation.
    private let trust: (String) -> Int
    /// Whether any staged record observes a `reference` field, whose values the merge must resolve to ids.
    private(set) var stagedReferences = false
    /// The entity kinds that have `reference` fields: only their records need a look at each field's type.
    private let kindsWithReferences: Set<EntityKind>
    /// Whether any staged record corrects a henkilötunnus (a `C` item).
    private(set) var stagedCorrections = false
    private var recordNumber = 0
    private var sequence = 0

    /// The erased people's keyed identifier hashes and the key to hash a record's identifiers with.
    struct Suppression {
        let key: SuppressionKey
        let hashes: Set<String>
    }

    init(catalogue: FieldCatalogue, input: BatchInput, suppression: Suppression?, batch: RecordTags.Batch, trust: @escaping (String) -> Int) {
        self.catalogue = catalogue
        self.input = input
        self.suppression = suppression
        self.tags = RecordTags(batch: batch)
        self.trust = trust
        kindsWithReferences = Set(catalogue.fields.values.filter { $0.valueType == .reference }.map(\.entityKind))
    }

    mutating func stage(_ item: FeedItem, into writer: inout CopyInWriter) throws {
        recordNumber += 1
        switch item {
        case .rejected(let rejected):
            try writeRejected(locator: rejected.locator, reason: rejected.reason, raw: rejected.raw, into: &writer)
        case .record(let record):
            if let suppression, record.keys.contains(where: { suppression.hashes.contains(suppression.key.hash($0)) }) {
                writer.field("S")
                writer.field(recordNumber)
                for _ in 0..<11 { writer.field(nil as String?) }
                try writer.endRow()
                return
            }
            // Values in canonical form (each checked once; the first unusable one rejects the record), and
            // the tags they would carry (RecordTags)
            let validFrom = record.validFrom.map(Self.timestamp)
            var values: [String?] = []
            values.reserveCapacity(record.observations.count)
            var trusts: [Int] = []
            trusts.reserveCapacity(record.observations.count)
            var problem = problemWithKeys(of: record)
            if problem == nil {
                tags.start()
                for observation in record.observations where observation.field != Self.correctionField {
                    switch catalogue.validate(observation, of: record.entityKind) {
                    case .success(let value):
                        let rank = trust(observation.field)
                        values.append(value)
                        trusts.append(rank)
                        tags.add(field: observation.field, value: value, trust: rank, locator: Self.locator(of: observation, in: record), validFrom: validFrom)
                    case .failure(let unusable):
                        problem = unusable.description
                    }
                    if problem != nil { break }
                }
            }
            if let problem {
                let raw = try input.rawBytes(record.rawRange)
                try writeRejected(locator: record.locator, reason: problem, raw: raw, into: &writer)
                return
            }
            if !stagedReferences, kindsWithReferences.contains(record.entityKind),
                record.observations.contains(where: { catalogue.fields[$0.field]?.valueType == .reference })
            {
                stagedReferences = true
            }
            // R: the record (priority: how many keys it has, so the merge knows when all are registered)
            let correction = record.observations.first { $0.field == Self.correctionField }?.value
            let keys = record.keys + (correction.map { [MatchKey(scheme: .henkilotunnus, value: $0)] } ?? [])
            writer.field("R")
            writer.field(recordNumber)
            writer.field(nil as String?)
            writer.field(record.entityKind.rawValue)
            writer.field(Self.repeatsFields(record) ? Self.repeatsFieldsMark : nil)
            writer.field(nil as String?)
            writer.field(keys.count)
            writer.field(validFrom)
            writer.field(record.locator)
            writer.field(Int(record.rawRange.lowerBound))
            writer.field(Int(record.rawRange.count))
            writer.field(nil as String?)
            tags.finish(into: &writer)
            try writer.endRow()
            // K: its keys, in priority order; a corrected henkilötunnus is a key too, so that a replay of the
            // correction finds the person under either code.
            for (priority, key) in keys.enumerated() {
                writer.field("K")
                writer.field(recordNumber)
                writer.field(nil as String?)
                writer.field(nil as String?)
                writer.field(key.scheme.rawValue)
                writer.field(key.value)
                writer.field(priority)
                for _ in 0..<6 { writer.field(nil as String?) }
                try writer.endRow()
            }
            // C: a henkilötunnus correction (re-keys the person)
            if let correction {
                stagedCorrections = true
                writer.field("C")
                writer.field(recordNumber)
                for _ in 0..<2 { writer.field(nil as String?) }
                writer.field(MatchKey.Scheme.henkilotunnus.rawValue)
                writer.field(correction)
                for _ in 0..<7 { writer.field(nil as String?) }
                try writer.endRow()
            }
            // O: its observations (priority: the connector's trust for the field, known here; looking it up
            // in the merge hid from the planner how many candidates there are, see `candidates`)
            var index = 0
            for observation in record.observations where observation.field != Self.correctionField {
                sequence += 1
                let value = values[index]
                let rank = trusts[index]
                index += 1
                writer.field("O")
                writer.field(recordNumber)
                writer.field(sequence)
                writer.field(nil as String?)
                writer.field(observation.field)
                writer.field(value)
                writer.field(rank)
                writer.field(nil as String?)
                writer.field(Self.locator(of: observation, in: record))
                for _ in 0..<4 { writer.field(nil as String?) }
                try writer.endRow()
            }
        }
    }

    /// Marks (in an `R` item's `name`) a record that observes one field more than once, so that the merge
    /// knows to pick the best of them.
    static let repeatsFieldsMark = "repeats-fields"

    private static func repeatsFields(_ record: ObservedRecord) -> Bool {
        let observations = record.observations
        guard observations.count > 1 else { return false }
        if observations.count <= 16 {
            for i in 1..<observations.count {
                for j in 0..<i where observations[i].field == observations[j].field { return true }
            }
            return false
        }
        var seen = Set<String>()
        return observations.contains { !seen.insert($0.field).inserted }
    }

    /// The pseudo-field by which a population-register feed corrects a henkilötunnus: the record is keyed by
    /// the old code and this observation carries the new one. It is an identifier change, not a value, so it
    /// is not in the field catalogue.
    static let correctionField = "henkilotunnus_correction"

    /// What makes a record unusable before its values are looked at: no key, or a malformed correction.
    private func problemWithKeys(of record: ObservedRecord) -> String? {
        guard !record.keys.isEmpty else { return "the record has no identifier to match it by" }
        let corrections = record.observations.filter { $0.field == Self.correctionField }
        if !corrections.isEmpty {
            guard record.entityKind == .party, corrections.count == 1, let value = corrections[0].value else {
                return "a henkilötunnus correction must be one new code for one person"
            }
            guard (try? Henkilotunnus.parse(value))?.value == value else {
                return "the corrected henkilötunnus is not a valid, normalised code"
            }
        }
        return nil
    }

    private func writeRejected(locator: String, reason: String, raw: [UInt8], into writer: inout CopyInWriter) throws {
        writer.field("Q")
        writer.field(recordNumber)
        for _ in 0..<2 { writer.field(nil as String?) }  // seq, entity_kind
        writer.field(Redaction.maskingHenkilotunnus(in: reason))
        for _ in 0..<3 { writer.field(nil as String?) }  // value, priority, valid_from
        writer.field(locator)
        for _ in 0..<2 { writer.field(nil as String?) }
        writer.field(Self.byteaText(raw))
        writer.field(nil as String?)  // tags
        try writer.endRow()
    }

    /// An observation's locator: its record's, and where within the record it was, if the connector says.
    private static func locator(of observation: FieldObservation, in record: ObservedRecord) -> String {
        observation.locator.map { record.locator + " " + $0 } ?? record.locator
    }

    /// bytea in hex input form (`\x…`); COPY's own escaping doubles the backslash on the way.
    static func byteaText(_ bytes: [UInt8]) -> String {
        "\\x" + Hex.encode(bytes)
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
