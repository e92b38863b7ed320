import Foundation
import LahdePostgres
import LahdeStore
import Testing
import _LahdeTestSupport

/// V005 moves provenance from one row per field to one row per entity; a register migrated from V004 must
/// show exactly the same tags and history afterwards.
@Suite("Compact provenance migration (V005)")
struct CompactProvenanceMigrationTests {
    @Test("tags and history written under V004 read back unchanged through the V005 views")
    func existingProvenanceMovesOver() throws {
        let database = try TestCluster.freshDatabase(migrated: false)
        let db = try database.connect()
        _ = try Migrator(connection: db, migrations: Array(Migration.all.prefix(4))).migrate()
        try db.execute(script: """
            INSERT INTO lahde.batch (connector, file_name, sha256, byte_count, status, started_at)
            VALUES ('customer-system', 'a.csv', repeat('a', 64), 10, 'failed', '2026-01-02T10:00:00Z'),
                   ('vtj-changes', 'b.MTT', repeat('b', 64), 10, 'failed', '2026-02-03T10:00:00Z');
            INSERT INTO lahde.provenance (entity_kind, entity_id, field, value, source, trust, batch_id, locator, valid_from, received_at, rule)
            VALUES ('party', 7, 'last_name', 'Virtanen', 'vtj-changes', 80, 2, 'b.MTT line 3', '2026-02-01T22:00:00Z', '2026-02-03T10:00:00Z', 'higher-trust'),
                   ('party', 7, 'email', NULL, 'customer-system', 50, 1, 'a.csv line 2', '2026-01-01T22:00:00Z', '2026-01-02T10:00:00Z', 'first-value');
            INSERT INTO lahde.provenance_history (entity_kind, entity_id, field, old_value, new_value, source, trust, batch_id, locator, valid_from, received_at, rule, losing)
            VALUES ('party', 7, 'last_name', NULL, 'Virta', 'customer-system', 50, 1, 'a.csv line 2', '2026-01-01T22:00:00Z', '2026-01-02T10:00:00Z', 'first-value', NULL),
                   ('party', 7, 'email', NULL, NULL, 'customer-system', 50, 1, 'a.csv line 2', '2026-01-01T22:00:00Z', '2026-01-02T10:00:00Z', 'first-value', NULL),
                   ('party', 7, 'last_name', 'Virta', 'Virtanen', 'vtj-changes', 80, 2, 'b.MTT line 3', '2026-02-01T22:00:00Z', '2026-02-03T10:00:00Z', 'higher-trust', '[{"value": "Virtala"}]');
            """)
        let tagQuery = """
            SELECT string_agg(concat_ws('|', entity_kind, entity_id, field, value, source, trust, batch_id, locator, valid_from, received_at, rule), E'\\n' ORDER BY field) AS t
            FROM lahde.provenance
            """
        let historyQuery = """
            SELECT string_agg(concat_ws('|', entity_kind, entity_id, field, old_value, new_value, source, trust, batch_id, locator, valid_from, received_at, rule, losing), E'\\n' ORDER BY history_id) AS h
            FROM lahde.provenance_history
            """
        let tagsBefore = try #require(try db.query(tagQuery).first?["t"])
        let historyBefore = try #require(try db.query(historyQuery).first?["h"])

        _ = try Migrator(connection: db).migrate()

        #expect(try db.query("SELECT count(*) AS n FROM lahde.field_tag").first?.int("n") == 1)
        #expect(try db.query("SELECT count(*) AS n FROM lahde.provenance_change").first?.int("n") == 2)
        #expect(try db.query(tagQuery).first?["t"] == tagsBefore)
        // Within one batch the order of fields may change; across batches it may not.
        let historyAfter = try #require(try db.query(historyQuery).first?["h"])
        #expect(historyAfter.split(separator: "\n").sorted() == historyBefore.split(separator: "\n").sorted())
        #expect(historyAfter.split(separator: "\n").last == historyBefore.split(separator: "\n").last)
    }
}
