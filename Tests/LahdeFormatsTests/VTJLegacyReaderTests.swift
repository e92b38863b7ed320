import LahdeCore
import LahdeFormats
import Testing

/// Builds legacy change lines the way the register lays them out, so that every test states its
/// content and not its column arithmetic.
enum VTJLine {
    static func pad(_ text: String, _ width: Int) -> String {
        precondition(text.unicodeScalars.count <= width)
        return text + String(repeating: " ", count: width - text.unicodeScalars.count)
    }
    static func group(_ code: Int, _ change: Int, _ body: String) -> String {
        (code < 10 ? "00" : code < 100 ? "0" : "") + "\(code)\(change)" + body
    }
    static func hetu(_ change: Int, _ code: String, active: Bool) -> String { group(1, change, code + (active ? "1" : "2")) }
    static func name(_ change: Int, last: String, first: String, date: String = "00000000") -> String {
        group(4, change, pad(last, 100) + pad(first, 100) + date + " ")
    }
    static func nameChange(_ change: Int, _ name: String, type: String, start: String, end: String = "00000000") -> String {
        group(5, change, pad(name, 100) + type + start + end + " ")
    }
    static func death(_ change: Int, _ date: String) -> String { group(13, change, date) }
    static func turvakielto(_ change: Int, ends: String) -> String { group(15, change, ends) }
    static func address(
        _ code: Int, _ change: Int, street: String, number: String = "", staircase: String = "", apartment: String = "",
        division: String = "", postalCode: String, start: String, end: String = "00000000", swedish: String = ""
    ) -> String {
        group(code, change, pad(street, 100) + pad(swedish, 100) + pad(number, 7) + pad(staircase, 1) + pad(apartment, 3)
            + pad(division, 1) + postalCode + start + end)
    }
    static func postal(_ change: Int, _ text: String, postalCode: String, start: String, end: String = "00000000") -> String {
        group(103, change, pad(text, 50) + pad("", 50) + postalCode + start + end)
    }
    static func abroad(_ code: Int, _ change: Int, street: String, town: String, country: String, start: String, end: String = "00000000")
        -> String
    {
        group(code, change, pad(street, 80) + pad(town, 80) + country + start + end)
    }
    static func municipality(_ change: Int, _ code: String, movedIn: String) -> String { group(204, change, code + movedIn) }
    static func email(_ change: Int, _ address: String, start: String, end: String = "00000000") -> String {
        group(421, change, "01" + pad(address, 255) + start + end)
    }
    static func line(registered: String = "20260220", flag: String = "0", count: Int? = nil, _ groups: [String]) -> String {
        line("130381-983D", registered: registered, flag: flag, count: count, groups)
    }
    static func line(
        _ hetu: String, event: String = "XCM", registered: String = "20260220", flag: String = "0", role: String = "1",
        count: Int? = nil, _ groups: [String]
    ) -> String {
        let n = count ?? groups.count
        return hetu + event + registered + flag + role + (n < 10 ? "0" : "") + "\(n)" + "|" + groups.map { $0 + "|" }.joined()
    }
    /// ISO-8859-1 bytes of lines joined with CRLF.
    static func latin1(_ lines: [String], lineEnd: String = "\r\n") -> [UInt8] {
        (lines.joined(separator: lineEnd) + lineEnd).unicodeScalars.map { scalar in
            precondition(scalar.value < 256)
            return UInt8(scalar.value)
        }
    }
}

func readVTJ(_ bytes: [UInt8], encoding: TextEncoding = .iso8859_1, maxReadSize: Int = .max, maximumLineBytes: Int = 64 * 1024) throws
    -> [VTJLegacyItem]
{
    var reader = VTJLegacyReader(
        source: MemoryByteSource(bytes, maxReadSize: maxReadSize), encoding: encoding, chunkSize: 4096, maximumLineBytes: maximumLineBytes)
    var items: [VTJLegacyItem] = []
    while let item = try reader.next() { items.append(item) }
    return items
}

func vtjRecords(_ items: [VTJLegacyItem]) -> [VTJLegacyRecord] {
    items.compactMap { if case .record(let record) = $0 { record } else { nil } }
}

