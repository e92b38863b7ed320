import Foundation
import LahdeCore
import LahdeFormats

/// A ``CSVFormat`` resolved against one file's header: column positions found once, then every row turned
/// into a ``FeedItem``.
///
/// Reasons for rejecting a row name its line and the definition's column, never the cell's content: a
/// cell holds a name, an address or a henkilötunnus, and reasons end up in logs and in the quarantine
/// listing. Only a status code is quoted (masked), because "unknown code" is useless without the code.
struct CSVRecordMapper {
    /// Where an address column's value goes, which decides what the status events do with it.
    enum AddressRole {
        case none
        case abroad
        case domestic
    }

    /// A class so that walking the columns of every row retains one reference, not each string inside.
    final class Column {
        let index: Int
        let name: String
        let mapping: CSVColumnMapping
        let role: AddressRole
        /// `column 'Katuosoite'`: kept with the observation, so provenance shows where in the row a value stood.
        let locator: String

        /// ASCII words and values as bytes, lower-cased for the yes/no words, with what each stands for:
        /// a cell is compared byte by byte before any `String` is made of it (see ``CSVRecordMapper/plainRange(_:_:)``).
        let byteWords: [(bytes: [UInt8], value: String)]
        let caseInsensitive: Bool
        /// The mapping's parts a plain cell needs, kept apart so no cell copies the whole mapping.
        let field: String
        let emptyRemoves: Bool
        /// No conversion and no upper-casing: a plain cell is the value.
        let passesThrough: Bool

        init(index: Int, name: String, mapping: CSVColumnMapping, role: AddressRole, locator: String) {
            self.index = index
            self.name = name
            self.mapping = mapping
            self.role = role
            self.locator = locator
            field = mapping.field
            emptyRemoves = mapping.empty == .remove
            if case .none = mapping.conversion, !mapping.uppercase { passesThrough = true } else { passesThrough = false }
            var words: [(String, String)] = []
            switch mapping.conversion {
            case .boolean(let trueWords, let falseWords):
                words = trueWords.sorted().map { ($0, "true") } + falseWords.sorted().map { ($0, "false") }
                caseInsensitive = true
            case .values(let values):
                words = values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                caseInsensitive = false
            default:
                caseInsensitive = false
            }
            byteWords = mapping.uppercase ? [] : words.filter { $0.0.utf8.allSatisfy { $0 < 0x80 } }.map { (Array($0.0.utf8), $0.1) }
        }

        /// The value the cell's bytes stand for, or `nil` when they match no ASCII word (the `String` path
        /// then decides, and explains a rejection).
        func byteWord(_ record: CSVRecordView, _ range: Range<Int>) -> String? {
            let raw = record.bytes
            for word in byteWords where word.bytes.count == range.count {
                var equal = true
                for offset in 0..<word.bytes.count {
                    var byte = raw[range.lowerBound + offset]
                    if caseInsensitive && byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                    if byte != word.bytes[offset] {
                        equal = false
                        break
                    }
                }
                if equal { return word.value }
            }
            return nil
        }
    }

    struct KeyColumn {
        let scheme: MatchKey.Scheme
        let index: Int
        let name: String
    }

    /// What a row's walk over the columns reads of each: the cell's position, flags, and the two strings
    /// every observation shares. Walked through an unsafe buffer so no column object is retained and
    /// released per cell; ``Column`` (the mapping, its words) is only reached for a cell that needs it.
    struct ColumnStep {
        let index: Int
        /// Into ``CSVRecordMapper/columns``.
        let column: Int
        let role: AddressRole
        let emptyRemoves: Bool
        let passesThrough: Bool
        let hasByteWords: Bool
        let field: String
        let locator: String
    }

    let entity: EntityKind
    let keys: [KeyColumn]
    let validFrom: (index: Int, name: String, pattern: DatePattern)?
    let status: (index: Int, name: String, codes: [String: StatusEvent], locator: String)?
    let columns: [Column]
    /// ``columns`` in the same order, as the row walk reads them.
    let steps: ContiguousArray<ColumnStep>
    /// The fields a row needs when the file declares no count (no header, no `column_count`).
    let minimumFieldCount: Int
    /// Finnish midnight per validity date: a delivery has few distinct dates, and the calendar arithmetic
    /// costs more than the rest of a row.
    private var midnights: [CalendarDate: Date] = [:]
    /// The last validity cell's bytes and its instant: rows of one delivery mostly share the date.
    private var lastValidFrom: (bytes: [UInt8], date: Date)?
    /// The key and observation arrays of the last record the consumer let go of, emptied: the next row
    /// fills them instead of allocating two arrays (see ``recycle(_:)``).
    private var spareKeys: [MatchKey] = []
    private var spareObservations: [FieldObservation] = []

