-- Erasure (GDPR art. 17). An erased person leaves no value, no provenance and no quarantined input behind;
-- what remains is an audit entry (when, why, by which request) and suppression entries: keyed hashes of
-- the person's identifiers, so that later feeds and replays never bring the person back.

CREATE TABLE lahde.erasure (
    erasure_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    erased_at    timestamptz NOT NULL DEFAULT now(),
    reason       text NOT NULL,
    entity_kind  text NOT NULL,
    -- How much was removed, for the audit: counts only, no personal data.
    removed      jsonb NOT NULL
);

CREATE TABLE lahde.suppression (
    key_hash    text PRIMARY KEY CHECK (key_hash ~ '^[0-9a-f]{64}$'),  -- HMAC-SHA256(key, scheme || ':' || value)
    erasure_id  bigint NOT NULL REFERENCES lahde.erasure
);
