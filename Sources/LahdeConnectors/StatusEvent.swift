/// What a vendor's status code on a row means for the register, whatever the vendor calls it.
///
/// Address-update deliveries mark each returned row with a code set by contract ("01" moved, "K" dead…);
/// no public specification exists, so each definition maps its vendor's codes onto these events and the
/// reader treats every vendor alike. A code a definition does not map rejects its row: guessing what an
/// unknown code means is how a death notice ends up written as an address change.
public enum StatusEvent: String, Sendable, Hashable, CaseIterable, Decodable {
    public init(from decoder: any Decoder) throws {
        self = try decoder.singleValueContainer().decodeChoice(StatusEvent.self)
    }

    /// The person has a new address: every mapped column is applied.
    case newAddress = "new-address"
    /// The person moved abroad: the columns mapped to `address.abroad.*` and every non-address column are
    /// applied, the row's other address columns are dropped, and the permanent address is removed — a
    /// Finnish permanent address the vendor says is no longer lived at must not keep receiving letters and
    /// marketing. The removal competes by trust like any value, so it cannot undo a more trusted source's
    /// address.
    case movedAbroad = "moved-abroad"
    /// The vendor reports the person dead: only `deceased_reported` is observed. A credit-data death is a
    /// hint to check, never the death itself, which only the population register records (`deceased`);
    /// the row's other columns are not applied, because a dead person's address "update" is the estate's.
    case deceased
    /// The vendor withholds the address (turvakielto): `turvakielto` is observed and every address column
    /// of the row is dropped, so that nothing the vendor might still have sent is written.
    case addressProtected = "address-protected"
    /// The vendor does not know the person: nothing is observed and the record counts as unchanged.
    case notFound = "not-found"
    /// The vendor has nothing new: nothing is observed and the record counts as unchanged.
    case noUpdate = "no-update"

    /// The field names the event observes by itself, besides the row's columns.
    var observedFields: [String] {
        switch self {
        case .movedAbroad: Self.permanentAddressFields
        case .deceased: ["deceased_reported"]
        case .addressProtected: ["turvakielto"]
        case .newAddress, .notFound, .noUpdate: []
        }
    }

    static let permanentAddressFields = ["street", "postal_code", "city", "country"].map { "address.permanent." + $0 }
}