func vtjErrors(_ items: [VTJLegacyItem]) -> [VTJLegacyRecordError] {
    items.compactMap { if case .error(let error) = $0 { error } else { nil } }
}

func onlyVTJRecord(_ line: String) throws -> VTJLegacyRecord {
    let items = try readVTJ(VTJLine.latin1([line]))
    #expect(items.count == 1)
    return try #require(vtjRecords(items).first, "expected a record, got \(vtjErrors(items).map(\.description))")
}

func onlyVTJError(_ lines: [String]) throws -> VTJLegacyRecordError {
    let items = try readVTJ(VTJLine.latin1(lines))
    return try #require(vtjErrors(items).first)
}

@Suite("VTJ legacy change file: identification part and data groups")
struct VTJLegacyGroupTests {
    @Test("the identification part: henkilötunnus, event, registration date, flags")
    func identification() throws {
        let record = try onlyVTJRecord(VTJLine.line("131052-308T", event: "XRK", registered: "20170222", flag: "0", role: "1", [VTJLine.death(1, "20170206")]))
        #expect(record.henkilotunnus == "131052-308T")
        #expect(record.event == "XRK")
        #expect(record.registered == .day(CalendarDate(year: 2017, month: 2, day: 22)!))
        #expect(record.newPersonFlag == UInt8(ascii: "0"))
        #expect(record.role == UInt8(ascii: "1"))
        #expect(record.line == 1)
    }

    @Test("the register's own textbook line reads as one death group")
    func textbookLine() throws {
        let items = try readVTJ(VTJLine.latin1(["131052-308TXRK201702220101|013120170206|"]))
        #expect(vtjErrors(items).map(\.description) == [])
        let record = try #require(vtjRecords(items).first)
        let group = try #require(record.groups.first)
        #expect(record.groups.count == 1)
        #expect(group.code == 13)
        #expect(group.change == .added)
        #expect(record.date(group, at: 4) == .day(CalendarDate(year: 2017, month: 2, day: 6)!))
    }

    @Test("001 henkilötunnus correction: the code and its active flag")
    func hetuCorrection() throws {
        let record = try onlyVTJRecord(VTJLine.line("071047-963S", [VTJLine.hetu(3, "071047-963S", active: false), VTJLine.hetu(1, "071047-965U", active: true)]))
        #expect(record.groups.map(\.code) == [1, 1])
        #expect(record.text(record.groups[0], at: 4, length: 11) == "071047-963S")
        #expect(record.byte(record.groups[0], at: 15) == UInt8(ascii: "2"))
        #expect(record.text(record.groups[1], at: 4, length: 11) == "071047-965U")
        #expect(record.byte(record.groups[1], at: 15) == UInt8(ascii: "1"))
    }

    @Test("004 name: surname, first names and date, padding removed")
    func name() throws {
        let record = try onlyVTJRecord(VTJLine.line([VTJLine.name(3, last: "Lindqvist", first: "Ulla Maria", date: "20260209")]))
        let group = try #require(record.groups.first)
        #expect(record.text(group, at: 4, length: 100) == "Lindqvist")
        #expect(record.text(group, at: 104, length: 100) == "Ulla Maria")
        #expect(record.date(group, at: 204) == .day(CalendarDate(year: 2026, month: 2, day: 9)!))
    }

    @Test("005 name change: name, name type, start and end")
    func nameChange() throws {
        let record = try onlyVTJRecord(VTJLine.line([VTJLine.nameChange(1, "Korhonen", type: "05", start: "19470101", end: "20260208")]))
        let group = try #require(record.groups.first)
        #expect(record.text(group, at: 4, length: 100) == "Korhonen")
        #expect(record.text(group, at: 104, length: 2) == "05")
        #expect(record.date(group, at: 106) == .day(CalendarDate(year: 1947, month: 1, day: 1)!))
        #expect(record.date(group, at: 114) == .day(CalendarDate(year: 2026, month: 2, day: 8)!))
    }

