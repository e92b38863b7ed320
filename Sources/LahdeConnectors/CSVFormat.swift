import LahdeCore
import LahdeFormats

/// The `format` object of a definition whose type is `csv`: how a vendor's delimited file is written and
/// what its columns mean.
///
/// Address-update vendors deliver files whose layout is set by contract and published nowhere, so a new
/// vendor is a new definition, not new code. Everything is declared — delimiter, encoding, header — and
/// nothing is sniffed: a guess that works on the first rows is how a register fills with mojibake.
///
/// ```json
/// "format": {
///   "type": "csv", "delimiter": ";", "encoding": "iso-8859-1", "header": true,
///   "entity": "party",
///   "keys": [{"scheme": "henkilotunnus", "column": "Hetu"}, {"scheme": "customer_number", "column": "Asiakasnro"}],
///   "valid_from": {"column": "Muutospvm", "format": "dd.MM.yyyy"},
///   "status": {"column": "Tila", "codes": {"01": "new-address", "05": "not-found"}},
///   "columns": {"Lähiosoite": "address.permanent.street", "Postinumero": "address.permanent.postal_code"}
/// }
/// ```
///
/// Columns are named as in the header (compared trimmed and without regard to case), or by 1-based
/// position ("1", "2", …) when `header` is false. Columns the definition does not name are ignored.
public struct CSVFormat: Sendable, Decodable {
    /// A column holding an identifier the row's entity is found by.
    public struct KeyColumn: Sendable, Decodable {
        public var scheme: MatchKey.Scheme
        public var column: String

        enum CodingKeys: String, CodingKey, CaseIterable { case scheme, column }

        public init(from decoder: any Decoder) throws {
            try decoder.refuseUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            scheme = try container.decodeChoice(MatchKey.Scheme.self, forKey: .scheme)
            column = try container.decode(String.self, forKey: .column)
        }
    }

    /// The column holding the date from which the row's values hold (Finnish midnight).
    public struct ValidFrom: Sendable, Decodable {
        public var column: String
        public var format: DatePattern

        enum CodingKeys: String, CodingKey, CaseIterable { case column, format }

        public init(from decoder: any Decoder) throws {
            try decoder.refuseUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            column = try container.decode(String.self, forKey: .column)
            let pattern = try container.decode(String.self, forKey: .format)
            do {
                format = try DatePattern(pattern)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .format, in: container, debugDescription: "'\(pattern)': \(error.description)")
            }
        }
    }

    /// The column holding the vendor's status code, and what each code means.
    public struct Status: Sendable, Decodable {
        public var column: String
        /// Compared with the trimmed cell exactly; `""` maps an empty cell.
        public var codes: [String: StatusEvent]

        enum CodingKeys: String, CodingKey, CaseIterable { case column, codes }

        public init(from decoder: any Decoder) throws {
            try decoder.refuseUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            column = try container.decode(String.self, forKey: .column)
            codes = try container.decode([String: StatusEvent].self, forKey: .codes)
        }
    }

    public var delimiter: UInt8
    /// `nil` for files that never quote (`"quote": null`); a quote byte is then ordinary data.
    public var quote: UInt8?
    public var header: Bool
    public var encoding: TextEncoding
    /// The number of columns every row must have; with a header, the header's count when absent.
    public var columnCount: Int?
    public var maxRecordBytes: Int?
    public var entity: EntityKind
    /// In the order tried; the first present one names a new entity when the connector creates entities.
    public var keys: [KeyColumn]
    /// Absent: the values hold from the time of receipt.
    public var validFrom: ValidFrom?
    /// Absent: every row states all its mapped columns.
    public var status: Status?
    /// Column name (or position) → what it means.
    public var columns: [String: CSVColumnMapping]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, delimiter, quote, header, encoding, entity, keys, status, columns
        case columnCount = "column_count"
        case maxRecordBytes = "max_record_bytes"
        case validFrom = "valid_from"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        delimiter = try Self.singleByte(container, .delimiter) ?? UInt8(ascii: ";")
        if container.contains(.quote), try container.decodeNil(forKey: .quote) {
            quote = nil
        } else {
            quote = try Self.singleByte(container, .quote) ?? UInt8(ascii: "\"")
        }
        header = try container.decodeIfPresent(Bool.self, forKey: .header) ?? true
        if let name = try container.decodeIfPresent(String.self, forKey: .encoding) {
            guard let encoding = Self.encodings[name.lowercased().filter { $0 != "-" && $0 != "_" }] else {
                throw DecodingError.dataCorruptedError(
                    forKey: .encoding, in: container, debugDescription: "'\(name.prefix(40))' is not an encoding lahde reads (utf-8, iso-8859-1, windows-1252)")
            }
            self.encoding = encoding
        } else {
            encoding = .utf8
        }
        columnCount = try container.decodeIfPresent(Int.self, forKey: .columnCount)
        maxRecordBytes = try container.decodeIfPresent(Int.self, forKey: .maxRecordBytes)
        entity = try container.decodeChoice(EntityKind.self, forKey: .entity)
        keys = try container.decode([KeyColumn].self, forKey: .keys)
        validFrom = try container.decodeIfPresent(ValidFrom.self, forKey: .validFrom)
        status = try container.decodeIfPresent(Status.self, forKey: .status)
        columns = try container.decodeIfPresent([String: CSVColumnMapping].self, forKey: .columns) ?? [:]
    }

    /// Names a definition may use for each encoding, compared lower-cased without `-` and `_`.
    static let encodings: [String: TextEncoding] = [
        "utf8": .utf8, "iso88591": .iso8859_1, "latin1": .iso8859_1, "windows1252": .windows1252, "cp1252": .windows1252,
    ]

    private static func singleByte(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> UInt8? {
        guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard text.utf8.count == 1, let byte = text.utf8.first, byte < 0x80 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "must be one ASCII character (a tab is \"\\t\")")
        }
        return byte
    }

    /// The reader's settings.
    public var dialect: CSVDialect {
        var dialect = CSVDialect(delimiter: delimiter, quote: quote, hasHeader: header, encoding: encoding, expectedFieldCount: columnCount)
        if let maxRecordBytes { dialect.maxRecordBytes = maxRecordBytes }
        return dialect
    }
}
