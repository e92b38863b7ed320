import LahdeCore

/// What one column of a delimited feed means: the register field it states and how the vendor writes it.
///
/// Written in a definition either as the field name alone (`"Sukunimi": "last_name"`) or as an object:
///
/// ```json
/// "Syntymäaika": {"field": "birth_date", "date": "dd.MM.yyyy"},
/// "Markkinointilupa": {"field": "direct_marketing_permission", "boolean": {"true": ["K"], "false": ["E"]}},
/// "Asiakastyyppi": {"field": "party_type", "values": {"H": "person", "Y": "organisation"}},
/// "Maa": {"field": "address.permanent.country", "uppercase": true, "empty": "remove"},
/// "Asiakasnumero": {"field": "contract_party", "reference": "customer_number"}
/// ```
///
/// Conversions exist so that the register holds one canonical form whichever vendor wrote the value; a
/// value a conversion cannot read rejects the row rather than being passed on as the vendor wrote it.
public struct CSVColumnMapping: Sendable, Decodable {
    /// What an empty cell says.
    public enum EmptyCell: String, Sendable, CaseIterable, Decodable {
        /// Nothing: the vendor makes no statement about the field (the default — most feeds leave cells
        /// empty for "not delivered", and taking that as "erase" would wipe good values).
        case skip
        /// The field no longer has a value (for exports that are the master of the field, such as a
        /// customer system's phone number).
        case remove

        public init(from decoder: any Decoder) throws {
            self = try decoder.singleValueContainer().decodeChoice(EmptyCell.self)
        }
    }

    public enum Conversion: Sendable {
        /// The cell is the value (trimmed).
        case none
        /// A date in the vendor's pattern, to `yyyy-mm-dd`.
        case date(DatePattern)
        /// Yes/no words, compared without regard to case; any other word rejects the row.
        case boolean(trueWords: Set<String>, falseWords: Set<String>)
        /// A closed list of vendor values and the register value each stands for; any other rejects the row.
        case values([String: String])
        /// The key of another entity (a contract's customer or accounting point), validated by its
        /// scheme's rules and observed as `scheme:value`; the merge turns it into the entity's id.
        case reference(MatchKey.Scheme)
    }

    public var field: String
    public var conversion: Conversion
    /// Upper-cases the cell before anything else (country codes, check characters written in lower case).
    public var uppercase: Bool
    public var empty: EmptyCell

    public init(field: String, conversion: Conversion = .none, uppercase: Bool = false, empty: EmptyCell = .skip) {
        self.field = field
        self.conversion = conversion
        self.uppercase = uppercase
        self.empty = empty
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case field, date, boolean, values, reference, uppercase, empty
    }

    struct BooleanWords: Decodable {
        let trueWords: [String]
        let falseWords: [String]

        enum CodingKeys: String, CodingKey {
            case trueWords = "true"
            case falseWords = "false"
        }
    }

    public init(from decoder: any Decoder) throws {
        if let field = try? decoder.singleValueContainer().decode(String.self) {
            self.init(field: field)
            return
        }
        try decoder.refuseUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let field = try container.decode(String.self, forKey: .field)
        let uppercase = try container.decodeIfPresent(Bool.self, forKey: .uppercase) ?? false
        let empty = try container.decodeIfPresent(EmptyCell.self, forKey: .empty) ?? .skip
        let conversion: Conversion
        let given = [CodingKeys.date, .boolean, .values, .reference].filter(container.contains)
        guard given.count <= 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: given[1], in: container,
                debugDescription: "a column takes one conversion, but both '\(given[0].rawValue)' and '\(given[1].rawValue)' are given")
        }
        switch given.first {
        case .date:
            let pattern = try container.decode(String.self, forKey: .date)
            do {
                conversion = .date(try DatePattern(pattern))
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .date, in: container, debugDescription: "'\(pattern)': \(error.description)")
            }
        case .boolean:
            let words = try container.decode(BooleanWords.self, forKey: .boolean)
            let trueWords = Set(words.trueWords.map { $0.lowercased() })
            let falseWords = Set(words.falseWords.map { $0.lowercased() })
            guard !trueWords.isEmpty, !falseWords.isEmpty else {
                throw DecodingError.dataCorruptedError(forKey: .boolean, in: container, debugDescription: "needs at least one word each for 'true' and 'false'")
            }
            if let both = trueWords.intersection(falseWords).sorted().first {
                throw DecodingError.dataCorruptedError(forKey: .boolean, in: container, debugDescription: "'\(both)' is both a true and a false word")
            }
            conversion = .boolean(trueWords: trueWords, falseWords: falseWords)
        case .values:
            let values = try container.decode([String: String].self, forKey: .values)
            guard !values.isEmpty else {
                throw DecodingError.dataCorruptedError(forKey: .values, in: container, debugDescription: "lists no values")
            }
            conversion = .values(values)
        case .reference:
            conversion = .reference(try container.decodeChoice(MatchKey.Scheme.self, forKey: .reference))
        default:
            conversion = .none
        }
        self.init(field: field, conversion: conversion, uppercase: uppercase, empty: empty)
    }
}
