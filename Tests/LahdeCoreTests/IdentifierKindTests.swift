import LahdeCore
import Testing

@Suite("IdentifierKind.detect")
struct IdentifierKindTests {
    @Test(
        "recognises identifiers by shape",
        arguments: [
            ("010594Y9032", IdentifierKind.henkilotunnus),
            ("010594y9032", .henkilotunnus),
            ("150585+123L", .henkilotunnus),
            ("010190-999K", .henkilotunnus),  // fails the checksum but is clearly meant as a hetu
            (" 131052-308T ", .henkilotunnus),
            ("0245437-2", .yTunnus),
            ("2077402-0", .yTunnus),  // never issued, but Y-tunnus-shaped
            ("645823734848458216", .gsrn),
            ("6430000000016", .gln),
        ]
    )
    func detected(_ text: String, expected: IdentifierKind) {
        #expect(IdentifierKind.detect(text) == expected)
    }

    @Test(
        "anything else is left to the caller",
        arguments: [
            "", "HKE_12345", "12345", "00100", "10X1001A1001A264", "FI02454372", "245437-2", "010594G9032",
            "010594Y903", "0105940Y9032", "64582373484845821", "6430000000016X", "0245437_2", "010594Y9O32",
        ]
    )
    func notDetected(_ text: String) {
        #expect(IdentifierKind.detect(text) == nil)
    }

    @Test("raw values are stable, display names are human")
    func names() {
        #expect(IdentifierKind.allCases.count == 7)
        #expect(IdentifierKind(rawValue: "henkilotunnus") == .henkilotunnus)
        #expect(IdentifierKind.yTunnus.rawValue == "yTunnus")
        #expect(IdentifierKind.customerNumber.rawValue == "customerNumber")
        #expect(IdentifierKind.henkilotunnus.displayName == "henkilötunnus")
        #expect(IdentifierKind.yTunnus.displayName == "Y-tunnus")
    }
}
