import Foundation
import LahdePostgres

/// The least work the update phase could be done with on this server: the same three changes per person
/// COPY'd in and written with one set-based UPDATE per register table, found by customer number — no
/// survivorship, no provenance — and then with one history row per person added. Rolled back afterwards.
///
/// It puts issue 3's goal (the update within 10× the `\copy` baseline) beside what PostgreSQL itself needs
/// for the writes any register must make; the loader's ratio is only meaningful next to this one.
enum UpdateFloor {
    struct Figures {
        let writes: Double
        let writesAndHistory: Double
    }

    static func measure(_ connection: PostgresConnection, synthetic: SyntheticRegister, batchID: Int) throws -> Figures {
        try connection.query("BEGIN")
        defer { _ = try? connection.query("ROLLBACK") }
        try connection.query("SET LOCAL work_mem = '256MB'")
        try connection.query("SET LOCAL jit = off")
        let start = DispatchTime.now().uptimeNanoseconds
        try connection.query(
            "CREATE TEMP TABLE floor_update (customer_number text, last_name text, street text, email text) ON COMMIT DROP")
        _ = try connection.copyIn("COPY floor_update FROM STDIN") { writer in
            for index in 0..<synthetic.count {
                let person = synthetic.person(index, generation: 3)
                try writer.row([person.customerNumber, person.lastName, person.street, person.email])
            }
        }
        try connection.query(
            """
            CREATE TEMP TABLE floor_target ON COMMIT DROP AS
            SELECT i.party_id, f.* FROM floor_update f
            JOIN register.party_identifier i ON i.scheme = 'customer_number' AND i.value = f.customer_number
            """)
        try connection.query(
            "UPDATE register.party p SET last_name = f.last_name, email = f.email FROM floor_target f WHERE p.party_id = f.party_id")
        try connection.query(
            """
            UPDATE register.address a SET street = f.street FROM floor_target f
            WHERE a.party_id = f.party_id AND a.kind = 'permanent'
            """)
        let writes = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        try connection.query(
            """
            INSERT INTO lahde.provenance_change
                (entity_kind, entity_id, batch_id, fields, old_values, new_values, trusts, rules, locators, valid_froms)
            SELECT 'party', f.party_id, $1, ARRAY['last_name', 'email', 'address.permanent.street'], ARRAY[NULL, NULL, NULL]::text[],
                   ARRAY[f.last_name, f.email, f.street], ARRAY[40, 40, 40], ARRAY['newer-validity', 'newer-validity', 'newer-validity'],
                   ARRAY['line', 'line', 'line'], ARRAY[now(), now(), now()]
            FROM floor_target f
            """, batchID)
        let writesAndHistory = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Figures(writes: writes, writesAndHistory: writesAndHistory)
    }
}