    @Test("013 death and 015 turvakielto: dates, 99990000 until further notice")
    func deathAndTurvakielto() throws {
        let record = try onlyVTJRecord(VTJLine.line([VTJLine.death(1, "20260205"), VTJLine.turvakielto(1, ends: "99990000")]))
        #expect(record.groups.map(\.code) == [13, 15])
        #expect(record.date(record.groups[0], at: 4)?.calendarDate == CalendarDate(year: 2026, month: 2, day: 5))
        #expect(record.date(record.groups[1], at: 4)?.isUntilFurtherNotice == true)
    }

    @Test("101 and 102 domestic addresses: street, number, staircase, apartment, division, postal code, dates", arguments: [101, 102])
    func domesticAddress(code: Int) throws {
        let record = try onlyVTJRecord(VTJLine.line([
            VTJLine.address(code, 1, street: "Mannerheimintie", number: "12", staircase: "B", apartment: "007", division: "a",
                postalCode: "00250", start: "20260215", end: "20261231", swedish: "Mannerheimvägen")
        ]))
        let group = try #require(record.groups.first)
        #expect(group.code == UInt16(code))
        #expect(record.text(group, at: 4, length: 100) == "Mannerheimintie")
        #expect(record.text(group, at: 104, length: 100) == "Mannerheimvägen")
        #expect(record.text(group, at: 204, length: 7) == "12")
        #expect(record.text(group, at: 211, length: 1) == "B")
        #expect(record.text(group, at: 212, length: 3) == "007")
        #expect(record.text(group, at: 215, length: 1) == "a")
        #expect(record.text(group, at: 216, length: 5) == "00250")
        #expect(record.date(group, at: 221)?.calendarDate == CalendarDate(year: 2026, month: 2, day: 15))
        #expect(record.date(group, at: 229)?.calendarDate == CalendarDate(year: 2026, month: 12, day: 31))
    }

    @Test("103 postal address")
    func postalAddress() throws {
        let record = try onlyVTJRecord(VTJLine.line([VTJLine.postal(1, "PL 123", postalCode: "00101", start: "20260212")]))
        let group = try #require(record.groups.first)
        #expect(record.text(group, at: 4, length: 50) == "PL 123")
        #expect(record.text(group, at: 104, length: 5) == "00101")
        #expect(record.date(group, at: 109)?.calendarDate == CalendarDate(year: 2026, month: 2, day: 12))
        #expect(record.date(group, at: 117) == .undefined)
    }

    @Test("104 and 105 addresses abroad: street, locality, country code", arguments: [104, 105])
    func abroad(code: Int) throws {
        let record = try onlyVTJRecord(VTJLine.line([VTJLine.abroad(code, 1, street: "Storgatan 5", town: "Stockholm", country: "752", start: "20260218")]))
        let group = try #require(record.groups.first)
        #expect(record.text(group, at: 4, length: 80) == "Storgatan 5")
        #expect(record.text(group, at: 84, length: 80) == "Stockholm")
        #expect(record.text(group, at: 164, length: 3) == "752")
        #expect(record.date(group, at: 167)?.calendarDate == CalendarDate(year: 2026, month: 2, day: 18))
    }

    @Test("204 home municipality and 421 e-mail")
    func municipalityAndEmail() throws {
        let record = try onlyVTJRecord(VTJLine.line([VTJLine.municipality(3, "091", movedIn: "20260215"), VTJLine.email(1, "leevi@example.fi", start: "20260215")]))
        #expect(record.text(record.groups[0], at: 4, length: 3) == "091")
        #expect(record.date(record.groups[0], at: 7)?.calendarDate == CalendarDate(year: 2026, month: 2, day: 15))
        #expect(record.text(record.groups[1], at: 4, length: 2) == "01")
        #expect(record.text(record.groups[1], at: 6, length: 255) == "leevi@example.fi")
    }

    @Test("groups the register defines but Lähde does not interpret are passed through")
    func passedThrough() throws {
        let record = try onlyVTJRecord(VTJLine.line([VTJLine.group(7, 0, "246120000101"), VTJLine.group(452, 0, "Some free text")]))
        #expect(record.groups.map(\.code) == [7, 452])
        #expect(record.groups.map(\.change) == [.additionalInformation, .additionalInformation])
    }

