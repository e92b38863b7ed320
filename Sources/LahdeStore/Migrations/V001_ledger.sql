-- The batch ledger and the quarantine: every input file (or message page) Lähde reads is a batch,
-- identified by the SHA-256 of its content, and every record it held is accounted for.

CREATE SCHEMA IF NOT EXISTS lahde;

CREATE TABLE lahde.batch (
    batch_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connector     text        NOT NULL,
    file_name     text        NOT NULL,
    sha256        text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    byte_count    bigint      NOT NULL,
    status        text        NOT NULL CHECK (status IN ('loading', 'loaded', 'failed')),
    started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at   timestamptz,
    read          bigint      NOT NULL DEFAULT 0,
    applied       bigint      NOT NULL DEFAULT 0,
    unchanged     bigint      NOT NULL DEFAULT 0,
    superseded    bigint      NOT NULL DEFAULT 0,
    quarantined   bigint      NOT NULL DEFAULT 0,
    suppressed    bigint      NOT NULL DEFAULT 0,
    error         text,
    field_counts  jsonb,
    CONSTRAINT batch_counts_add_up CHECK (
        status <> 'loaded' OR read = applied + unchanged + superseded + quarantined + suppressed)
);

-- The same bytes under another name are the same batch: the loader looks content up by hash before it
-- loads (under the merge lock, so two imports of one file cannot both pass the check).
CREATE INDEX batch_by_content ON lahde.batch (connector, sha256) WHERE status = 'loaded';

CREATE TABLE lahde.quarantine (
    quarantine_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id      bigint      NOT NULL REFERENCES lahde.batch ON DELETE CASCADE,
    locator       text        NOT NULL,
    reason        text        NOT NULL,
    raw           bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    retried_at    timestamptz
);
CREATE INDEX quarantine_by_batch ON lahde.quarantine (batch_id);
