import LahdeCore

/// The value types of the field catalogue, and the checks a value must pass before it may be staged.
///
/// Checking here, before COPY, keeps a single bad value from failing a whole batch's COPY (a bad date would
/// abort it) and lets the record be quarantined with its exact reason.
public enum FieldValueType: String, Sendable, CaseIterable {
    case text
    case date
    case boolean
    case postalCode = "postal_code"
    case language
    case country
    case email
    case phone
    case partyType = "party_type"
    /// A link to another entity, observed as its key `scheme:value` (`gsrn:643…`); the merge replaces it by
    /// the entity's id before survivorship (V010).
    case reference

    /// Longest text value kept; longer values are refused, never truncated silently.
    public static let maximumLength = 500

    public func canonical(_ raw: String) throws(ValueError) -> String {
        var value = raw.trimmingWhitespace()
        guard !value.isEmpty else { throw ValueError("is empty (leave the field out, or state a removal)") }
        // On the UTF-8 bytes: no more scalars than bytes, and a control character is a byte below 0x20 or
        // 0x7F, or (C1) 0xC2 followed by 0x80–0x9F.
        let (byteCount, hasControl) = value.withUTF8 { bytes -> (Int, Bool) in
            for index in 0..<bytes.count {
                let byte = bytes[index]
                if byte < 0x20 || byte == 0x7F { return (bytes.count, true) }
                if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) { return (bytes.count, true) }
            }
            return (bytes.count, false)
        }
        guard byteCount <= Self.maximumLength || value.unicodeScalars.count <= Self.maximumLength else {
            throw ValueError("is longer than \(Self.maximumLength) characters")
        }
        guard !hasControl else { throw ValueError("contains a control character") }
        switch self {
        case .text:
            return value
        case .date:
            guard let date = CalendarDate(isoString: value) else { throw ValueError("is not a date yyyy-mm-dd") }
            return date.isoString
        case .boolean:
            switch value.lowercased() {
            case "true", "t", "1", "yes", "k", "kyllä": return "true"
            case "false", "f", "0", "no", "e", "ei": return "false"
            default: throw ValueError("is not a yes/no value")
            }
        case .postalCode:
            do {
                return try PostalCode.parse(value).value
            } catch {
                throw ValueError("is not a Finnish postal code (5 digits)")
            }
        case .language:
            let code = value.lowercased()
            guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw ValueError("is not a two-letter ISO 639-1 language code")
            }
            return code
        case .country:
            let code = value.uppercased()
            guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw ValueError("is not a two-letter ISO 3166 country code")
            }
            return code
        case .email:
            if let verdict = Self.asciiEmailIsValid(value) {
                guard verdict else { throw ValueError("is not an e-mail address") }
                return value
            }
            let parts = value.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !value.contains(" ") else {
                throw ValueError("is not an e-mail address")
            }
            return value
        case .phone:
            guard let compact = Self.compactPhone(value) else { throw ValueError("is not a phone number") }
            return compact
        case .partyType:
            guard value == "person" || value == "organisation" else { throw ValueError("is neither 'person' nor 'organisation'") }
            return value
        case .reference:
            guard let colon = value.firstIndex(of: ":"), let scheme = MatchKey.Scheme(rawValue: String(value[..<colon])),
                let key = try? MatchKey.parse(scheme: scheme, String(value[value.index(after: colon)...]))
            else { throw ValueError("is not a key 'scheme:value' with a valid value") }
            return "\(key.scheme.rawValue):\(key.value)"
        }
    }
}

extension FieldValueType {
    /// The e-mail check on an all-ASCII value's bytes (where a byte is a character), or nil for any other
    /// value, which takes the checks on characters. Millions of addresses pass here in a large load.
    static func asciiEmailIsValid(_ value: String) -> Bool? {
        var value = value
        return value.withUTF8 { bytes -> Bool? in
            var at: Int?
            var dotAfterAt = false
            for index in 0..<bytes.count {
                switch bytes[index] {
                case 0x80...: return nil
                case UInt8(ascii: " "): return false
                case UInt8(ascii: "@"):
                    guard at == nil else { return false }
                    at = index
                case UInt8(ascii: "."): if at != nil { dotAfterAt = true }
                default: break
                }
            }
            guard let at, at > 0 else { return false }
            return dotAfterAt
        }
    }

    /// A phone number's compact form (ASCII digits with an optional leading `+`, spaces and hyphens
    /// dropped, 5–20 long), or nil if the value is not one. On bytes alone: a phone number is ASCII, so any
    /// byte beyond it refuses the value, as the ASCII-digit check on characters did.
    static func compactPhone(_ value: String) -> String? {
        var value = value
        return value.withUTF8 { bytes -> String? in
            var compact = [UInt8]()
            compact.reserveCapacity(bytes.count)
            for byte in bytes {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "-"): continue
                case UInt8(ascii: "0")...UInt8(ascii: "9"): compact.append(byte)
                case UInt8(ascii: "+") where compact.isEmpty: compact.append(byte)
                default: return nil
                }
            }
            guard (5...20).contains(compact.count) else { return nil }
            return String(decoding: compact, as: UTF8.self)
        }
    }
}

/// Why a value was refused; never quotes the value (it may be personal data).
public struct ValueError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = "the value " + description }
}
