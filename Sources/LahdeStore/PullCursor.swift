import LahdePostgres

/// Where a pulling connector stands in its source's change log (`lahde.pull_cursor`, V009): for the VTJ
/// change API, the `viimeisinKirjausavain` after the last page whose batch committed.
///
/// The key is written in its own statement after the page's batch committed, never before: a crash in
/// between leaves the old key, the next pull fetches the same page again and the ledger finds its
/// content already loaded, so nothing is applied twice and nothing is skipped.
public enum PullCursor {
    public static func read(_ connection: PostgresConnection, connector: String) throws -> Int64? {
        guard let text = try connection.query("SELECT last_key::text AS k FROM lahde.pull_cursor WHERE connector = $1", connector).first?["k"]
        else { return nil }
        return Int64(text)
    }

    public static func write(_ connection: PostgresConnection, connector: String, key: Int64, batch: Int?) throws {
        try connection.query(
            """
            INSERT INTO lahde.pull_cursor (connector, last_key, batch_id) VALUES ($1, $2, $3)
            ON CONFLICT (connector) DO UPDATE SET last_key = excluded.last_key, batch_id = excluded.batch_id, updated_at = now()
            """, connector, key, batch)
    }
}
