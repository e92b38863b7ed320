import LahdeCore

/// A date as the population register writes it (`yyyymmdd`), which is not always a calendar day.
///
/// `00000000` means "not set" (an address without an end date), legacy records keep partial dates such
/// as `19810100` and `19810000`, and `99990000` marks a turvakielto valid until further notice. These are
/// kept apart rather than padded to the first day, as some readers do, because a fabricated day would be
/// recorded as the register's word in the provenance.
public enum VTJDate: Sendable, Hashable, CustomStringConvertible {
    case undefined
    case day(CalendarDate)
    /// Year and month known, day `00`.
    case month(year: Int, month: Int)
    /// Only the year known (`yyyy0000`); `9999` means until further notice.
    case year(Int)

    /// Parses the 8 bytes at `start`; `nil` for anything that is not one of the shapes above
    /// (non-digits, month 13, 30 February, a day without a month).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> VTJDate? {
        guard start >= 0, start + 8 <= bytes.count else { return nil }
        var digits = 0
        for index in start..<(start + 8) {
            let byte = bytes[index]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            digits = digits * 10 + Int(byte - 0x30)
        }
        let year = digits / 10000
        let month = digits / 100 % 100
        let day = digits % 100
        if digits == 0 { return .undefined }
        guard year > 0, month <= 12 else { return nil }
        if month == 0 { return day == 0 ? .year(year) : nil }
        if day == 0 { return .month(year: year, month: month) }
        return CalendarDate(year: year, month: month, day: day).map { .day($0) }
    }

    /// Parses `yyyymmdd` text (tests, hand-written inputs).
    public static func parse(_ text: String) -> VTJDate? {
        let bytes = Array(text.utf8)
        guard bytes.count == 8 else { return nil }
        return bytes.withUnsafeBufferPointer { parse($0, at: 0) }
    }

    /// The calendar day, when the date is one.
    public var calendarDate: CalendarDate? {
        if case .day(let date) = self { return date }
        return nil
    }

    /// `99990000`: the register's "until further notice".
    public var isUntilFurtherNotice: Bool { self == .year(9999) }

    public var description: String {
        switch self {
        case .undefined: "undefined"
        case .day(let date): date.isoString
        case .month(let year, let month): "\(year)-\(month < 10 ? "0" : "")\(month)"
        case .year(let year): "\(year)"
        }
    }
}