    init(format: CSVFormat, header: CSVHeader?) throws(CSVFileError) {
        var names = format.keys.map(\.column)
        if let validFrom = format.validFrom { names.append(validFrom.column) }
        if let status = format.status { names.append(status.column) }
        let mapped = format.columns.keys.sorted()
        names += mapped
        let positions: [Int]
        if let header {
            do {
                positions = try header.indexes(of: names)
            } catch {
                switch error {
                case .missingColumns(let missing, let available): throw .missingColumns(missing, headerColumnCount: available.count)
                case .ambiguousColumn(let name, let indexes): throw .ambiguousColumn(name, positions: indexes)
                }
            }
        } else {
            // The definition was checked when loaded: every name is a position 1, 2, …
            positions = names.map { (Int($0.trimmingWhitespace()) ?? 1) - 1 }
        }
        var next = positions.makeIterator()
        entity = format.entity
        keys = format.keys.map { KeyColumn(scheme: $0.scheme, index: next.next()!, name: $0.column) }
        validFrom = format.validFrom.map { (next.next()!, $0.column, $0.format) }
        status = format.status.map { (next.next()!, $0.column, $0.codes, "column '\($0.column)'") }
        columns = mapped.map { name in
            let mapping = format.columns[name]!
            let role: AddressRole =
                mapping.field.hasPrefix("address.abroad.") ? .abroad : mapping.field.hasPrefix("address.") ? .domestic : .none
            return Column(index: next.next()!, name: name, mapping: mapping, role: role, locator: "column '\(name)'")
        }.sorted { $0.index < $1.index }
        steps = ContiguousArray(
            columns.enumerated().map { offset, column in
                ColumnStep(
                    index: column.index, column: offset, role: column.role, emptyRemoves: column.emptyRemoves,
                    passesThrough: column.passesThrough, hasByteWords: !column.byteWords.isEmpty, field: column.field,
                    locator: column.locator)
            })
        minimumFieldCount = (positions.max() ?? 0) + 1
    }

    /// The row as an observed record, or rejected with the first problem found.
    mutating func item(for record: CSVRecordView) -> FeedItem {
        switch observe(record) {
        case .success(let observed): .record(observed)
        case .failure(let problem):
            .rejected(
                RejectedRecord(
                    locator: "line \(record.location.line)", reason: Redaction.maskingHenkilotunnus(in: "line \(record.location.line)\(problem.text)"),
                    raw: Array(record.bytes)))
        }
    }

    /// Takes back the arrays of an item the consumer has finished with. Arrays the consumer kept a copy of
    /// are not reused (emptying them leaves the copy alone and allocates afresh), so this is only ever a
    /// saving, never a change to what was emitted.
    mutating func recycle(_ item: consuming FeedItem) {
        guard case .record(var record) = consume item else { return }
        swap(&spareKeys, &record.keys)
        swap(&spareObservations, &record.observations)
        spareKeys.removeAll(keepingCapacity: true)
        spareObservations.removeAll(keepingCapacity: true)
    }

    /// A reason, without its line, for a row that cannot be used.
    struct RowProblem: Error {
        let text: String
        init(column: String? = nil, _ text: String) {
            self.text = (column.map { ", column '\($0)'" } ?? "") + ": " + text
        }
    }

