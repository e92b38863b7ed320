/// The set-based SQL of one batch's merge, in the order it runs.
///
/// Every statement works on whole sets — all records of the batch at once — never row by row; the only
/// values in the SQL text are Lähde's own (rule names, catalogue columns). Batch values arrive through
/// the one-row `m_ctx` table, filled with bound parameters.
enum MergeStatements {
    static let applied = MergeRule.sqlList([.applied])
    static let written = MergeRule.sqlList([.applied, .confirmed])

    /// Working tables, dropped at commit.
    ///
    /// `m_rec` is filled half full: each record is updated once as its entity is found or created, and with
    /// room on its page the new version stays there without a new entry in the `record_no` index (200 k
    /// records: 1.2 → 0.85 s for such an update).
    static let prepare = [
        """
        CREATE TEMP TABLE m_ctx (batch_id bigint, connector text, received_at timestamptz, creates boolean, ignore_unmatched boolean) ON COMMIT DROP
        """,
        """
        CREATE TEMP TABLE m_rec WITH (fillfactor = 50) ON COMMIT DROP AS
        SELECT record_no, entity_kind, locator, valid_from, raw_offset, raw_length, priority AS key_count,
               NULL::bigint AS entity_id, NULL::text AS problem, false AS created, false AS rekeyed, false AS keys_known
        FROM lahde.stage_item WHERE item = 'R'
        """,
        "CREATE INDEX ON m_rec (record_no)",
        """
        CREATE TEMP TABLE m_key ON COMMIT DROP AS
        SELECT k.record_no, k.name AS scheme, k.value, k.priority, r.entity_kind
        FROM lahde.stage_item k JOIN m_rec r USING (record_no) WHERE k.item = 'K'
        """,
        "ANALYZE m_rec",
        "ANALYZE m_key",
    ]

    static let context = "INSERT INTO m_ctx VALUES ($1, $2, $3, $4, $5)"

    /// A record without a validity time of its own is valid from its receipt (needs `m_ctx` filled).
    static let defaultValidity = "UPDATE m_rec SET valid_from = (SELECT received_at FROM m_ctx) WHERE valid_from IS NULL"

    /// Finds each record's entity by any of its keys; keys that lead to two different parties make the
    /// record a problem rather than a guess. (The lowest and highest party id say as much as the list of
    /// distinct ids, and can be aggregated by hashing, without sorting every record's keys.)
    static let resolve = [
        """
        UPDATE m_rec r SET entity_id = s.first_id,
               problem = CASE WHEN s.first_id <> s.last_id THEN 'its identifiers belong to different records in the register' END,
               keys_known = s.known = r.key_count
        FROM (SELECT k.record_no, min(i.party_id) AS first_id, max(i.party_id) AS last_id, count(*) AS known
              FROM m_key k JOIN register.party_identifier i ON i.scheme = k.scheme AND i.value = k.value
              WHERE k.entity_kind = 'party'
              GROUP BY k.record_no) s
        WHERE r.record_no = s.record_no AND r.problem IS NULL
        """,
        """
        UPDATE m_rec r SET entity_id = ap.accounting_point_id
        FROM m_key k JOIN register.accounting_point ap ON ap.gsrn = k.value
        WHERE k.scheme = 'gsrn' AND k.record_no = r.record_no AND r.entity_kind = 'accounting_point' AND r.entity_id IS NULL
        """,
        """
        UPDATE m_rec r SET entity_id = c.contract_id
        FROM m_key k JOIN register.contract c ON c.datahub_contract_id = k.value
        WHERE k.scheme = 'datahub_contract' AND k.record_no = r.record_no AND r.entity_kind = 'contract' AND r.entity_id IS NULL
        """,
    ]

