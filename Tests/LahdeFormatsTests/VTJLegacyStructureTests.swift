import Foundation
import LahdeCore
import LahdeFormats
import Testing

@Suite("VTJ legacy change file: lines, continuations, bad input, encoding, streaming")
struct VTJLegacyStructureTests {
    static let good = VTJLine.line("041047-928P", [VTJLine.name(3, last: "Lindqvist", first: "Ulla", date: "20260209")])

    @Test("envelope lines are skipped; CRLF and bare LF both end lines; the last line may lack one")
    func envelopesAndLineEnds() throws {
        let lines = ["'''ED2'''VRK:DVV:OVT'TIETO:LAHDE:OVT'202603010600'1'STX:INHOUSE'TYP:MUTPMT'NRQ:1'''", Self.good, Self.good, "'''EOF'''2'"]
        for lineEnd in ["\r\n", "\n"] {
            let items = try readVTJ(VTJLine.latin1(lines, lineEnd: lineEnd))
            #expect(vtjErrors(items).isEmpty)
            #expect(vtjRecords(items).map(\.line) == [2, 3])
        }
        var noFinalNewline = VTJLine.latin1([Self.good, Self.good])
        noFinalNewline.removeLast(2)
        let items = try readVTJ(noFinalNewline)
        #expect(vtjRecords(items).count == 2)
        #expect(vtjRecords(items).last?.raw.last == UInt8(ascii: "|"))
    }

    @Test("a continuation line joins the record before it: groups of both, both lines' bytes, its byte range")
    func continuation() throws {
        let first = VTJLine.line("080586-9235", [VTJLine.name(3, last: "Mäkinen", first: "Leevi", date: "20260215")])
        let second = VTJLine.line("080586-9235", flag: "J", [VTJLine.email(1, "leevi@example.fi", start: "20260215"), VTJLine.municipality(3, "091", movedIn: "20260215")])
        let bytes = VTJLine.latin1([Self.good, first, second, Self.good])
        let items = try readVTJ(bytes)
        let all = vtjRecords(items)
        #expect(vtjErrors(items).isEmpty)
        #expect(all.map(\.line) == [1, 2, 4])
        let joined = all[1]
        #expect(joined.lineCount == 2)
        #expect(joined.groups.map(\.code) == [4, 421, 204])
        #expect(joined.groups.map(\.line) == [2, 3, 3])
        #expect(joined.text(joined.groups[1], at: 6, length: 255) == "leevi@example.fi")
        #expect(joined.raw == Array(bytes[Int(joined.byteRange.lowerBound)..<Int(joined.byteRange.upperBound)]))
        #expect(joined.byteRange.count == first.count + second.count + 4)
    }

    @Test("a continuation with nothing before it, or of another person, is refused")
    func badContinuation() throws {
        let orphan = VTJLine.line(flag: "J", [VTJLine.death(1, "20260205")])
        #expect(try onlyVTJError([orphan]).reason == .continuationWithoutRecord)
        let other = VTJLine.line("041047-928P", flag: "J", [VTJLine.death(1, "20260205")])
        let items = try readVTJ(VTJLine.latin1([VTJLine.line("130381-983D", [VTJLine.death(1, "20260205")]), other, Self.good]))
        #expect(vtjErrors(items).map(\.reason) == [.continuationOfOtherPerson(line: 2)])
        #expect(vtjErrors(items).first?.line == 1)
        #expect(vtjRecords(items).map(\.line) == [3])
    }

    @Test("a line shorter than the identification part is truncated")
    func truncatedIdentification() throws {
        let items = try readVTJ(VTJLine.latin1(["130381-983DXCM2026", Self.good]))
        #expect(vtjErrors(items).map(\.reason) == [.truncatedIdentification(length: 18)])
        #expect(vtjRecords(items).count == 1)
    }

    @Test("a line cut inside a data group is truncated; the record's exact bytes are kept")
    func truncatedGroup() throws {
        let cut = String(VTJLine.line([VTJLine.name(3, last: "Nieminen", first: "Åsa", date: "20260219")]).prefix(120))
        let bytes = VTJLine.latin1([cut, Self.good])
        let items = try readVTJ(bytes)
        let error = try #require(vtjErrors(items).first)
        #expect(error.reason == .unterminatedGroup(line: 1))
        #expect(error.line == 1)
        #expect(error.raw == Array(bytes[0..<122]))
        #expect(error.byteRange == 0..<122)
        let bare = "130381-983DXCM202602200101" + VTJLine.death(1, "20260205") + "|"
        #expect(vtjRecords(try readVTJ(VTJLine.latin1([bare]))).first?.groups.map(\.code) == [13], "an identification part without its '|' reads the same")
        #expect(vtjRecords(items).map(\.line) == [2])
    }

    @Test("an unknown group code is refused with the code and line")
    func unknownGroup() throws {
        let items = try readVTJ(VTJLine.latin1([Self.good, VTJLine.line([VTJLine.group(999, 1, "X")]), Self.good]))
        #expect(vtjErrors(items).map(\.reason) == [.unknownGroupCode(line: 2, code: "999")])
        #expect(vtjErrors(items).first?.description.contains("unknown data group code 999") == true)
        #expect(vtjRecords(items).count == 2)
    }

