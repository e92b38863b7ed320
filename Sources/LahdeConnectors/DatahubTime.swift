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

    /// `finnishDay` for whole seconds of 2000–2099 by the EU summer-time rule Finland follows (UTC+3 from
    /// 01:00 UTC on March's last Sunday to 01:00 UTC on October's last Sunday, else UTC+2), without
    /// Foundation's calendar, which cost more than the rest of a contract message. `nil` otherwise.
    static func finnishDayByRule(_ date: Date, endExclusive: Bool) -> String? {
        let interval = date.timeIntervalSince1970
        guard interval >= 946_684_800, interval < 4_102_444_800, interval == interval.rounded(.down) else { return nil }
        let utc = Int(interval)
        let year = civil(daysSince1970: utc / 86_400).year
        func lastSunday(month: Int) -> Int {
            let last = daysSince1970(year: year, month: month, day: 31)
            // 1970-01-01 was a Thursday: (days + 4) % 7 is the weekday, Sunday 0.
            return (last - (last + 4) % 7) * 86_400 + 3600
        }
        let summer = utc >= lastSunday(month: 3) && utc < lastSunday(month: 10)
        var local = utc + (summer ? 3 : 2) * 3600
        if endExclusive && local % 86_400 == 0 { local -= 86_400 }
        let (y, m, d) = civil(daysSince1970: local / 86_400)
        var text = String(y)
        text.append(m < 10 ? "-0" : "-")
        text.append(String(m))
        text.append(d < 10 ? "-0" : "-")
        text.append(String(d))
        return text
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
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
        if let day = finnishDayByRule(date, endExclusive: endExclusive) { return day }
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
