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

    /// `ContractType`: the contract's `contract_type`.
    static let contractType = ["11": "grid", "12": "sales"]
    /// F04 `ContractReason`: the contract's `contract_start_reason`.
    static let contractReason = ["AT01": "contract_change", "AT02": "supplier_switch", "AT03": "move_in"]
    /// F06 `Reason`: the contract's `contract_end_reason`.
    static let endReason = [
        "AN01": "move_out", "AN02": "termination", "AN03": "rescission", "AN04": "meter_removal", "AN05": "supplier_ended",
    ]
    /// F18 `ReasonForCancel`: the contract's `contract_cancel_reason` (the wiki's AR07 is not in the 2.3.4.0
    /// XSD and stays raw).
    static let cancelReason = [
        "AR01": "customer_cancelled", "AR02": "supplier_cancelled", "AR03": "dso_cancelled", "AR05": "customer_dispute",
        "AR06": "operator_cancelled",
    ]

    static func named(_ code: String, in list: [String: String]) -> String {
        list[code] ?? code
    }
}
