import LahdeCore
import LahdePostgres

extension ProvenanceLookup {
    /// A contract of a party as the register holds it, with the provenance of each of its values.
    public struct Contract: Sendable {
        public let id: Int
        /// Datahub's contract id, the key every feed finds the contract by.
        public let contractID: String?
        /// The accounting point's GSRN (the register links the point by id; a person knows it by GSRN).
        public let gsrn: String?
        public let type: String?
        public let startsOn: String?
        public let endsOn: String?
        public let cancelled: Bool
        /// Every field of the contract with its source, file, place in the file and history.
        public let fields: [FieldTag]
    }

    /// The contracts whose party is `entity`, oldest start first; none for an accounting point.
    ///
    /// Part of the right of access: a contract is data about the person (where they live and buy
    /// electricity, since when), so the export shows it and where each of its values came from.
    public func contracts(of entity: Entity, withHistory: Bool = false) throws -> [Contract] {
        guard entity.kind == .party else { return [] }
        let rows = try connection.query(
            """
            SELECT c.contract_id, c.datahub_contract_id, ap.gsrn, c.contract_type, c.starts_on::text AS starts_on,
                   c.ends_on::text AS ends_on, c.cancelled::text AS cancelled
            FROM register.contract c LEFT JOIN register.accounting_point ap USING (accounting_point_id)
            WHERE c.party_id = $1
            ORDER BY c.starts_on NULLS LAST, c.contract_id
            """, entity.id
        ).rows
        return try rows.compactMap { row in
            guard let id = row.int("contract_id") else { return nil }
            let contract = Entity(kind: .contract, id: id, identifiers: row["datahub_contract_id"].map { [("datahub_contract", $0)] } ?? [])
            return Contract(
                id: id, contractID: row["datahub_contract_id"], gsrn: row["gsrn"], type: row["contract_type"], startsOn: row["starts_on"],
                endsOn: row["ends_on"], cancelled: row["cancelled"] == "true", fields: try fields(of: contract, withHistory: withHistory))
        }
    }
}
