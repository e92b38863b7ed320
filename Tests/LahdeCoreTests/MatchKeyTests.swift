import LahdeCore
import Testing

/// Customer numbers and contract ids: the byte-level shortcut for keys already in normal form gives what
/// the full check gives, and everything else still goes through the full check.
@Suite("Match keys")
struct MatchKeyTests {
    @Test("a plain key is taken as it is; padding is trimmed; non-ASCII printable text is accepted")
    func normalForms() throws {
        #expect(try MatchKey.parse(scheme: .customerNumber, "300001").value == "300001")
        #expect(try MatchKey.parse(scheme: .datahubContract, "LAHDE-S-2019-0101").value == "LAHDE-S-2019-0101")
        #expect(try MatchKey.parse(scheme: .customerNumber, "  300001\t").value == "300001")
        #expect(try MatchKey.parse(scheme: .customerNumber, "Ä-17").value == "Ä-17")
        #expect(try MatchKey.parse(scheme: .customerNumber, String(repeating: "9", count: 64)).value.count == 64)
    }

    @Test("empty, control characters and keys over 64 bytes are refused", arguments: ["", "   ", "30\u{1}0001", "300001\u{7F}", String(repeating: "9", count: 65)])
    func refused(_ text: String) {
        #expect(throws: IdentifierError.self) { try MatchKey.parse(scheme: .customerNumber, text) }
    }
}
