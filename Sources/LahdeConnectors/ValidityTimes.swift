import Foundation

/// The validity times of one file, parsed once each: a feed's records mostly share a few dates, and
/// parsing a date through the calendar costs more than reading the rest of its line.
struct ValidityTimes {
    private var last: (text: String, date: Date?)?

    mutating func parse(_ text: String) -> Date? {
        if let last, last.text == text { return last.date }
        let date = FeedTime.parse(text)
        last = (text, date)
        return date
    }
}
