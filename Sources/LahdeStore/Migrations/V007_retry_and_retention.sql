-- Quarantine retry and retention purge.
--
-- Retry: a quarantined record can be re-driven through its connector after an operator fixed the
-- definition. A record needs its file's preamble to be read alone (a CSV header names the columns), so a
-- batch keeps it; a retry batch is a batch of the original file's quarantined records only, recorded
-- with the original file's name and hash and marked with the batch it retries. A record that then loads
-- stays in the quarantine, marked resolved by the retry batch; one that is still bad keeps its row with
-- the new reason.

ALTER TABLE lahde.batch
    ADD COLUMN preamble bytea,
    ADD COLUMN retry_of bigint REFERENCES lahde.batch ON DELETE CASCADE;

ALTER TABLE lahde.quarantine
    ADD COLUMN resolved_at timestamptz,
    ADD COLUMN resolved_by bigint REFERENCES lahde.batch ON DELETE SET NULL;

-- Retention purge: what was removed, when and under which rule (counts only, no personal data).
CREATE TABLE lahde.purge (
    purge_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purged_at   timestamptz NOT NULL DEFAULT now(),
    rules       jsonb NOT NULL,
    removed     jsonb NOT NULL
);
