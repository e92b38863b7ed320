import LahdeCore
import LahdeFormats
import LahdeStore

extension CSVFormat {
    /// Checks the format against the register's field catalogue and against itself, so that a definition
    /// that could mis-read a feed is refused when loaded — before any file — with the key at fault.
    func check(against catalogue: FieldCatalogue, file: String) throws(DefinitionError) {
        func fail(_ key: String, _ problem: String) -> DefinitionError {
            DefinitionError(file: file, key: "format." + key, problem: problem)
        }
        func usable(_ byte: UInt8) -> Bool { byte != 0x00 && byte != 0x0A && byte != 0x0D }
        guard usable(delimiter) else { throw fail("delimiter", "must not be a line end or NUL") }
        if let quote {
            guard usable(quote) else { throw fail("quote", "must not be a line end or NUL") }
            guard quote != delimiter else { throw fail("quote", "must differ from the delimiter") }
        }
        if let maxRecordBytes, !(1...CSVDialect.maximumRecordLimit).contains(maxRecordBytes) {
            throw fail("max_record_bytes", "must be between 1 and \(CSVDialect.maximumRecordLimit)")
        }
        if let columnCount, columnCount < 1 { throw fail("column_count", "must be at least 1") }

        guard !keys.isEmpty else { throw fail("keys", "names no key column; every row needs an identifier to find its entity by") }
        var schemes: Set<MatchKey.Scheme> = []
        for (index, key) in keys.enumerated() {
            let allowed =
                switch entity {
                case .accountingPoint: key.scheme == .gsrn
                case .contract: key.scheme == .datahubContract
                case .party: key.scheme != .gsrn && key.scheme != .datahubContract
                }
            guard allowed else {
                throw fail("keys.\(index).scheme", "'\(key.scheme.rawValue)' does not identify a \(entity.rawValue)")
            }
            guard schemes.insert(key.scheme).inserted else { throw fail("keys.\(index).scheme", "'\(key.scheme.rawValue)' is given twice") }
        }

        // Every column has one role: a key, the validity date, the status or one field.
        var roles: [String: String] = [:]
        func claim(_ column: String, by path: String) throws(DefinitionError) {
            let normalized: String
            if header {
                normalized = column.trimmingWhitespace().lowercased()
                guard !normalized.isEmpty else { throw fail(path, "names no column") }
            } else {
                guard let position = Int(column.trimmingWhitespace()), position >= 1 else {
                    throw fail(path, "'\(column.prefix(40))' is not a column position (1, 2, …); the file has no header, so columns are named by position")
                }
                if let columnCount, position > columnCount {
                    throw fail(path, "column \(position) is beyond column_count \(columnCount)")
                }
                normalized = String(position)
            }
            if let other = roles[normalized] {
                throw fail(path, "names the column that format.\(other) already uses; each column has one role")
            }
            roles[normalized] = path
        }
        for (index, key) in keys.enumerated() { try claim(key.column, by: "keys.\(index).column") }
        if let validFrom { try claim(validFrom.column, by: "valid_from.column") }
        if let status { try claim(status.column, by: "status.column") }

        let eventFields = Dictionary(
            (status.map { Set($0.codes.values) } ?? []).flatMap { event in event.observedFields.map { ($0, event) } },
            uniquingKeysWith: { first, _ in first })
        var fieldColumns: [String: String] = [:]
        for column in columns.keys.sorted() {
            let mapping = columns[column]!
            try claim(column, by: "columns.\(column)")
            let path = "columns.\(column).field"
            guard let field = catalogue.fields[mapping.field] else {
                throw fail(path, "'\(mapping.field.prefix(64))' names no field of the register")
            }
            guard field.entityKind == entity else {
                throw fail(path, "'\(field.name)' is a field of \(field.entityKind.rawValue), but this format's entity is \(entity.rawValue)")
            }
            if let other = fieldColumns[field.name] {
                throw fail(path, "'\(field.name)' is already mapped from column '\(other)'; which would win is not clear")
            }
            if let event = eventFields[field.name], event != .movedAbroad {
                throw fail(path, "'\(field.name)' is set by the status event '\(event.rawValue)'; a column cannot set it too")
            }
            fieldColumns[field.name] = column
            switch mapping.conversion {
            case .date where field.valueType != .date:
                throw fail("columns.\(column).date", "'\(field.name)' is not a date field")
            case .boolean where field.valueType != .boolean:
                throw fail("columns.\(column).boolean", "'\(field.name)' is not a yes/no field")
            case .reference where field.valueType != .reference:
                throw fail("columns.\(column).reference", "'\(field.name)' is not a link to another entity")
            case .reference(let scheme) where field.name == "contract_accounting_point" ? scheme != .gsrn : (scheme == .gsrn || scheme == .datahubContract):
                throw fail("columns.\(column).reference", "'\(scheme.rawValue)' does not identify what '\(field.name)' links to")
            case .none where field.valueType == .reference, .values where field.valueType == .reference:
                throw fail("columns.\(column)", "'\(field.name)' links to another entity: give its key scheme as \"reference\"")
            default: break
            }
        }

        if let status {
            guard entity == .party else { throw fail("status", "status events apply to parties only") }
            guard !status.codes.isEmpty else { throw fail("status.codes", "maps no status code") }
            for (code, event) in status.codes.sorted(by: { $0.key < $1.key }) {
                for name in event.observedFields where catalogue.fields[name] == nil {
                    throw fail("status.codes.\(code)", "'\(event.rawValue)' needs the field '\(name)', which this register does not have")
                }
                if event == .movedAbroad && !fieldColumns.keys.contains(where: { $0.hasPrefix("address.abroad.") }) {
                    throw fail("status.codes.\(code)", "'moved-abroad' needs columns mapped to address.abroad.* fields")
                }
            }
        } else if columns.isEmpty {
            throw fail("columns", "maps no column to a field")
        }
    }
}
