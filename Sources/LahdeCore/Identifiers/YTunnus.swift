/// A Finnish business ID (Y-tunnus): seven digits, `-`, check digit. Canonical form `0245437-2`.
///
/// Besides the canonical form, `parse` accepts two forms that appear in real customer registers:
///
/// * the VAT number, `FI` + the eight digits (`FI02454372`), because invoicing systems often
///   store that instead;
/// * six digits, `-`, check digit (`245437-2`): the same Y-tunnus after a spreadsheet or a
///   numeric database column dropped the leading zero. The zero is restored. This is safe
///   because a leading zero contributes nothing to the weighted sum, so the check digit proves
///   the restored number as well as the original. (This is our own repair; python-stdnum does
///   not do it.)
///
/// Eight digits without a hyphen are rejected: that form is ambiguous with other numbers in a
/// register and is only accepted behind the explicit `FI` prefix.
public struct YTunnus: FinnishIdentifier {
    public static let kind = IdentifierKind.yTunnus

    public let value: String

    private init(value: String) { self.value = value }

    /// The EU VAT number form, `FI` + the eight digits without the hyphen.
    public var vatNumber: String { "FI" + value.filter { $0 != "-" } }

    public var description: String { value }

    public static func parse(_ text: String) throws(IdentifierError) -> YTunnus {
        let input = IdentifierText(text)
        let body: Int
        let check: Int
        if input.count >= 2, input[0] == "F", input[1] == "I" {
            try input.requireCount(10, of: kind)
            body = try input.digits(2..<9, of: kind)
            check = try input.digits(9..<10, of: kind)
        } else if input.count == 8 {
            body = try input.digits(0..<6, of: kind)
            try requireHyphen(input, at: 6)
            check = try input.digits(7..<8, of: kind)
        } else {
            try input.requireCount(9, of: kind)
            body = try input.digits(0..<7, of: kind)
            try requireHyphen(input, at: 7)
            check = try input.digits(8..<9, of: kind)
        }
        let bodyText = zeroPadded(body)
        guard let expected = checkDigit(forBody: bodyText) else {
            throw IdentifierError(kind, .neverIssued(.yTunnusRemainderOne))
        }
        guard expected == check else { throw IdentifierError(kind, .checksumMismatch) }
        return YTunnus(value: "\(bodyText)-\(check)")
    }

    /// The check digit for seven digits, or `nil` when the body is not seven ASCII digits or when
    /// its weighted sum leaves remainder 1 (no such Y-tunnus is ever issued). Weights 7,9,10,5,8,4,2;
    /// remainder 0 gives 0, otherwise 11 − remainder.
    public static func checkDigit(forBody body: String) -> Int? {
        let scalars = Array(body.unicodeScalars)
        guard scalars.count == 7 else { return nil }
        var sum = 0
        for (scalar, weight) in zip(scalars, [7, 9, 10, 5, 8, 4, 2]) {
            guard let digit = IdentifierText.digitValue(scalar) else { return nil }
            sum += digit * weight
        }
        switch sum % 11 {
        case 0: return 0
        case 1: return nil
        case let remainder: return 11 - remainder
        }
    }

    private static func requireHyphen(_ input: IdentifierText, at offset: Int) throws(IdentifierError) {
        guard input[offset] == "-" else {
            throw IdentifierError(kind, .invalidCharacter(position: offset + 1, expected: .hyphen))
        }
    }

    private static func zeroPadded(_ body: Int) -> String {
        let digits = String(body)
        return String(repeating: "0", count: 7 - digits.count) + digits
    }

    public init(from decoder: any Decoder) throws { self = try Self.decodeValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeValue(to: encoder) }
}
