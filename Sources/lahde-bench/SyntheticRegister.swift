import Foundation
import LahdeCore

/// A deterministic synthetic customer base: the same `count` and `seed` always give the same bytes.
///
/// Every person has a valid henkilötunnus in the 900–999 range (never a real person's), a customer
/// number, names, an address and contacts. The update feed changes exactly three fields of each person.
struct SyntheticRegister {
    let count: Int
    let seed: UInt64

    private static let firstNames = ["Aino", "Eino", "Helmi", "Väinö", "Sofia", "Onni", "Aada", "Leevi", "Eevi", "Elias", "Linnea", "Ilona"]
    private static let lastNames = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen", "Järvinen"]
    private static let streets = ["Kauppakatu", "Hämeenkatu", "Rantatie", "Koulukatu", "Puistotie", "Asemakatu", "Myllytie", "Kirkkokatu"]
    private static let cities = [("00100", "Helsinki"), ("33100", "Tampere"), ("20100", "Turku"), ("90100", "Oulu"), ("40100", "Jyväskylä")]
    private static let checkCharacters = Array("0123456789ABCDEFHJKLMNPRSTUVWXY")

    struct Person {
        let customerNumber: String
        let henkilotunnus: String
        let firstNames: String
        let lastName: String
        let street: String
        let postalCode: String
        let city: String
        let email: String
        let phone: String
    }

    /// Person `index`; unique henkilötunnus: day `index / 100` from 1940-01-01, individual number 900 + index % 100.
    func person(_ index: Int, generation: Int = 0) -> Person {
        var random = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9 &+ UInt64(generation) &* 0xBF58_476D)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let base = calendar.date(from: DateComponents(year: 1940, month: 1, day: 1))!
        let birth = calendar.date(byAdding: .day, value: index / 100, to: base)!
        let parts = calendar.dateComponents([.year, .month, .day], from: birth)
        let year = parts.year!, month = parts.month!, day = parts.day!
        let digits = String(format: "%02d%02d%02d%03d", day, month, year % 100, 900 + index % 100)
        let check = Self.checkCharacters[Int(digits)! % 31]
        let hetu = String(digits.prefix(6)) + (year >= 2000 ? "A" : "-") + String(digits.suffix(3)) + String(check)
        let (postalCode, city) = Self.cities[Int(random.next() % UInt64(Self.cities.count))]
        return Person(
            customerNumber: String(1_000_000 + index),
            henkilotunnus: hetu,
            firstNames: Self.firstNames[Int(random.next() % UInt64(Self.firstNames.count))],
            lastName: Self.lastNames[Int(random.next() % UInt64(Self.lastNames.count))] + (generation > 0 ? "-\(generation)" : ""),
            street: "\(Self.streets[Int(random.next() % UInt64(Self.streets.count))]) \(random.next() % 120 + 1)",
            postalCode: postalCode,
            city: city,
            email: "asiakas\(index)\(generation > 0 ? ".g\(generation)" : "")@example.fi",
            phone: "+35840\(1_000_000 + Int(random.next() % 8_999_999))")
    }

    /// The full export as observation lines (what the customer system would send).
    func writeInitial(to path: String, range: Range<Int>? = nil) throws {
        try write(to: path, range: range ?? 0..<count) { index in
            let p = person(index)
            return #"{"entity":"party","keys":{"customer_number":"\#(p.customerNumber)","henkilotunnus":"\#(p.henkilotunnus)"},"valid_from":"2026-01-01","fields":{"party_type":"person","first_names":"\#(p.firstNames)","last_name":"\#(p.lastName)","address.permanent.street":"\#(p.street)","address.permanent.postal_code":"\#(p.postalCode)","address.permanent.city":"\#(p.city)","email":"\#(p.email)","phone":"\#(p.phone)"}}"#
        }
    }

    /// An update in which every person's last name, e-mail and street change (three fields each).
    func writeUpdate(to path: String, generation: Int, range: Range<Int>? = nil) throws {
        try write(to: path, range: range ?? 0..<count) { index in
            let p = person(index, generation: generation)
            return #"{"entity":"party","keys":{"customer_number":"\#(p.customerNumber)"},"valid_from":"2026-0\#(1 + generation)-15","fields":{"last_name":"\#(p.lastName)","address.permanent.street":"\#(p.street)","email":"\#(p.email)"}}"#
        }
    }

    /// A customer-system export (`connectors/customer-system.json` layout) of about `approximateBytes`,
    /// for the parser benchmark. Returns the number of rows.
    func writeCustomerExport(to path: String, approximateBytes: Int) throws -> Int {
        let header = "Asiakasnumero;Asiakastyyppi;Henkilötunnus;Y-tunnus;Etunimet;Sukunimi;Yrityksen nimi;Asiointikieli;Katuosoite;"
            + "Postinumero;Postitoimipaikka;Laskutusosoite;Laskutuksen postinumero;Laskutuksen postitoimipaikka;Puhelin;Sähköposti;"
            + "Suoramarkkinointilupa;Suoramarkkinointikielto;Puhelinmarkkinointikielto;Muutettu"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var buffer = header + "\r\n"
        var written = 0
        var rows = 0
        while written + buffer.utf8.count < approximateBytes {
            let p = person(rows)
            // Every twelfth street is quoted with a delimiter inside, as real exports have.
            let street = rows % 12 == 0 ? "\"\(p.street); porras B\"" : p.street
            buffer += [p.customerNumber, "H", p.henkilotunnus, "", p.firstNames, p.lastName, "", "FI", street, p.postalCode, p.city,
                "", "", "", p.phone, p.email, rows % 3 == 0 ? "E" : "K", "", "", "12.11.2025"].joined(separator: ";") + "\r\n"
            rows += 1
            if buffer.utf8.count > 1 << 20 {
                written += buffer.utf8.count
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
        return rows
    }

    /// The same persons as CSV, for the `psql \copy` baseline.
    func writeBaselineCSV(to path: String) throws {
        try write(to: path, range: 0..<count) { index in
            let p = person(index)
            return [p.customerNumber, p.henkilotunnus, p.firstNames, p.lastName, p.street, p.postalCode, p.city, p.email, p.phone].joined(separator: ",")
        }
    }

    private func write(to path: String, range: Range<Int>, line: (Int) -> String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        for index in range {
            buffer += line(index)
            buffer += "\n"
            if buffer.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64), so runs are reproducible.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
