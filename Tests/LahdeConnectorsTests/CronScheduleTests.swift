import Foundation
import LahdeConnectors
import Testing

@Suite("Cron schedules")
struct CronScheduleTests {
    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    /// `2026-12-02 01:30` (UTC) as a date.
    static func at(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    func next(_ expression: String, after text: String) throws -> String? {
        let schedule = try CronSchedule(expression)
        guard let date = schedule.nextTime(after: Self.at(text), calendar: Self.utc) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    @Test("every field: values, lists, ranges, steps and *", arguments: [
        ("* * * * *", "2026-12-02 01:30", "2026-12-02 01:31"),
        ("15 2 * * *", "2026-12-02 01:30", "2026-12-02 02:15"),
        ("15 2 * * *", "2026-12-02 02:15", "2026-12-03 02:15"),
        ("0,30 * * * *", "2026-12-02 01:00", "2026-12-02 01:30"),
        ("*/15 * * * *", "2026-12-02 01:46", "2026-12-02 02:00"),
        ("10-20/5 * * * *", "2026-12-02 01:16", "2026-12-02 01:20"),
        ("5/20 * * * *", "2026-12-02 01:46", "2026-12-02 02:05"),
        ("0 3 1 * *", "2026-12-02 01:30", "2027-01-01 03:00"),
        ("0 0 29 feb *", "2026-12-02 01:30", "2028-02-29 00:00"),
        ("30 6 * * mon-fri", "2026-12-04 07:00", "2026-12-07 06:30"),  // Friday → Monday
        ("0 12 * * 7", "2026-12-02 01:30", "2026-12-06 12:00"),  // 7 is Sunday
        ("0 12 * * 0", "2026-12-02 01:30", "2026-12-06 12:00"),
        ("0 0 13 * 5", "2026-12-02 01:30", "2026-12-04 00:00"),  // day of month OR day of week
        ("0 22 * 1-3,dec *", "2026-11-30 23:00", "2026-12-01 22:00"),
    ])
    func nextTimes(expression: String, after: String, expected: String) throws {
        #expect(try next(expression, after: after) == expected)
    }

    @Test("a date that never comes has no next time")
    func never() throws {
        #expect(try next("0 0 31 2 *", after: "2026-12-02 01:30") == nil)
    }

    @Test("matches is the same minute test")
    func matches() throws {
        let schedule = try CronSchedule("*/10 1 * * *")
        #expect(schedule.matches(Self.at("2026-12-02 01:30"), calendar: Self.utc))
        #expect(schedule.matches(Self.at("2026-12-02 01:31"), calendar: Self.utc) == false)
        #expect(schedule.matches(Self.at("2026-12-02 02:30"), calendar: Self.utc) == false)
    }

    @Test("bad expressions are refused with the field at fault", arguments: [
        ("* * * *", "has 4 fields"),
        ("60 * * * *", "minute '60': 60 is outside 0-59"),
        ("* 24 * * *", "hour"),
        ("* * 0 * *", "day of month"),
        ("* * * 13 *", "month"),
        ("* * * * 8", "day of week"),
        ("*/0 * * * *", "step '0'"),
        ("5-1 * * * *", "runs backwards"),
        ("a * * * *", "'a' is not a number"),
        ("1,,2 * * * *", "minute"),
    ])
    func refused(expression: String, fragment: String) {
        do {
            _ = try CronSchedule(expression)
            Issue.record("\(expression) must be refused")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }
}