    /// For connectors that may create entities: one new party per distinct first key among the records
    /// that found none (numbered in file order, so a replay numbers them alike), one accounting point per
    /// new GSRN, and every key of the batch's records registered (a new party's first key with the party,
    /// its further keys after it; those need looking up, the first ones do not).
    ///
    /// A record's first key is its key of priority 0 (the stager numbers keys from 0), found by that
    /// number rather than by sorting every key of the batch. The party sequence is looked up once: asked
    /// per row, its name's look-up through the catalogue cost 7 µs a party, a third of an initial load's
    /// `m_new` (BENCHMARKS.md, session 7).
    static let create = [
        """
        CREATE TEMP TABLE m_new ON COMMIT DROP AS
        SELECT nextval((SELECT pg_get_serial_sequence('register.party', 'party_id'))::regclass) AS party_id, n.*
        FROM (SELECT k.scheme, k.value, min(k.record_no) AS first_record, min(r.locator) AS locator
              FROM m_key k JOIN m_rec r USING (record_no)
              WHERE k.priority = 0 AND r.entity_kind = 'party' AND r.entity_id IS NULL AND r.problem IS NULL
              GROUP BY k.scheme, k.value
              ORDER BY first_record) n
        """,
        """
        INSERT INTO register.party (party_id, created_by_batch) OVERRIDING SYSTEM VALUE
        SELECT party_id, (SELECT batch_id FROM m_ctx) FROM m_new
        """,
        """
        INSERT INTO register.party_identifier (scheme, value, party_id, batch_id, locator)
        SELECT scheme, value, party_id, (SELECT batch_id FROM m_ctx), locator FROM m_new
        """,
        """
        UPDATE m_rec r SET entity_id = n.party_id, created = true
        FROM m_key k JOIN m_new n ON n.scheme = k.scheme AND n.value = k.value
        WHERE k.priority = 0 AND r.record_no = k.record_no AND r.entity_id IS NULL AND r.problem IS NULL AND r.entity_kind = 'party'
        """,
        """
        INSERT INTO register.party_identifier (scheme, value, party_id, batch_id, locator)
        SELECT DISTINCT ON (k.scheme, k.value) k.scheme, k.value, r.entity_id, (SELECT batch_id FROM m_ctx), r.locator
        FROM m_key k JOIN m_rec r USING (record_no)
        WHERE r.entity_kind = 'party' AND r.entity_id IS NOT NULL AND r.problem IS NULL AND NOT r.keys_known AND k.scheme <> 'gsrn'
          AND NOT (r.created AND k.priority = 0)
          AND NOT EXISTS (SELECT 1 FROM register.party_identifier i WHERE i.scheme = k.scheme AND i.value = k.value)
        ORDER BY k.scheme, k.value, r.record_no
        ON CONFLICT (scheme, value) DO NOTHING
        """,
        """
        WITH fresh AS (
            INSERT INTO register.accounting_point (gsrn, created_by_batch)
            SELECT DISTINCT k.value, (SELECT batch_id FROM m_ctx)
            FROM m_key k JOIN m_rec r USING (record_no)
            WHERE r.entity_kind = 'accounting_point' AND r.entity_id IS NULL AND k.scheme = 'gsrn'
            ON CONFLICT (gsrn) DO NOTHING
            RETURNING accounting_point_id, gsrn)
        UPDATE m_rec r SET entity_id = f.accounting_point_id, created = true
        FROM m_key k JOIN fresh f ON f.gsrn = k.value
        WHERE k.record_no = r.record_no AND k.scheme = 'gsrn' AND r.entity_kind = 'accounting_point' AND r.entity_id IS NULL
        """,
    ]

    /// For connectors that may create entities: an accounting point that a contract names but the register
    /// does not have yet is created by its GSRN (Datahub may send the contract before the point's E58).
    static let createReferencedPoints = """
        INSERT INTO register.accounting_point (gsrn, created_by_batch)
        SELECT DISTINCT substr(o.value, 6), (SELECT batch_id FROM m_ctx)
        FROM lahde.stage_item o
        JOIN m_rec r USING (record_no)
        JOIN lahde.field f ON f.name = o.name AND f.value_type = 'reference'
        WHERE o.item = 'O' AND r.problem IS NULL AND o.value LIKE 'gsrn:%'
        ON CONFLICT (gsrn) DO NOTHING
        """

