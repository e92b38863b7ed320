-- The job ledger: every run of a scheduled job (`lahde run`), what it fetched and which batch it
-- imported. A job is a connector definition with a `fetch` section; its schedule is due again after its
-- last successful run, so a failed run (with its error kept here) is retried by the next one.

CREATE TABLE lahde.job_run (
    run_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job           text        NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at   timestamptz,
    -- running: in progress (or its process died; the next run of the job marks it failed);
    -- loaded: new content fetched and imported; unchanged: the content was already imported.
    status        text        NOT NULL CHECK (status IN ('running', 'loaded', 'unchanged', 'failed')),
    error         text,
    sha256        text        CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    byte_count    bigint,
    file_name     text,
    batch_id      bigint      REFERENCES lahde.batch ON DELETE SET NULL,
    CONSTRAINT job_run_finished CHECK ((status = 'running') = (finished_at IS NULL))
);

CREATE INDEX job_run_by_job ON lahde.job_run (job, started_at DESC);