    private mutating func observe(_ record: CSVRecordView) -> Result<ObservedRecord, RowProblem> {
        guard record.fieldEnds.count >= minimumFieldCount else {
            return .failure(RowProblem("expected at least \(minimumFieldCount) fields, found \(record.fieldCount)"))
        }
        var matchKeys: [MatchKey] = []
        swap(&matchKeys, &spareKeys)
        matchKeys.reserveCapacity(keys.count)
        for key in keys {
            if key.scheme.isPrintableText, let range = Self.plainRange(record, key.index), Self.isPrintableKey(record, range) {
                // Already the key's normal form (as `MatchKey.parse` would take it), read on its bytes.
                matchKeys.append(MatchKey(scheme: key.scheme, value: record.string(inPlain: range)))
                continue
            }
            if key.scheme == .henkilotunnus, let range = Self.plainRange(record, key.index),
                let hetu = Henkilotunnus.parseCanonical(bytes: UnsafeBufferPointer(rebasing: record.bytes[range]), text: { record.string(inPlain: range) })
            {
                // As bulk feeds write it; anything else (padded, lower case, wrong) takes the full parse below.
                matchKeys.append(MatchKey(scheme: .henkilotunnus, value: hetu.value))
                continue
            }
            let text = Self.cell(record, key.index)
            if text.isEmpty { continue }
            do {
                matchKeys.append(try MatchKey.parse(scheme: key.scheme, text))
            } catch {
                return .failure(RowProblem(column: key.name, error.description))
            }
        }
        guard !matchKeys.isEmpty else {
            return .failure(RowProblem("no identifier: " + keys.map { "'\($0.name)'" }.joined(separator: ", ") + " empty"))
        }

        var event: StatusEvent?
        if let status {
            let code = Self.cell(record, status.index)
            guard let mapped = status.codes[code] else {
                return .failure(
                    RowProblem(column: status.name, code.isEmpty ? "no status code, and the definition maps none for an empty cell" : "unknown status code '\(code.prefix(16))'"))
            }
            event = mapped
        }

        var observations: [FieldObservation] = []
        swap(&observations, &spareObservations)
        observations.reserveCapacity(columns.count + 1)
        switch event {
        case nil, .newAddress:
            if let problem = observe(record, into: &observations, where: { _ in true }) { return .failure(problem) }
        case .movedAbroad:
            if let problem = observe(record, into: &observations, where: { $0 != .domestic }) { return .failure(problem) }
            for field in StatusEvent.permanentAddressFields {
                observations.append(FieldObservation(field: field, value: nil, locator: status?.locator))
            }
        case .addressProtected:
            if let problem = observe(record, into: &observations, where: { $0 == .none }) { return .failure(problem) }
            observations.append(FieldObservation(field: "turvakielto", value: "true", locator: status?.locator))
        case .deceased:
            observations.append(FieldObservation(field: "deceased_reported", value: "true", locator: status?.locator))
        case .notFound, .noUpdate:
            break
        }

        var validFromDate: Date?
        if let validFrom, let last = lastValidFrom, let range = Self.plainRange(record, validFrom.index),
            Self.bytes(record, range, equal: last.bytes)
        {
            validFromDate = last.date
        } else if let validFrom {
            let text = Self.cell(record, validFrom.index)
            if !text.isEmpty {
                guard let date = validFrom.pattern.date(from: text) else {
                    return .failure(RowProblem(column: validFrom.name, "the validity date is not a date in the form \(validFrom.pattern)"))
                }
                validFromDate = midnight(of: date)
                if let range = Self.plainRange(record, validFrom.index) { lastValidFrom = (Array(record.bytes[range]), validFromDate!) }
            } else if !observations.isEmpty {
                return .failure(RowProblem(column: validFrom.name, "the validity date is empty"))
            }
        }

        let start = Int64(record.location.byteOffset)
        return .success(
            ObservedRecord(
                entityKind: entity, keys: matchKeys, validFrom: validFromDate, locator: Self.lineLocator(record.location.line),
                rawRange: start..<(start + Int64(record.bytes.count)), observations: observations))
    }

    /// Appends the observations of the columns whose role `includes` accepts; the first problem stops it.
    @inline(__always)
    private func observe(_ record: CSVRecordView, into observations: inout [FieldObservation], where includes: (AddressRole) -> Bool)
        -> RowProblem?
    {
        steps.withUnsafeBufferPointer { steps in
            for offset in 0..<steps.count where includes(steps[offset].role) {
                if let problem = appendValue(of: steps, offset, in: record, to: &observations) { return problem }
            }
            return nil
        }
    }