    /// `reference` fields (V010) arrive as the linked entity's key `scheme:value`; here each becomes the
    /// entity's id, so that survivorship, the typed tables and provenance see ids, never identity codes.
    /// A key that leads nowhere makes the record a problem: a contract with an unknown customer is not a
    /// contract of anybody the register knows.
    static let resolveReferences = [
        """
        UPDATE lahde.stage_item o SET value = ap.accounting_point_id::text
        FROM register.accounting_point ap, lahde.field f
        WHERE o.item = 'O' AND f.name = o.name AND f.value_type = 'reference'
          AND o.value LIKE 'gsrn:%' AND ap.gsrn = substr(o.value, 6)
        """,
        """
        UPDATE lahde.stage_item o SET value = i.party_id::text
        FROM register.party_identifier i, lahde.field f
        WHERE o.item = 'O' AND f.name = o.name AND f.value_type = 'reference' AND o.value LIKE '%:%'
          AND i.scheme = split_part(o.value, ':', 1) AND i.value = substr(o.value, strpos(o.value, ':') + 1)
        """,
        // The record's staged tags (RecordTags) carry the id too.
        """
        UPDATE lahde.stage_item r SET tags = r.tags || u.patch
        FROM (SELECT o.record_no, jsonb_object_agg(o.name, jsonb_set(rr.tags -> o.name, '{0}', to_jsonb(o.value))) AS patch
              FROM lahde.stage_item o
              JOIN lahde.field f ON f.name = o.name AND f.value_type = 'reference'
              JOIN lahde.stage_item rr ON rr.item = 'R' AND rr.record_no = o.record_no
              WHERE o.item = 'O' AND o.value NOT LIKE '%:%' AND rr.tags ? o.name
              GROUP BY o.record_no) u
        WHERE r.item = 'R' AND r.record_no = u.record_no
        """,
        """
        UPDATE m_rec r SET problem = CASE WHEN u.value LIKE 'gsrn:%'
                                          THEN 'its accounting point ' || substr(u.value, 6) || ' is not in the register'
                                          ELSE 'its ' || split_part(u.value, ':', 1) || ' (' || u.name || ') leads to no party in the register' END
        FROM (SELECT DISTINCT ON (o.record_no) o.record_no, o.name, o.value
              FROM lahde.stage_item o JOIN lahde.field f ON f.name = o.name AND f.value_type = 'reference'
              WHERE o.item = 'O' AND o.value LIKE '%:%'
              ORDER BY o.record_no, o.seq) u
        WHERE r.record_no = u.record_no AND r.problem IS NULL
        """,
    ]

    /// For connectors that may create entities: a contract id the register has not seen becomes a contract
    /// (after the references were resolved, so a record that names nobody creates nothing).
    static let createContracts = """
        WITH fresh AS (
            INSERT INTO register.contract (datahub_contract_id, created_by_batch)
            SELECT DISTINCT k.value, (SELECT batch_id FROM m_ctx)
            FROM m_key k JOIN m_rec r USING (record_no)
            WHERE r.entity_kind = 'contract' AND r.entity_id IS NULL AND r.problem IS NULL AND k.scheme = 'datahub_contract'
            ON CONFLICT (datahub_contract_id) DO NOTHING
            RETURNING contract_id, datahub_contract_id)
        UPDATE m_rec r SET entity_id = f.contract_id, created = true
        FROM m_key k JOIN fresh f ON f.datahub_contract_id = k.value
        WHERE k.record_no = r.record_no AND k.scheme = 'datahub_contract' AND r.entity_kind = 'contract' AND r.entity_id IS NULL
          AND r.problem IS NULL
        """

    /// After creation: a record whose keys now lead to two parties is a problem; one that found nothing
    /// has no matching record.
    /// Only after creation can a record's keys newly lead to two parties (one registered by another
    /// record of the same batch); without creation, `resolve` has already seen every conflict.
    static let recheckConflicts = """
        UPDATE m_rec r SET problem = 'its identifiers belong to different records in the register'
        FROM (SELECT k.record_no FROM m_key k JOIN register.party_identifier i ON i.scheme = k.scheme AND i.value = k.value
              WHERE k.entity_kind = 'party' GROUP BY k.record_no HAVING min(i.party_id) <> max(i.party_id)) s
        WHERE r.record_no = s.record_no AND r.problem IS NULL
        """

    static let finishResolution = [
        """
        UPDATE m_rec SET problem = CASE WHEN (SELECT ignore_unmatched FROM m_ctx) THEN 'ignored' ELSE 'no matching record' END
        WHERE entity_id IS NULL AND problem IS NULL
        """,
    ]

