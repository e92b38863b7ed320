import LahdeCore
import Testing

@Suite("Redaction of identity codes in free text")
struct RedactionTests {
    @Test("every century sign is masked, the birth date kept", arguments: [
        "010594Y9032", "020594X903P", "030594W903B", "040594V9030", "050594U903M", "010516B903X",
        "020516C903K", "030516D9037", "010501E9032", "020503F9037", "020504A902E", "100190-999P", "010170+999R",
    ])
    func masksEveryCenturySign(code: String) {
        let text = "Key (hetu)=(\(code)) already exists"
        let masked = Redaction.maskingHenkilotunnus(in: text)
        #expect(!masked.contains(code))
        #expect(masked.contains(String(code.prefix(7)) + "****"))
    }

    @Test("longer digit runs such as a GSRN are left alone")
    func leavesOtherNumbers() {
        let text = "accounting point 645823734848458216, customer 12345678901"
        #expect(Redaction.maskingHenkilotunnus(in: text) == text)
    }

    @Test("lowercase and several codes in one message")
    func masksAll() {
        let masked = Redaction.maskingHenkilotunnus(in: "010594y9032,100190-999P")
        #expect(masked == "010594y****,100190-****")
    }
}
