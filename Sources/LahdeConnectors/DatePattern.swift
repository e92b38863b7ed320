import LahdeCore

/// A vendor's way of writing a calendar date (`dd.MM.yyyy`, `yyyyMMdd`, `d.M.yyyy`), turned into the
/// register's `yyyy-mm-dd`.
///
/// Only day, month and four-digit year: a two-digit year in a register of birth and death dates has no
/// safe century, and a time of day has no place in a date column. Hand-written rather than
/// `DateFormatter`, which is lenient (it accepts `31.02.2026` as 3 March) and far too slow for a feed of
/// millions of rows.
public struct DatePattern: Sendable, Hashable, CustomStringConvertible {
    enum Token: Sendable, Hashable {
        case year
        /// Two digits exactly (`MM`, `dd`), or one or two (`M`, `d`).
        case month(fixedWidth: Bool)
        case day(fixedWidth: Bool)
        case literal(UInt8)
    }

    let tokens: [Token]
    public let description: String

    /// - Throws: why the pattern is unusable, phrased for the definition's author.
    public init(_ pattern: String) throws(DatePatternError) {
        var tokens: [Token] = []
        let bytes = Array(pattern.utf8)
        var index = 0
        func run(of letter: UInt8) -> Int {
            var end = index
            while end < bytes.count && bytes[end] == letter { end += 1 }
            return end - index
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "y"):
                guard run(of: byte) == 4 else { throw DatePatternError("the year must be written yyyy (four digits)") }
                tokens.append(.year)
                index += 4
            case UInt8(ascii: "M"), UInt8(ascii: "d"):
                let length = run(of: byte)
                guard length <= 2 else { throw DatePatternError("'\(String(repeating: Character(Unicode.Scalar(byte)), count: length))' is not a day or month; use d, dd, M or MM") }
                tokens.append(byte == UInt8(ascii: "M") ? .month(fixedWidth: length == 2) : .day(fixedWidth: length == 2))
                index += length
            case _ where byte >= 0x80 || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")):
                throw DatePatternError("only yyyy, MM, M, dd, d and punctuation may appear (found '\(Character(Unicode.Scalar(byte)))')")
            default:
                tokens.append(.literal(byte))
                index += 1
            }
        }
        for (name, count) in [
            ("year (yyyy)", tokens.filter { $0 == .year }.count),
            ("month (MM or M)", tokens.filter { if case .month = $0 { true } else { false } }.count),
            ("day (dd or d)", tokens.filter { if case .day = $0 { true } else { false } }.count),
        ] where count != 1 {
            throw DatePatternError("the pattern must contain the \(name) exactly once")
        }
        // `dMyyyy` cannot be read: where would a one-or-two-digit day end?
        for (position, token) in tokens.enumerated() {
            switch token {
            case .month(false), .day(false):
                if position + 1 < tokens.count, case .literal = tokens[position + 1] { continue }
                if position + 1 == tokens.count { continue }
                throw DatePatternError("a one-or-two-digit d or M must be followed by punctuation")
            default: continue
            }
        }
        self.tokens = tokens
        self.description = pattern
    }

    /// The date, or `nil` when `text` is not written in this pattern or names no real day.
    public func date(from text: String) -> CalendarDate? {
        var year = 0
        var month = 0
        var day = 0
        var utf8 = text.utf8[...]
        func digits(_ minimum: Int, _ maximum: Int) -> Int? {
            var value = 0
            var count = 0
            while count < maximum, let byte = utf8.first, byte >= 0x30 && byte <= 0x39 {
                value = value * 10 + Int(byte - 0x30)
                count += 1
                utf8 = utf8.dropFirst()
            }
            return count >= minimum ? value : nil
        }
        for token in tokens {
            switch token {
            case .year: guard let value = digits(4, 4) else { return nil }; year = value
            case .month(let fixed): guard let value = digits(fixed ? 2 : 1, 2) else { return nil }; month = value
            case .day(let fixed): guard let value = digits(fixed ? 2 : 1, 2) else { return nil }; day = value
            case .literal(let byte): guard utf8.first == byte else { return nil }; utf8 = utf8.dropFirst()
            }
        }
        guard utf8.isEmpty else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }
}

/// Why a date pattern in a definition cannot be used.
public struct DatePatternError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