    /// Henkilötunnus corrections: the newest per person wins; the person keeps every earlier code (inactive,
    /// so feeds still keyed by it find them) and the change is recorded in provenance like any value.
    static let corrections = [
        """
        CREATE TEMP TABLE m_correction ON COMMIT DROP AS
        SELECT DISTINCT ON (r.entity_id) r.entity_id, c.value AS new_value, r.record_no, r.locator, r.valid_from,
               (SELECT i.value FROM register.party_identifier i
                WHERE i.party_id = r.entity_id AND i.scheme = 'henkilotunnus' AND i.active AND i.value <> c.value
                ORDER BY i.added_at DESC LIMIT 1) AS old_value
        FROM lahde.stage_item c JOIN m_rec r USING (record_no)
        WHERE c.item = 'C' AND r.problem IS NULL AND r.entity_kind = 'party'
        ORDER BY r.entity_id, r.valid_from DESC, r.record_no DESC
        """,
        "DELETE FROM m_correction WHERE old_value IS NULL",
        """
        UPDATE register.party_identifier i SET active = false
        FROM m_correction c WHERE i.party_id = c.entity_id AND i.scheme = 'henkilotunnus' AND i.value <> c.new_value
        """,
        """
        INSERT INTO register.party_identifier (scheme, value, party_id, active, batch_id, locator)
        SELECT 'henkilotunnus', c.new_value, c.entity_id, true, x.batch_id, c.locator FROM m_correction c CROSS JOIN m_ctx x
        ON CONFLICT (scheme, value) DO UPDATE SET active = true WHERE party_identifier.party_id = EXCLUDED.party_id
        """,
        """
        INSERT INTO lahde.provenance_change
            (entity_kind, entity_id, batch_id, fields, old_values, new_values, trusts, rules, locators, valid_froms)
        SELECT 'party', c.entity_id, x.batch_id, ARRAY['henkilotunnus'], ARRAY[c.old_value], ARRAY[c.new_value], ARRAY[0],
               ARRAY['correction'], ARRAY[c.locator], ARRAY[c.valid_from]
        FROM m_correction c CROSS JOIN m_ctx x
        """,
        """
        INSERT INTO lahde.field_tag AS t (entity_kind, entity_id, tags)
        SELECT 'party', c.entity_id,
               jsonb_build_object('henkilotunnus', jsonb_build_array(c.new_value, 0, x.batch_id, c.locator, c.valid_from))
        FROM m_correction c CROSS JOIN m_ctx x
        ON CONFLICT (entity_kind, entity_id) DO UPDATE SET tags = t.tags || EXCLUDED.tags
        """,
        "UPDATE m_rec r SET rekeyed = true FROM m_correction c WHERE c.record_no = r.record_no",
    ]

    /// Every observation of a usable record, with its connector's trust for the field (staged with it).
    ///
    /// With possible contests the candidates are a table, which the contest statements read several times.
    /// Without, they are a view that the decision reads once, straight from the staged rows: writing a
    /// million candidates to a work table only to read them back once was a tenth of an initial load.
    /// (The trust is staged rather than joined from `lahde.source_trust` by the batch's connector: a join
    /// on a value the planner cannot see made it expect a few thousand candidates instead of millions, and
    /// look each one's record up through an index.)
    static func candidates(materialized: Bool) -> String {
        """
        \(materialized ? "CREATE TEMP TABLE m_cand ON COMMIT DROP AS" : "CREATE TEMP VIEW m_cand AS")
        SELECT r.entity_kind, r.entity_id, o.name AS field, o.value, o.seq, o.locator, r.valid_from, r.record_no, o.priority AS trust
        FROM lahde.stage_item o
        JOIN m_rec r USING (record_no)
        WHERE o.item = 'O' AND r.problem IS NULL
        """
    }

    /// Whether any entity-field can have more than one candidate in this batch: only when two usable records
    /// reach one entity, or one record repeats a field (the stager marks those). Usually neither, and then
    /// every candidate is its field's best without sorting a million rows to find out.
    static let mayBeContested = """
        SELECT EXISTS (SELECT 1 FROM m_rec WHERE problem IS NULL GROUP BY entity_kind, entity_id HAVING count(*) > 1)
            OR EXISTS (SELECT 1 FROM lahde.stage_item WHERE item = 'R' AND name = '\(Stager.repeatsFieldsMark)') AS contested
        """