    /// The column's observation, if any, appended; a problem if its cell cannot be read.
    @inline(__always)
    private func appendValue(
        of steps: UnsafeBufferPointer<ColumnStep>, _ offset: Int, in record: CSVRecordView, to observations: inout [FieldObservation]
    ) -> RowProblem? {
        if let range = Self.plainRange(record, steps[offset].index) {
            // The usual cell: nothing to trim or unescape. Empty, a byte-matched word, or (unconverted) the
            // text itself, without reaching the mapping and its word sets for every cell.
            if range.isEmpty {
                if steps[offset].emptyRemoves {
                    observations.append(FieldObservation(field: steps[offset].field, value: nil, locator: steps[offset].locator))
                }
                return nil
            }
            if steps[offset].hasByteWords, let value = columns[steps[offset].column].byteWord(record, range) {
                observations.append(FieldObservation(field: steps[offset].field, value: value, locator: steps[offset].locator))
                return nil
            }
            if steps[offset].passesThrough {
                observations.append(
                    FieldObservation(field: steps[offset].field, value: record.string(inPlain: range), locator: steps[offset].locator))
                return nil
            }
        }
        switch value(of: columns[steps[offset].column], in: record) {
        case .success(.some(let observation)): observations.append(observation)
        case .success(.none): break
        case .failure(let problem): return problem
        }
        return nil
    }

    /// The column's observation, for a cell to trim, unescape or convert: `nil` for an empty cell the
    /// definition skips.
    @inline(never)
    private func value(of column: Column, in record: CSVRecordView) -> Result<FieldObservation?, RowProblem> {
        var text = Self.cell(record, column.index)
        let mapping = column.mapping
        if mapping.uppercase { text = text.uppercased() }
        if text.isEmpty {
            return .success(mapping.empty == .remove ? FieldObservation(field: mapping.field, value: nil, locator: column.locator) : nil)
        }
        let value: String
        switch mapping.conversion {
        case .none:
            value = text
        case .date(let pattern):
            guard let date = pattern.date(from: text) else {
                return .failure(RowProblem(column: column.name, "\(mapping.field): not a date in the form \(pattern)"))
            }
            value = date.isoString
        case .boolean(let trueWords, let falseWords):
            // The words are kept lower-cased; most files write them in one case, so the cell itself is
            // tried before paying for lower-casing it.
            if trueWords.contains(text) {
                value = "true"
            } else if falseWords.contains(text) {
                value = "false"
            } else if trueWords.contains(text.lowercased()) {
                value = "true"
            } else if falseWords.contains(text.lowercased()) {
                value = "false"
            } else {
                return .failure(
                    RowProblem(
                        column: column.name,
                        "\(mapping.field): not one of the words the definition lists (\((trueWords.sorted() + falseWords.sorted()).joined(separator: ", ")))"))
            }
        case .values(let values):
            guard let mapped = values[text] else {
                return .failure(
                    RowProblem(
                        column: column.name, "\(mapping.field): not one of the values the definition maps (\(values.keys.sorted().prefix(12).joined(separator: ", ")))"))
            }
            value = mapped
        case .reference(let scheme):
            do {
                value = scheme.rawValue + ":" + (try MatchKey.parse(scheme: scheme, text).value)
            } catch {
                return .failure(RowProblem(column: column.name, "\(mapping.field): \(error.description)"))
            }
        }
        return .success(FieldObservation(field: mapping.field, value: value, locator: column.locator))
    }

    private mutating func midnight(of date: CalendarDate) -> Date {
        if let known = midnights[date] { return known }
        // FeedTime.parse cannot fail on a valid CalendarDate's ISO form.
        let instant = FeedTime.parse(date.isoString)!
        if midnights.count > 4096 { midnights.removeAll(keepingCapacity: true) }
        midnights[date] = instant
        return instant
    }

