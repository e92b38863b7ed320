import Foundation

/// Validity times as feeds write them.
///
/// A bare date in a Finnish feed means the start of that day in Finland, not in UTC: 1.3. begins at
/// 22:00 or 23:00 UTC on the day before, depending on summer time.
public enum FeedTime {
    static let helsinki = TimeZone(identifier: "Europe/Helsinki")!
    /// Built once: making a calendar per date was most of a date's cost.
    static let helsinkiCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = helsinki
        return calendar
    }()

    public static func parse(_ text: String) -> Date? {
        if text.count == 10 {
            let parts = text.split(separator: "-")
            guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
            let calendar = helsinkiCalendar
            let components = DateComponents(year: year, month: month, day: day)
            guard components.isValidDate(in: calendar) else { return nil }
            return calendar.date(from: components)
        }
        return try? Date(text, strategy: .iso8601)
    }
}