    /// With possible contests: the entity-fields with more than one candidate, and the best candidate per
    /// entity and field (newest validity, then latest in the file); only the contested ones are sorted.
    static let contested = [
        """
        CREATE TEMP TABLE m_contested ON COMMIT DROP AS
        SELECT entity_kind, entity_id, field FROM m_cand GROUP BY entity_kind, entity_id, field HAVING count(*) > 1
        """,
        """
        CREATE TEMP TABLE m_best ON COMMIT DROP AS
        SELECT c.* FROM m_cand c
        WHERE NOT EXISTS (SELECT 1 FROM m_contested k
                          WHERE k.entity_kind = c.entity_kind AND k.entity_id = c.entity_id AND k.field = c.field)
        UNION ALL
        SELECT * FROM (SELECT DISTINCT ON (c.entity_kind, c.entity_id, c.field) c.*
                       FROM m_cand c JOIN m_contested k USING (entity_kind, entity_id, field)
                       ORDER BY c.entity_kind, c.entity_id, c.field, c.valid_from DESC, c.seq DESC) contested
        """,
        "ANALYZE m_best",
        """
        CREATE TEMP TABLE m_losing ON COMMIT DROP AS
        SELECT c.entity_kind, c.entity_id, jsonb_object_agg(c.field, c.losing) AS losing
        FROM (SELECT c.entity_kind, c.entity_id, c.field,
                     jsonb_agg(jsonb_build_object('value', c.value, 'locator', c.locator, 'valid_from', c.valid_from,
                                                  'reason', 'superseded-in-batch') ORDER BY c.seq) AS losing
              FROM m_contested k
              JOIN m_cand c USING (entity_kind, entity_id, field)
              JOIN m_best b USING (entity_kind, entity_id, field)
              WHERE c.seq <> b.seq
              GROUP BY c.entity_kind, c.entity_id, c.field) c
        GROUP BY c.entity_kind, c.entity_id
        """,
    ]

    /// Without contests every candidate is the best one. The views go with the work tables they read at
    /// commit (ON COMMIT DROP cascades) and with the transaction on rollback.
    static let uncontested = [
        "CREATE TEMP TABLE m_contested (entity_kind text, entity_id bigint, field text) ON COMMIT DROP",
        "CREATE TEMP VIEW m_best AS SELECT * FROM m_cand",
        "CREATE TEMP TABLE m_losing (entity_kind text, entity_id bigint, losing jsonb) ON COMMIT DROP",
    ]

    /// The fields this batch writes, so that tables none of them lives in are not visited, and whether the
    /// field's every decision was written (a value applied or confirmed), in the same pass.
    static let writtenFields = """
        SELECT field, bool_or(rule IN (\(applied))) AS applied, bool_and(rule IN (\(written))) AS all_written
        FROM m_decided GROUP BY field
        """

    /// The survivorship decision for each best candidate against the register's current value, whose tag is
    /// `[value, trust, batch_id, locator, valid_from]` in `lahde.field_tag` (V005, V011).
    ///
    /// The current tag is taken out of the entity's tag document once per candidate, and its parts once
    /// each, behind `OFFSET 0` fences: flattened into the decision, every mention of a part in the rules
    /// re-extracted it from the whole document, a quarter of the statement's time.
    static let decide = """
        CREATE TEMP TABLE m_decided ON COMMIT DROP AS
        SELECT b.entity_kind, b.entity_id, b.field, b.value, b.seq, b.locator, b.valid_from, b.record_no, b.trust, b.old_value,
          CASE
            WHEN f.address_field AND prot.party_id IS NOT NULL
                 AND b.trust < coalesce((SELECT st.rank FROM lahde.source_trust st WHERE st.connector = prot.source AND st.field = b.field), prot.trust)
              THEN 'protected'
            WHEN b.tag IS NULL THEN CASE WHEN b.value IS NULL THEN 'unchanged' ELSE 'first-value' END
            WHEN f.ban_wins AND b.old_value = 'true' AND b.value IS DISTINCT FROM 'true'
                 AND (SELECT pb.connector FROM lahde.batch pb WHERE pb.batch_id = b.old_batch_id) <> (SELECT connector FROM m_ctx)
              THEN 'ban-kept'
            WHEN f.ban_wins AND b.value = 'true' AND b.old_value IS DISTINCT FROM 'true' THEN 'ban-wins'
            WHEN b.trust < b.old_trust THEN 'lower-trust'
            WHEN b.trust = b.old_trust AND b.valid_from < b.old_valid_from THEN 'older-validity'
            WHEN b.value IS NOT DISTINCT FROM b.old_value THEN
              CASE WHEN b.trust > b.old_trust OR b.valid_from > b.old_valid_from THEN 'confirmed' ELSE 'unchanged' END
            WHEN b.trust > b.old_trust THEN 'higher-trust'
            WHEN b.valid_from > b.old_valid_from THEN 'newer-validity'
            ELSE 'later-arrival'
          END AS rule
        FROM (SELECT c.*, c.tag ->> 0 AS old_value, (c.tag ->> 1)::integer AS old_trust, (c.tag ->> 2)::bigint AS old_batch_id,
                     (c.tag ->> 4)::timestamptz AS old_valid_from
              FROM (SELECT b.*, t.tags -> b.field AS tag
                    FROM m_best b
                    LEFT JOIN lahde.field_tag t ON t.entity_kind = b.entity_kind AND t.entity_id = b.entity_id
                    OFFSET 0) c
              OFFSET 0) b
        JOIN lahde.field f ON f.name = b.field
        LEFT JOIN (SELECT pr.party_id, pb.connector AS source, (pt.tags -> 'turvakielto' ->> 1)::integer AS trust
                   FROM register.protection pr
                   JOIN lahde.field_tag pt ON pt.entity_kind = 'party' AND pt.entity_id = pr.party_id
                   JOIN lahde.batch pb ON pb.batch_id = (pt.tags -> 'turvakielto' ->> 2)::bigint
                   WHERE pr.kind = 'turvakielto' AND pr.active AND (pr.ends_on IS NULL OR pr.ends_on >= current_date)) prot
          ON b.entity_kind = 'party' AND prot.party_id = b.entity_id
        """

