-- Field-level provenance, stored per entity instead of per field.
--
-- A row per field (a current tag and a history row for every value) made provenance eight rows for every
-- person an initial load created and three for every person an update touched, and writing those rows was
-- most of a batch's time (BENCHMARKS.md). The same facts are now kept in one row per entity for the
-- current tags and one row per entity and batch for the history; the views `lahde.provenance` and
-- `lahde.provenance_history` give them back field by field, with the columns the per-field tables had, so
-- that queries written against those keep working.
--
-- What a tag does not repeat: the source and the receipt time are the batch's connector and start time
-- (`lahde.batch`), which every field of a batch shares.

-- The current tag of every field of an entity: {field: [value, trust, batch_id, locator, valid_from, rule]}.
CREATE TABLE lahde.field_tag (
    entity_kind  text   NOT NULL,
    entity_id    bigint NOT NULL,
    tags         jsonb  NOT NULL,
    PRIMARY KEY (entity_kind, entity_id)
) WITH (fillfactor = 70);  -- room on each page for HOT updates: an entity's tags are rewritten as it changes

-- Every change, append-only: one row per entity and batch, the changed fields in parallel arrays (one
-- element per field) and the candidates that lost within the batch by field.
CREATE TABLE lahde.provenance_change (
    change_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_kind  text     NOT NULL,
    entity_id    bigint   NOT NULL,
    batch_id     bigint   NOT NULL,
    fields       text[]   NOT NULL,
    old_values   text[]   NOT NULL,
    new_values   text[]   NOT NULL,
    trusts       integer[] NOT NULL,
    rules        text[]   NOT NULL,
    locators     text[]   NOT NULL,
    valid_froms  timestamptz[] NOT NULL,
    losing       jsonb
);
CREATE INDEX provenance_change_by_entity ON lahde.provenance_change (entity_id);

-- Existing provenance moves over unchanged in content.
INSERT INTO lahde.field_tag (entity_kind, entity_id, tags)
SELECT entity_kind, entity_id,
       jsonb_object_agg(field, jsonb_build_array(value, trust, batch_id, locator, valid_from, rule))
FROM lahde.provenance
GROUP BY entity_kind, entity_id;

INSERT INTO lahde.provenance_change
    (entity_kind, entity_id, batch_id, fields, old_values, new_values, trusts, rules, locators, valid_froms, losing)
SELECT entity_kind, entity_id, batch_id,
       array_agg(field ORDER BY history_id), array_agg(old_value ORDER BY history_id),
       array_agg(new_value ORDER BY history_id), array_agg(trust ORDER BY history_id),
       array_agg(rule ORDER BY history_id), array_agg(locator ORDER BY history_id),
       array_agg(valid_from ORDER BY history_id),
       jsonb_object_agg(field, losing) FILTER (WHERE losing IS NOT NULL)
FROM lahde.provenance_history
GROUP BY entity_kind, entity_id, batch_id
ORDER BY min(history_id);

DROP TABLE lahde.provenance;
DROP TABLE lahde.provenance_history;

-- The current tag of every value, one row per entity and field (what `lahde provenance` shows).
CREATE VIEW lahde.provenance AS
SELECT t.entity_kind, t.entity_id, e.key AS field, e.value ->> 0 AS value, b.connector AS source,
       (e.value ->> 1)::integer AS trust, b.batch_id, e.value ->> 3 AS locator,
       (e.value ->> 4)::timestamptz AS valid_from, b.started_at AS received_at, e.value ->> 5 AS rule
FROM lahde.field_tag t
CROSS JOIN LATERAL jsonb_each(t.tags) AS e
JOIN lahde.batch b ON b.batch_id = (e.value ->> 2)::bigint;

-- Every change, one row per entity, field and batch, in the order they were made.
CREATE VIEW lahde.provenance_history AS
SELECT c.change_id AS history_id, c.entity_kind, c.entity_id, u.field, u.old_value, u.new_value,
       b.connector AS source, u.trust, c.batch_id, u.locator, u.valid_from, b.started_at AS received_at, u.rule,
       c.losing -> u.field AS losing
FROM lahde.provenance_change c
CROSS JOIN LATERAL unnest(c.fields, c.old_values, c.new_values, c.trusts, c.rules, c.locators, c.valid_froms)
    AS u(field, old_value, new_value, trust, rule, locator, valid_from)
JOIN lahde.batch b ON b.batch_id = c.batch_id;