    /// Where the cell's text lies in the record's bytes when it needs neither trimming nor unescaping
    /// (empty, or starting and ending with printable ASCII or a letter that cannot be whitespace), else `nil`.
    @inline(__always)
    static func plainRange(_ record: CSVRecordView, _ index: Int) -> Range<Int>? {
        let ends = record.fieldEnds
        let packed = ends[index]
        guard packed & 2 == 0 else { return nil }  // doubled quotes
        var start = index == 0 ? 0 : Int(ends[index - 1] >> 2) + 1
        var end = Int(packed >> 2)
        if packed & 1 != 0 {  // quoted
            start += 1
            end -= 1
        }
        guard start < end else { return start..<start }
        let firstByte = record.bytes[start], lastByte = record.bytes[end - 1]
        if firstByte > 0x20 && firstByte < 0x80 && lastByte > 0x20 && lastByte < 0x80 { return start..<end }
        // A letter such as ä or Ö at either end: no Unicode whitespace is among the characters
        // U+00C0–U+07FF (UTF-8 lead bytes C3–DF), nor among a single-byte encoding's C0–FF.
        let utf8 = record.encoding == .utf8
        let startsWithText =
            firstByte > 0x20 && firstByte < 0x80 || (utf8 ? firstByte >= 0xC3 && firstByte <= 0xDF : firstByte >= 0xC0)
        guard startsWithText else { return nil }
        let endsWithText: Bool
        if lastByte > 0x20 && lastByte < 0x80 {
            endsWithText = true
        } else if utf8 {
            endsWithText = lastByte < 0xC0 && end - start >= 2 && record.bytes[end - 2] >= 0xC3 && record.bytes[end - 2] <= 0xDF
        } else {
            endsWithText = lastByte >= 0xC0
        }
        return endsWithText ? start..<end : nil
    }

    /// 1–64 printable ASCII bytes, as a plain range (no space at either end) already ensures at its ends.
    @inline(__always)
    static func isPrintableKey(_ record: CSVRecordView, _ range: Range<Int>) -> Bool {
        guard !range.isEmpty && range.count <= 64 else { return false }
        for offset in range where record.bytes[offset] < 0x20 || record.bytes[offset] >= 0x7F { return false }
        return true
    }

    /// Whether the bytes at `range` are `other`'s.
    @inline(__always)
    static func bytes(_ record: CSVRecordView, _ range: Range<Int>, equal other: [UInt8]) -> Bool {
        guard range.count == other.count else { return false }
        return other.withUnsafeBufferPointer { other in
            for offset in 0..<other.count where record.bytes[range.lowerBound + offset] != other[offset] { return false }
            return true
        }
    }

    /// `line N` without the generic integer-to-text path of string interpolation (a row's every record).
    static func lineLocator(_ line: Int) -> String {
        guard line >= 0 && line < 10_000_000_000 else { return "line \(line)" }
        var digits = 1
        var power = 10
        while power <= line {
            digits += 1
            power *= 10
        }
        var words: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &words) { output in
            output[0] = 0x6C  // l
            output[1] = 0x69  // i
            output[2] = 0x6E  // n
            output[3] = 0x65  // e
            output[4] = 0x20
            var rest = line
            for offset in (5..<(5 + digits)).reversed() {
                output[offset] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                rest /= 10
            }
            let text = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return SmallString.make(text, count: 5 + digits, readable: 16, available: smallStrings)
                ?? String(decoding: UnsafeBufferPointer(start: text, count: 5 + digits), as: UTF8.self)
        }
    }

    /// ``SmallString/isAvailable``, read once.
    static let smallStrings = SmallString.isAvailable

    /// The cell, without surrounding whitespace (vendors pad their columns; the register's values never
    /// start or end with a space).
    static func cell(_ record: CSVRecordView, _ index: Int) -> String {
        if let range = plainRange(record, index) { return record.string(inPlain: range) }
        let text = record.string(at: index)
        guard let firstByte = text.utf8.first, let lastByte = text.utf8.last else { return text }
        if firstByte > 0x20 && firstByte < 0x80 && lastByte > 0x20 && lastByte < 0x80 { return text }
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return text }
        if !isWhitespace(first) && !isWhitespace(last) { return text }
        return text.trimmingWhitespace()
    }

    /// ASCII answered without the Unicode property tables, which cost more than the rest of a cell.
    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (scalar.value >= 0x09 && scalar.value <= 0x0D) }
        return scalar.properties.isWhitespace
    }
}

extension MatchKey.Scheme {
    /// Schemes whose normal form is the text itself, printable and trimmed (no check digits).
    var isPrintableText: Bool {
        switch self {
        case .customerNumber, .datahubParty, .datahubContract: true
        case .henkilotunnus, .yTunnus, .gsrn: false
        }
    }
}