    /// Provenance of every written value: a history row per entity with the batch's losing candidates
    /// (and the rule that decided each value), and the entity's current tags merged with the new ones
    /// (`||` replaces the changed fields' tags only).
    static let history = """
        INSERT INTO lahde.provenance_change
            (entity_kind, entity_id, batch_id, fields, old_values, new_values, trusts, rules, locators, valid_froms, losing)
        SELECT a.entity_kind, a.entity_id, (SELECT batch_id FROM m_ctx), a.fields, a.old_values, a.new_values,
               a.trusts, a.rules, a.locators, a.valid_froms, l.losing
        FROM (SELECT d.entity_kind, d.entity_id, array_agg(d.field) AS fields, array_agg(d.old_value) AS old_values,
                     array_agg(d.value) AS new_values, array_agg(d.trust) AS trusts, array_agg(d.rule) AS rules,
                     array_agg(d.locator) AS locators, array_agg(d.valid_from) AS valid_froms
              FROM m_decided d
              WHERE d.rule IN (\(written))
              GROUP BY d.entity_kind, d.entity_id) a
        LEFT JOIN m_losing l USING (entity_kind, entity_id)
        """

    /// The batch's new tags per entity (`m_new_tags`), merged into the tags an entity has or inserted for
    /// one that has none yet; the anti-join runs against the batch's own updated rows, not the whole table.
    private static func mergeTags(_ newTags: String) -> String {
        """
        WITH m_new_tags AS (\(newTags)),
        updated AS (
            UPDATE lahde.field_tag t SET tags = t.tags || n.tags
            FROM m_new_tags n WHERE t.entity_kind = n.entity_kind AND t.entity_id = n.entity_id
            RETURNING t.entity_kind, t.entity_id)
        INSERT INTO lahde.field_tag (entity_kind, entity_id, tags)
        SELECT n.entity_kind, n.entity_id, n.tags FROM m_new_tags n
        WHERE NOT EXISTS (SELECT 1 FROM updated u WHERE u.entity_kind = n.entity_kind AND u.entity_id = n.entity_id)
        """
    }

    /// Without contests each entity has one record, and its tags are the ones the loader staged with it
    /// (`RecordTags`) less the fields the decision did not write. When every decision was written (an
    /// initial load, a full update) nothing is taken out, and the decisions need not be read again.
    static func stagedTags(everyDecisionWritten: Bool) -> String {
        if everyDecisionWritten {
            return mergeTags(
                """
                SELECT r.entity_kind, r.entity_id, s.tags
                FROM m_rec r
                JOIN lahde.stage_item s ON s.item = 'R' AND s.record_no = r.record_no
                WHERE r.problem IS NULL AND s.tags <> '{}'::jsonb
                """)
        }
        return mergeTags(
            """
            SELECT r.entity_kind, r.entity_id, s.tags - coalesce(u.fields, '{}'::text[]) AS tags
            FROM m_rec r
            JOIN lahde.stage_item s ON s.item = 'R' AND s.record_no = r.record_no
            LEFT JOIN (SELECT entity_kind, entity_id, array_agg(field) AS fields
                       FROM m_decided WHERE rule NOT IN (\(written))
                       GROUP BY entity_kind, entity_id) u ON u.entity_kind = r.entity_kind AND u.entity_id = r.entity_id
            WHERE r.problem IS NULL AND s.tags - coalesce(u.fields, '{}'::text[]) <> '{}'::jsonb
            """)
    }

