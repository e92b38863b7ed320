/// The population register's country codes (ISO 3166 numeric) as the register's two-letter codes.
///
/// The register writes countries as numbers; the field catalogue keeps ISO 3166 alpha-2. The table
/// covers the countries Finnish residents abroad most often live in; a code outside it (and `998`,
/// "given as text") has no alpha-2 here, and the address is then observed without a country rather
/// than with a guessed one.
enum VTJCountryCode {
    static func alpha2(numeric code: String) -> String? {
        let digits = code.count < 3 ? String(repeating: "0", count: 3 - code.count) + code : code
        return table[digits]
    }

    static let table: [String: String] = [
        "008": "AL", "020": "AD", "032": "AR", "036": "AU", "040": "AT", "056": "BE", "070": "BA", "076": "BR",
        "100": "BG", "124": "CA", "152": "CL", "156": "CN", "170": "CO", "191": "HR", "196": "CY", "203": "CZ",
        "208": "DK", "231": "ET", "233": "EE", "234": "FO", "246": "FI", "250": "FR", "268": "GE", "276": "DE",
        "300": "GR", "304": "GL", "348": "HU", "352": "IS", "356": "IN", "360": "ID", "364": "IR", "368": "IQ",
        "372": "IE", "376": "IL", "380": "IT", "392": "JP", "398": "KZ", "410": "KR", "428": "LV", "438": "LI",
        "440": "LT", "442": "LU", "458": "MY", "470": "MT", "484": "MX", "492": "MC", "498": "MD", "499": "ME",
        "504": "MA", "528": "NL", "554": "NZ", "566": "NG", "578": "NO", "586": "PK", "604": "PE", "608": "PH",
        "616": "PL", "620": "PT", "642": "RO", "643": "RU", "674": "SM", "682": "SA", "688": "RS", "702": "SG",
        "703": "SK", "704": "VN", "705": "SI", "710": "ZA", "724": "ES", "729": "SD", "752": "SE", "756": "CH",
        "760": "SY", "764": "TH", "784": "AE", "788": "TN", "792": "TR", "804": "UA", "807": "MK", "818": "EG",
        "826": "GB", "834": "TZ", "840": "US", "858": "UY", "860": "UZ", "112": "BY", "144": "LK", "050": "BD"
    ]
}
