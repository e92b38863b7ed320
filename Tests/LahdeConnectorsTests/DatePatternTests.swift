import LahdeConnectors
import LahdeCore
import Testing

@Suite("Vendor date patterns")
struct DatePatternTests {
    @Test("dd.MM.yyyy, yyyyMMdd, d.M.yyyy and yyyy-MM-dd read real dates")
    func readsDates() throws {
        #expect(try DatePattern("dd.MM.yyyy").date(from: "05.01.2026")?.isoString == "2026-01-05")
        #expect(try DatePattern("yyyyMMdd").date(from: "20260229") == nil)
        #expect(try DatePattern("yyyyMMdd").date(from: "20240229")?.isoString == "2024-02-29")
        #expect(try DatePattern("d.M.yyyy").date(from: "5.1.2026")?.isoString == "2026-01-05")
        #expect(try DatePattern("d.M.yyyy").date(from: "15.11.2026")?.isoString == "2026-11-15")
        #expect(try DatePattern("yyyy-MM-dd").date(from: "2026-03-31")?.isoString == "2026-03-31")
    }

    @Test("anything else is refused, never guessed: wrong separators, short fields, impossible days, trailing text")
    func refusesOtherText() throws {
        let pattern = try DatePattern("dd.MM.yyyy")
        for text in ["5.1.2026", "05-01-2026", "05.01.26", "31.02.2026", "00.01.2026", "05.13.2026", "05.01.2026x", "", "2026-01-05"] {
            #expect(pattern.date(from: text) == nil, "\(text)")
        }
    }

    @Test("patterns without a four-digit year, or with ambiguous or unknown letters, are refused")
    func refusesPatterns() {
        for pattern in ["dd.MM.yy", "dd.MM", "ddMMyyyy HH", "dMyyyy", "dd.MMM.yyyy", "dd.MM.yyyy.dd", "pp.kk.vvvv"] {
            #expect(throws: DatePatternError.self, "\(pattern)") { try DatePattern(pattern) }
        }
    }
}