    /// With contests, an entity's winning values may come from several records: its tags are built from
    /// the decisions.
    static let decidedTags = mergeTags(
        """
        SELECT d.entity_kind, d.entity_id,
               jsonb_object_agg(d.field, jsonb_build_array(d.value, d.trust, (SELECT batch_id FROM m_ctx), d.locator, d.valid_from)) AS tags
        FROM m_decided d
        WHERE d.rule IN (\(written))
        GROUP BY d.entity_kind, d.entity_id
        """)

    /// Per-record and per-field counts. A record counts as applied if any of its values was written (or it
    /// created its entity), else superseded if any lost, else unchanged.
    ///
    /// Each decision carries its candidate's record; the only other candidates are the losers of contested
    /// entity-fields (none without contests), found by their observation number, never by joining a million
    /// candidates to their decisions on three columns. Every count comes from one pass over its set.
    static func counts(contested: Bool) -> String {
        let losers = contested ? """
            UNION ALL
            SELECT c.record_no, 'superseded'
            FROM m_cand c JOIN m_contested k USING (entity_kind, entity_id, field)
            WHERE NOT EXISTS (SELECT 1 FROM m_decided d WHERE d.seq = c.seq)
            """ : ""
        return """
        WITH outcome AS (
            SELECT d.record_no,
                   CASE WHEN d.rule IN (\(applied)) THEN 'applied'
                        WHEN d.rule = 'confirmed' THEN 'confirmed'
                        WHEN d.rule = 'protected' THEN 'protected'
                        WHEN d.rule = 'unchanged' THEN 'unchanged'
                        ELSE 'superseded' END AS outcome
            FROM m_decided d
            \(losers)),
        by_record AS (
            SELECT record_no, bool_or(outcome = 'applied') AS applied, bool_or(outcome IN ('superseded', 'protected')) AS lost
            FROM outcome GROUP BY record_no),
        per_record AS (
            SELECT CASE WHEN r.created OR r.rekeyed OR o.applied THEN 'applied'
                        WHEN o.lost THEN 'superseded'
                        ELSE 'unchanged' END AS outcome
            FROM m_rec r LEFT JOIN by_record o USING (record_no)
            WHERE r.problem IS NULL OR r.problem = 'ignored')
        SELECT s.read, s.suppressed, p.applied, p.unchanged, p.superseded, s.quarantined + m.unplaced AS quarantined, m.created,
               f.f_observed, f.f_applied, f.f_confirmed, f.f_unchanged, f.f_superseded, f.f_protected
        FROM (SELECT count(*) AS read, count(*) FILTER (WHERE item = 'S') AS suppressed, count(*) FILTER (WHERE item = 'Q') AS quarantined
              FROM lahde.stage_item WHERE item IN ('R', 'Q', 'S')) s,
             (SELECT count(*) FILTER (WHERE problem <> 'ignored') AS unplaced, count(*) FILTER (WHERE created) AS created FROM m_rec) m,
             (SELECT count(*) FILTER (WHERE outcome = 'applied') AS applied, count(*) FILTER (WHERE outcome = 'unchanged') AS unchanged,
                     count(*) FILTER (WHERE outcome = 'superseded') AS superseded
              FROM per_record) p,
             (SELECT count(*) AS f_observed, count(*) FILTER (WHERE outcome = 'applied') AS f_applied,
                     count(*) FILTER (WHERE outcome = 'confirmed') AS f_confirmed, count(*) FILTER (WHERE outcome = 'unchanged') AS f_unchanged,
                     count(*) FILTER (WHERE outcome = 'superseded') AS f_superseded, count(*) FILTER (WHERE outcome = 'protected') AS f_protected
              FROM outcome) f
        """
    }

    static let quarantineFromStage = """
        INSERT INTO lahde.quarantine (batch_id, locator, reason, raw)
        SELECT (SELECT batch_id FROM m_ctx), locator, name, raw FROM lahde.stage_item WHERE item = 'Q' ORDER BY record_no
        """

    static let problemRecords = """
        SELECT record_no, locator, problem, raw_offset, raw_length FROM m_rec WHERE problem <> 'ignored' ORDER BY record_no
        """
}
