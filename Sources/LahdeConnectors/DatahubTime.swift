import Foundation

/// Datahub timestamps, which must be UTC.
///
/// The XSD pattern accepts any offset, but Datahub speaks UTC only (reference §10); a `+02:00` means the
/// sender computed Finnish midnight wrongly or not at all, and a validity time off by hours would pick the
/// wrong winner in survivorship, so such a message is refused rather than converted.
enum DatahubTime {
    enum Problem: Error, Equatable {
        case malformed
        case notUTC(offset: String)
    }

    /// Built once: a Calendar per timestamp was a visible share of the per-message cost.
    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
    static let finnishCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Helsinki")!
        return calendar
    }()

    /// `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)` with a zero offset.
    static func parseUTC(_ text: String) -> Result<Date, Problem> {
        var text = text
        return text.withUTF8 { parseUTC(bytes: $0) }
    }

    private static func parseUTC(bytes: UnsafeBufferPointer<UInt8>) -> Result<Date, Problem> {
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<(from + count)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A, bytes[16] == 0x3A,
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return .failure(.malformed) }
        var index = 19
        var fraction = 0.0
        if bytes[index] == 0x2E {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return .failure(.malformed) }
        }
        let zone = UnsafeBufferPointer(rebasing: bytes[index...])
        let isZero = zone.elementsEqual("Z".utf8) || zone.elementsEqual("+00:00".utf8) || zone.elementsEqual("-00:00".utf8)
        guard isZero else {
            let zone = String(decoding: zone, as: UTF8.self)
            let looksLikeOffset = zone.count == 6 && (zone.first == "+" || zone.first == "-")
            return .failure(looksLikeOffset ? .notUTC(offset: zone) : .malformed)
        }
        // Plain dates of this era by arithmetic: Foundation's calendar cost more than the rest of a message's
        // header. Anything else (other centuries, a 24:00 or a leap second) still goes through the calendar,
        // whose verdicts stay the rule.
        if (1900...2999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 59
        {
            let seconds = daysSince1970(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
            return .success(Date(timeIntervalSince1970: TimeInterval(seconds)).addingTimeInterval(fraction))
        }
        let calendar = Self.utcCalendar
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return .failure(.malformed) }
        return .success(date.addingTimeInterval(fraction))
    }

    /// `YYYY-MM-DD` of 1900–2999 that exists, checked on the bytes; `false` says only "not this plain
    /// form" (the caller then asks the calendar).
    static func isPlainDate(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return false }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let byte = bytes[index]
                    guard byte >= 0x30, byte <= 0x39 else { return nil }
                    value = value * 10 + Int(byte &- 0x30)
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return false }
            return (1900...2999).contains(year) && (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The Finnish calendar day (`yyyy-MM-dd`, Europe/Helsinki) of a contract boundary. Datahub writes day
    /// boundaries as Finnish midnight in UTC (reference §10); an end at midnight is exclusive, so with
    /// `endExclusive` the day is the one before (the last day of delivery).
    static func finnishDay(_ date: Date, endExclusive: Bool) -> String {
        let calendar = Self.finnishCalendar
        var parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        if endExclusive, parts.hour == 0, parts.minute == 0, parts.second == 0,
            let before = calendar.date(byAdding: .day, value: -1, to: date)
        {
            parts = calendar.dateComponents([.year, .month, .day], from: before)
        }
        func padded(_ value: Int?, _ width: Int) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(parts.year, 4))-\(padded(parts.month, 2))-\(padded(parts.day, 2))"
    }
}

/// Public face of the contract-day rule, for tests and tools that show contract days.
public enum DatahubContractDays {
    public static func finnishDay(_ date: Date, endExclusive: Bool) -> String {
        DatahubTime.finnishDay(date, endExclusive: endExclusive)
    }
}
