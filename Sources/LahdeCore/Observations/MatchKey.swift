/// An identifier by which a record finds its entity in the register.
///
/// The scheme names are the ones the register stores in `register.party_identifier` (and `gsrn` for
/// accounting points); the value is already validated and normalised by the connector.
public struct MatchKey: Sendable, Hashable {
    public enum Scheme: String, Sendable, Hashable, Codable, CaseIterable {
        case henkilotunnus
        case yTunnus = "y_tunnus"
        case customerNumber = "customer_number"
        case datahubParty = "datahub_party"
        case gsrn
        /// Datahub's contract id (`MasterDataContract/Identification`), the key of a contract.
        case datahubContract = "datahub_contract"
    }

    public let scheme: Scheme
    public let value: String

    public init(scheme: Scheme, value: String) {
        self.scheme = scheme
        self.value = value
    }

    /// Validates and normalises a raw key value by its scheme's rules (check digits for henkilötunnus,
    /// Y-tunnus and GSRN; a customer number must be non-empty and printable).
    public static func parse(scheme: Scheme, _ text: String) throws(IdentifierError) -> MatchKey {
        switch scheme {
        case .henkilotunnus: return MatchKey(scheme: scheme, value: try Henkilotunnus.parse(text).value)
        case .yTunnus: return MatchKey(scheme: scheme, value: try YTunnus.parse(text).value)
        case .gsrn: return MatchKey(scheme: scheme, value: try GSRN.parse(text).value)
        case .customerNumber, .datahubParty, .datahubContract:
            if isPlainPrintableASCII(text) { return MatchKey(scheme: scheme, value: text) }
            let trimmed = text.trimmingWhitespace()
            guard !trimmed.isEmpty else { throw IdentifierError(.customerNumber, .empty) }
            guard trimmed.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }), trimmed.utf8.count <= 64 else {
                throw IdentifierError(.customerNumber, .invalidCharacter(position: 1, expected: .printable))
            }
            return MatchKey(scheme: scheme, value: trimmed)
        }
    }
}

extension MatchKey {
    /// 1–64 printable ASCII bytes without a space at either end: already the key's normal form, so it is
    /// taken as it is, without the Unicode whitespace tables trimming consults (a bulk feed's every row).
    static func isPlainPrintableASCII(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last, bytes.count <= 64, first != 0x20, last != 0x20 else { return false }
            for byte in bytes where byte < 0x20 || byte >= 0x7F { return false }
            return true
        }
    }
}

extension MatchKey: CustomStringConvertible {
    /// Masked for a henkilötunnus: keys end up in messages.
    public var description: String {
        "\(scheme.rawValue) \(Redaction.maskingHenkilotunnus(in: value))"
    }
}
