/// Datahub code lists as far as Lähde gives them names.
///
/// Code lists grow with every Datahub release (reference §0.3): a code Lähde does not know is kept as
/// the raw code (`AE09`) rather than rejected, so the register still shows what Datahub said and a later
/// Lähde can rename it.
enum DatahubCodes {
    /// `PhysicalStatusType` (NFI): the accounting point's `status`.
    static let physicalStatus = [
        "AE01": "connected", "AE02": "disconnected", "AE03": "under_construction", "AE04": "removed", "AE05": "deleted",
    ]
    /// `MeteringPointType` (NFI): the accounting point's `point_type`.
    static let pointType = ["AG01": "consumption", "AG02": "production"]
    /// `CustomerType` (NFI): the party's `party_type`. Unknown codes are left out, not kept raw, because
    /// `party_type` only holds `person` or `organisation`.
    static let customerType = ["AB01": "organisation", "AB02": "person"]

    static func named(_ code: String, in list: [String: String]) -> String {
        list[code] ?? code
    }
}
