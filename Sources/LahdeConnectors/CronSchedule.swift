import Foundation

/// A five-field cron expression — minute, hour, day of month, month, day of week — as in crontab(5):
/// `*`, numbers, ranges `a-b`, lists `a,b`, steps `*/n` and `a-b/n`, month and weekday names (`jan`,
/// `mon`), Sunday as 0 or 7. As in Vixie cron, when both day fields are restricted a day matching either
/// one is due.
///
/// Times are read in the calendar's time zone (the process's `TZ`, so a systemd unit decides it).
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    public let expression: String
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    /// 0 = Sunday … 6 = Saturday.
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    public var description: String { expression }

    public init(_ expression: String) throws(CronError) {
        let fields = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronError(expression: expression, problem: "has \(fields.count) fields; a schedule has 5: minute hour day-of-month month day-of-week")
        }
        self.expression = expression
        minutes = try Self.parse(fields[0], name: "minute", range: 0...59, names: [:], expression: expression)
        hours = try Self.parse(fields[1], name: "hour", range: 0...23, names: [:], expression: expression)
        daysOfMonth = try Self.parse(fields[2], name: "day of month", range: 1...31, names: [:], expression: expression)
        months = try Self.parse(fields[3], name: "month", range: 1...12, names: Self.monthNames, expression: expression)
        let weekdays = try Self.parse(fields[4], name: "day of week", range: 0...7, names: Self.dayNames, expression: expression)
        daysOfWeek = Set(weekdays.map { $0 % 7 })
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
    }

    /// Whether the minute `date` falls in is a scheduled one.
    public func matches(_ date: Date, calendar: Calendar) -> Bool {
        let parts = calendar.dateComponents([.month, .day, .hour, .minute, .weekday], from: date)
        guard let month = parts.month, let day = parts.day, let hour = parts.hour, let minute = parts.minute, let weekday = parts.weekday
        else { return false }
        return months.contains(month) && dayMatches(day: day, weekday: weekday - 1) && hours.contains(hour) && minutes.contains(minute)
    }

    /// The first scheduled minute strictly after `date`, or nil when none comes within eight years
    /// (`0 0 31 2 *` never does).
    public func nextTime(after date: Date, calendar: Calendar) -> Date? {
        guard var time = calendar.dateInterval(of: .minute, for: date)?.start,
            let first = calendar.date(byAdding: .minute, value: 1, to: time)
        else { return nil }
        time = first
        let limit = calendar.date(byAdding: .year, value: 8, to: date) ?? date
        while time <= limit {
            let parts = calendar.dateComponents([.month, .day, .hour, .minute, .weekday], from: time)
            guard let month = parts.month, let day = parts.day, let hour = parts.hour, let minute = parts.minute, let weekday = parts.weekday
            else { return nil }
            let next: Date?
            if !months.contains(month) {
                next = calendar.dateInterval(of: .month, for: time).map(\.end)
            } else if !dayMatches(day: day, weekday: weekday - 1) {
                next = calendar.dateInterval(of: .day, for: time).map(\.end)
            } else if !hours.contains(hour) {
                next = calendar.dateInterval(of: .hour, for: time).map(\.end)
            } else if !minutes.contains(minute) {
                next = calendar.date(byAdding: .minute, value: 1, to: time)
            } else {
                return time
            }
            guard let next, next > time else { return nil }
            time = next
        }
        return nil
    }

    private func dayMatches(day: Int, weekday: Int) -> Bool {
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): daysOfMonth.contains(day) || daysOfWeek.contains(weekday)
        case (true, false): daysOfMonth.contains(day)
        case (false, true): daysOfWeek.contains(weekday)
        case (false, false): true
        }
    }

    static let monthNames = ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12]
    static let dayNames = ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]

    private static func parse(_ field: String, name: String, range: ClosedRange<Int>, names: [String: Int], expression: String) throws(CronError) -> Set<Int> {
        func fail(_ problem: String) -> CronError { CronError(expression: expression, problem: "\(name) '\(field)': \(problem)") }
        func number(_ text: Substring) throws(CronError) -> Int {
            guard let value = Int(text) ?? names[text.lowercased()] else { throw fail("'\(text)' is not a number") }
            guard range.contains(value) else { throw fail("\(value) is outside \(range.lowerBound)-\(range.upperBound)") }
            return value
        }
        var values = Set<Int>()
        for item in field.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, let base = parts.first, !base.isEmpty else { throw fail("'\(item)' is not a value, range or step") }
            var step = 1
            if parts.count == 2 {
                guard let parsed = Int(parts[1]), parsed > 0 else { throw fail("step '\(parts[1])' must be a positive number") }
                step = parsed
            }
            let low: Int
            var high: Int
            if base == "*" {
                (low, high) = (range.lowerBound, range.upperBound)
            } else if let dash = base.firstIndex(of: "-") {
                low = try number(base[..<dash])
                high = try number(base[base.index(after: dash)...])
                guard low <= high else { throw fail("range \(base) runs backwards") }
            } else {
                low = try number(base)
                high = parts.count == 2 ? range.upperBound : low  // `5/15` means 5-max/15, as in Vixie cron
            }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return values
    }
}

/// A schedule that is not a valid five-field cron expression.
public struct CronError: Error, Sendable, CustomStringConvertible {
    public let expression: String
    public let problem: String

    public var description: String { "'\(expression)' \(problem.hasPrefix("has ") ? "" : "is not a valid schedule: ")\(problem)" }
}
