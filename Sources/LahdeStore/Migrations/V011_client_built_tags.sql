-- Current tags the loader can build before the merge.
--
-- A batch's new current tags were aggregated on the server, field by field, with `jsonb_object_agg`, and
-- that aggregation was the largest single cost of a load (BENCHMARKS.md). Everything in a tag but the rule
-- that decided is known to the loader as it stages a record (value, the connector's trust, batch, locator,
-- validity), so the loader now sends each record's tags ready-made and the merge only takes out the fields
-- it did not write. The rule is no longer kept in the current tag: it is in the history
-- (`lahde.provenance_change.rules`), which every written value has a row in, and the view
-- `lahde.provenance` reads it from there, so its columns are what they were.
--
-- A tag is now `[value, trust, batch_id, locator, valid_from]`.

ALTER TABLE lahde.stage_item ADD COLUMN tags jsonb;

UPDATE lahde.field_tag t
SET tags = (SELECT jsonb_object_agg(e.key, e.value - 5) FROM jsonb_each(t.tags) AS e)
WHERE EXISTS (SELECT 1 FROM jsonb_each(t.tags) AS e WHERE jsonb_array_length(e.value) > 5);

CREATE OR REPLACE VIEW lahde.provenance AS
SELECT t.entity_kind, t.entity_id, e.key AS field, e.value ->> 0 AS value, b.connector AS source,
       (e.value ->> 1)::integer AS trust, b.batch_id, e.value ->> 3 AS locator,
       (e.value ->> 4)::timestamptz AS valid_from, b.started_at AS received_at,
       -- the entity's newest change of the field in the tag's batch; an aggregate, not ORDER BY … LIMIT 1,
       -- so that the planner looks the entity up by its index rather than walking every change backwards
       (SELECT (array_agg(c.rules[array_position(c.fields, e.key)] ORDER BY c.change_id DESC))[1]
        FROM lahde.provenance_change c
        WHERE c.entity_id = t.entity_id AND c.entity_kind = t.entity_kind AND c.batch_id = b.batch_id
          AND e.key = ANY (c.fields)) AS rule
FROM lahde.field_tag t
CROSS JOIN LATERAL jsonb_each(t.tags) AS e
JOIN lahde.batch b ON b.batch_id = (e.value ->> 2)::bigint;