    @Test("a group count that disagrees with the groups on the line is refused, both ways")
    func groupCountMismatch() throws {
        let tooFew = VTJLine.line(count: 3, [VTJLine.death(1, "20260205")])
        let tooMany = VTJLine.line(count: 1, [VTJLine.death(5, "20260205"), VTJLine.death(6, "00000000")])
        let notNumeric = "130381-983DXCM2026022001X1|" + VTJLine.death(1, "20260205") + "|"
        let items = try readVTJ(VTJLine.latin1([tooFew, tooMany, notNumeric, Self.good]))
        #expect(vtjErrors(items).map(\.reason) == [
            .groupCountMismatch(line: 1, declared: 3, found: 1), .groupCountMismatch(line: 2, declared: 1, found: 2),
            .groupCountNotNumeric(line: 3),
        ])
        #expect(vtjRecords(items).map(\.line) == [4])
    }

    @Test("an interpreted group of the wrong length is refused rather than read at shifted positions")
    func groupLength() throws {
        let short = VTJLine.group(13, 1, "2026020")
        #expect(try onlyVTJError([VTJLine.line([short])]).reason == .groupLength(line: 1, code: "013", length: 11, expected: 12))
        #expect(try onlyVTJError([VTJLine.line(["01"])]).reason == .invalidGroupHeader(line: 1, group: 1))
    }

    @Test("ISO-8859-1 ä, ö, å, Ä, Ö, Å decode to the right characters")
    func latin1Names() throws {
        let line = VTJLine.line([VTJLine.name(3, last: "Mäkinen-Öhman-Åberg", first: "Åke Äijö", date: "20260215")])
        let bytes = VTJLine.latin1([line])
        #expect(bytes.contains(0xE4) && bytes.contains(0xD6) && bytes.contains(0xC5))
        let record = try #require(vtjRecords(try readVTJ(bytes)).first)
        #expect(record.text(record.groups[0], at: 4, length: 100) == "Mäkinen-Öhman-Åberg")
        #expect(record.text(record.groups[0], at: 104, length: 100) == "Åke Äijö")
    }

    @Test("a UTF-8 file declared ISO-8859-1 is refused line by line, ASCII-only lines still load")
    func utf8Misdeclared() throws {
        let line = VTJLine.line([VTJLine.name(3, last: "Mäkinen", first: "Leevi", date: "20260215")])
        let bytes = Array((line + "\r\n" + Self.good + "\r\n").utf8)
        let items = try readVTJ(bytes)
        #expect(vtjErrors(items).map(\.reason) == [.utf8InSingleByteFile(line: 1, declared: .iso8859_1)])
        #expect(vtjRecords(items).map(\.line) == [2])
    }

    @Test("a file declared UTF-8 with Latin-1 bytes is refused with the byte and offset")
    func invalidUTF8() throws {
        let line = VTJLine.line([VTJLine.name(3, last: "Mäkinen", first: "Leevi", date: "20260215")])
        let items = try readVTJ(VTJLine.latin1([line]), encoding: .utf8)
        guard case .invalidEncoding(let lineNumber, .utf8, 0xE4, let offset)? = vtjErrors(items).first?.reason else {
            Issue.record("expected an invalid UTF-8 byte, got \(items)")
            return
        }
        #expect(lineNumber == 1)
        #expect(offset == 26 + 1 + 4 + 1)
    }

    @Test("a line longer than the limit is refused and the next line still read")
    func overlong() throws {
        let long = VTJLine.line([VTJLine.group(452, 0, String(repeating: "x", count: 9000))])
        let items = try readVTJ(VTJLine.latin1([Self.good, long, Self.good]), maxReadSize: 1000, maximumLineBytes: 4096)
        #expect(vtjErrors(items).map(\.reason) == [.lineTooLong(line: 2, limit: 4096)])
        #expect(vtjErrors(items).first?.raw.count == 4096)
        #expect(vtjRecords(items).map(\.line) == [1, 3])
        let third = try #require(vtjRecords(items).last)
        #expect(third.byteRange.lowerBound == Int64(Self.good.count + 2 + long.count + 2))
    }

    @Test("read in awkward pieces the file gives the same records, ranges and bytes as read whole")
    func awkwardChunks() throws {
        var lines: [String] = []
        for index in 0..<200 {
            lines.append(VTJLine.line([VTJLine.name(3, last: "Mäkinen\(index)", first: "Leevi", date: "20260215")]))
            if index % 7 == 0 { lines.append(VTJLine.line(flag: "J", [VTJLine.email(1, "x\(index)@example.fi", start: "20260215")])) }
            if index % 13 == 0 { lines.append(VTJLine.line([VTJLine.group(998, 1, "?")])) }
        }
        let bytes = VTJLine.latin1(lines)
        let whole = try readVTJ(bytes)
        for size in [1, 7, 333] {
            let pieces = try readVTJ(bytes, maxReadSize: size)
            #expect(vtjRecords(pieces).map(\.byteRange) == vtjRecords(whole).map(\.byteRange))
            #expect(vtjRecords(pieces).map(\.raw) == vtjRecords(whole).map(\.raw))
            #expect(vtjErrors(pieces).map(\.reason) == vtjErrors(whole).map(\.reason))
        }
        #expect(vtjRecords(whole).count == 200)
        #expect(vtjErrors(whole).count == 16)
        for record in vtjRecords(whole) {
            #expect(record.raw == Array(bytes[Int(record.byteRange.lowerBound)..<Int(record.byteRange.upperBound)]))
        }
    }

    @Test("reasons never quote the record: no henkilötunnus, no name")
    func reasonsArePrivate() throws {
        let lines = [
            VTJLine.line("130381-983D", count: 5, [VTJLine.name(3, last: "Salonen", first: "Helmi")]),
            VTJLine.line("130381-983D", [VTJLine.group(999, 1, "Salonen")]),
            String(VTJLine.line("130381-983D", [VTJLine.name(3, last: "Salonen", first: "Helmi")]).prefix(60)),
        ]
        for error in vtjErrors(try readVTJ(VTJLine.latin1(lines))) {
            #expect(!error.description.contains("130381"))
            #expect(!error.description.contains("Salonen"))
        }
    }
}