    @Test(
        "every change type digit",
        arguments: [
            (0, VTJChangeType.additionalInformation), (1, .added), (3, .changed), (4, .removed), (5, .beingCorrected), (6, .corrected),
        ])
    func changeTypes(digit: Int, expected: VTJChangeType) throws {
        let record = try onlyVTJRecord(VTJLine.line([VTJLine.death(digit, "20260205")]))
        #expect(record.groups.first?.change == expected)
    }

    @Test("change type 2 does not exist: the record is refused with its line", arguments: [2, 7, 9])
    func unknownChangeType(digit: Int) throws {
        let error = try onlyVTJError([VTJLine.line([VTJLine.death(digit, "20260205")])])
        #expect(error.reason == .unknownChangeType(line: 1, code: "013", byte: UInt8(48 + digit)))
        #expect(error.description.contains("unknown change type"))
    }

    @Test("the change API's names map to the same change types")
    func apiNames() {
        #expect(VTJChangeType(apiName: "LISATTY") == .added)
        #expect(VTJChangeType(apiName: "MUUTETTU") == .changed)
        #expect(VTJChangeType(apiName: "POISTETTU") == .removed)
        #expect(VTJChangeType(apiName: "KORJATTAVA") == .beingCorrected)
        #expect(VTJChangeType(apiName: "KORJATTU") == .corrected)
        #expect(VTJChangeType(apiName: "LISATIETO") == .additionalInformation)
        #expect(VTJChangeType(apiName: "MUUTOS") == nil)
    }
}

@Suite("VTJ dates: undefined, partial, impossible")
struct VTJDateTests {
    @Test("00000000 is undefined, not a day")
    func undefined() {
        #expect(VTJDate.parse("00000000") == .undefined)
        #expect(VTJDate.parse("00000000")?.calendarDate == nil)
    }

    @Test("partial dates keep what is known and are not padded to a day")
    func partial() {
        #expect(VTJDate.parse("19810100") == .month(year: 1981, month: 1))
        #expect(VTJDate.parse("19810000") == .year(1981))
        #expect(VTJDate.parse("19810100")?.calendarDate == nil)
        #expect(VTJDate.parse("99990000")?.isUntilFurtherNotice == true)
        #expect(VTJDate.parse("20260000")?.isUntilFurtherNotice == false)
    }

    @Test("real days, leap years included")
    func days() {
        #expect(VTJDate.parse("20240229") == .day(CalendarDate(year: 2024, month: 2, day: 29)!))
        #expect(VTJDate.parse("20261231")?.calendarDate?.isoString == "2026-12-31")
    }

    @Test("impossible dates are refused", arguments: ["20230229", "20260231", "20261301", "20260032", "20260001", "2026O101", "0000 101", "00001231"])
    func impossible(text: String) {
        #expect(VTJDate.parse(text) == nil)
    }

    @Test("an impossible date in a group quarantines that record with line and offset; the next record loads")
    func impossibleInGroup() throws {
        let items = try readVTJ(VTJLine.latin1([
            VTJLine.line([VTJLine.death(1, "20260231")]),
            VTJLine.line([VTJLine.address(101, 1, street: "Rantatie", number: "6", postalCode: "90100", start: "20261399")]),
            VTJLine.line([VTJLine.death(1, "20260228")]),
        ]))
        let problems = vtjErrors(items)
        #expect(problems.map(\.reason) == [.impossibleDate(line: 1, code: "013", offset: 4), .impossibleDate(line: 2, code: "101", offset: 221)])
        #expect(vtjRecords(items).map(\.line) == [3])
    }

    @Test("an impossible registration date quarantines the record")
    func impossibleRegistration() throws {
        let error = try onlyVTJError([VTJLine.line(registered: "20260230", [VTJLine.death(1, "20260205")])])
        #expect(error.reason == .impossibleRegistrationDate(line: 1))
    }
}
