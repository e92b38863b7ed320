import Foundation
import LahdeCore
import Testing

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test(
        "leap years follow the Gregorian rule",
        arguments: [
            (1800, false), (1900, false), (1996, true), (2000, true), (2023, false), (2024, true), (2100, false),
        ])
    func leapYear(_ year: Int, expected: Bool) {
        #expect(CalendarDate.isLeapYear(year) == expected)
        #expect((CalendarDate(year: year, month: 2, day: 29) != nil) == expected)
    }

    @Test(
        "impossible dates are nil",
        arguments: [
            (2024, 2, 30), (2023, 4, 31), (2023, 13, 1), (2023, 0, 1), (2023, 1, 0), (2023, 1, 32), (0, 1, 1),
            (10000, 1, 1),
        ]
    )
    func impossible(_ year: Int, _ month: Int, _ day: Int) {
        #expect(CalendarDate(year: year, month: month, day: day) == nil)
    }

    @Test("ISO string is zero-padded yyyy-MM-dd")
    func isoString() throws {
        #expect(try #require(CalendarDate(year: 1994, month: 5, day: 1)).isoString == "1994-05-01")
        #expect(try #require(CalendarDate(year: 5, month: 12, day: 31)).isoString == "0005-12-31")
        #expect(try #require(CalendarDate(year: 2000, month: 2, day: 29)).description == "2000-02-29")
    }

    @Test("ISO strings parse back", arguments: ["1994-05-01", "2000-02-29", "0005-12-31"])
    func isoRoundTrip(_ text: String) throws {
        #expect(try #require(CalendarDate(isoString: text)).isoString == text)
    }

    @Test(
        "malformed ISO strings are nil",
        arguments: ["1994-5-01", "1994/05/01", "19940501", "2023-02-29", "1994-05-01T00:00", "abcd-ef-gh"])
    func isoMalformed(_ text: String) {
        #expect(CalendarDate(isoString: text) == nil)
    }

    @Test("ordering is chronological")
    func ordering() throws {
        let dates = try [(2000, 1, 1), (1999, 12, 31), (2000, 1, 2), (1885, 5, 15), (2000, 2, 1)].map {
            try #require(CalendarDate(year: $0.0, month: $0.1, day: $0.2))
        }
        #expect(
            dates.sorted().map(\.isoString) == ["1885-05-15", "1999-12-31", "2000-01-01", "2000-01-02", "2000-02-01"])
    }

    @Test("Codable uses the ISO string")
    func codable() throws {
        let date = try #require(CalendarDate(year: 1994, month: 5, day: 1))
        let data = try JSONEncoder().encode(date)
        #expect(String(decoding: data, as: UTF8.self) == #""1994-05-01""#)
        #expect(try JSONDecoder().decode(CalendarDate.self, from: data) == date)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(CalendarDate.self, from: Data(#""1994-02-30""#.utf8))
        }
    }
}
