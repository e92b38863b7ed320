import LahdeStore
import Testing

/// The value checks run before staging: e-mail has a byte-level path for ASCII values and the
/// character-level one for the rest, which must give the same verdicts; phone numbers are checked on bytes,
/// and anything beyond ASCII (other scripts' digits, full-width digits) is refused as before.
@Suite("Field value types: e-mail and phone")
struct FieldValueTypeTests {
    static func canonical(_ type: FieldValueType, _ raw: String) -> String? {
        try? type.canonical(raw)
    }

    @Test("e-mail addresses: one @, something before it, a dot after it, no space", arguments: [
        ("aino.virtanen@example.fi", "aino.virtanen@example.fi"),
        ("  a@b.fi ", "a@b.fi"),
        ("äiti@esimerkki.fi", "äiti@esimerkki.fi"),
        ("a@b", nil),
        ("@b.fi", nil),
        ("a@@b.fi", nil),
        ("a@b@c.fi", nil),
        ("a.b@fi", nil),
        ("a b@c.fi", nil),
        ("ä b@c.fi", nil),
        ("äiti@esimerkki", nil),
    ] as [(String, String?)])
    func email(raw: String, expected: String?) {
        #expect(Self.canonical(.email, raw) == expected)
    }

    @Test("phone numbers: digits with an optional leading +, spaces and hyphens dropped, 5–20 long", arguments: [
        ("+358 40 123 4567", "+358401234567"),
        ("040-123 4567", "0401234567"),
        ("12345", "12345"),
        ("1234", nil),
        ("123456789012345678901", nil),
        ("+358+40", nil),
        ("040 12a 4567", nil),
        ("040 123 ４５６７", nil),
        ("٠٤٠١٢٣٤٥٦٧", nil),
    ] as [(String, String?)])
    func phone(raw: String, expected: String?) {
        #expect(Self.canonical(.phone, raw) == expected)
    }
}
