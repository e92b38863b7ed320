-- The register: typed tables that a utility's other systems query directly, and the field catalogue that
-- tells the loader where each observed field lives and how it survives.

CREATE SCHEMA IF NOT EXISTS register;

-- A person or an organisation: a customer, a contract party, an estate.
CREATE TABLE register.party (
    party_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    party_type        text,          -- person | organisation (from the feeds; null until one says)
    first_names       text,
    last_name         text,
    organisation_name text,
    language          text,          -- ISO 639-1: fi, sv, en, …
    birth_date        date,
    phone             text,
    email             text,
    deceased          boolean,
    death_date        date,
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by_batch  bigint
) WITH (fillfactor = 80);  -- room for HOT updates: feeds rewrite a party's columns, never its key

-- Every identifier a party is known by. A henkilötunnus correction keeps the old code (active = false) so
-- that feeds still keyed by it find the person.
CREATE TABLE register.party_identifier (
    scheme      text   NOT NULL CHECK (scheme IN ('henkilotunnus', 'y_tunnus', 'customer_number', 'datahub_party')),
    value       text   NOT NULL,
    party_id    bigint NOT NULL REFERENCES register.party ON DELETE CASCADE,
    active      boolean NOT NULL DEFAULT true,
    batch_id    bigint,
    locator     text,
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scheme, value)
);
CREATE INDEX party_identifier_by_party ON register.party_identifier (party_id);

-- Addresses by kind; one current address of each kind per party.
CREATE TABLE register.address (
    party_id     bigint NOT NULL REFERENCES register.party ON DELETE CASCADE,
    kind         text   NOT NULL CHECK (kind IN ('permanent', 'temporary', 'postal', 'abroad', 'billing')),
    street       text,
    postal_code  text,
    city         text,
    country      text,
    PRIMARY KEY (party_id, kind)
) WITH (fillfactor = 80);

-- Non-disclosure for personal safety (turvakielto): while active and not past ends_on, addresses may be
-- written only by a source at least as trusted as the one that set it, and none may be exported.
CREATE TABLE register.protection (
    party_id  bigint NOT NULL REFERENCES register.party ON DELETE CASCADE,
    kind      text   NOT NULL CHECK (kind IN ('turvakielto')),
    active    boolean NOT NULL DEFAULT false,
    ends_on   date,
    PRIMARY KEY (party_id, kind)
);

-- Marketing permissions and bans. A ban from any source wins over a permission from any other.
CREATE TABLE register.marketing (
    party_id                     bigint PRIMARY KEY REFERENCES register.party ON DELETE CASCADE,
    direct_marketing_permission  boolean,
    direct_marketing_ban         boolean,
    telemarketing_ban            boolean,
    data_release_ban             boolean
);

CREATE TABLE register.accounting_point (
    accounting_point_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    gsrn                 text NOT NULL UNIQUE CHECK (gsrn ~ '^[0-9]{18}$'),
    grid_area            text,
    status               text,
    point_type           text,
    street               text,
    postal_code          text,
    city                 text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    created_by_batch     bigint
);

CREATE TABLE register.contract (
    contract_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    party_id             bigint NOT NULL REFERENCES register.party ON DELETE CASCADE,
    accounting_point_id  bigint NOT NULL REFERENCES register.accounting_point,
    starts_on            date   NOT NULL,
    ends_on              date,
    cancelled            boolean NOT NULL DEFAULT false,
    reason               text,
    UNIQUE (party_id, accounting_point_id, starts_on)
);

-- The field catalogue: every field a connector may observe, its value type, where its value is kept and
-- how it survives. The loader reads it at the start of each batch; nothing else names columns.
CREATE TABLE lahde.field (
    name           text PRIMARY KEY,
    entity_kind    text NOT NULL CHECK (entity_kind IN ('party', 'accounting_point')),
    value_type     text NOT NULL CHECK (value_type IN ('text', 'date', 'boolean', 'postal_code', 'language', 'country', 'email', 'phone', 'party_type')),
    target_table   text NOT NULL,
    target_column  text NOT NULL,
    target_kind    text,            -- the row's kind column value for address/protection rows
    ban_wins       boolean NOT NULL DEFAULT false,
    address_field  boolean NOT NULL DEFAULT false
);

INSERT INTO lahde.field (name, entity_kind, value_type, target_table, target_column, target_kind, ban_wins, address_field) VALUES
    ('party_type',                     'party', 'party_type',  'register.party', 'party_type', NULL, false, false),
    ('first_names',                    'party', 'text',        'register.party', 'first_names', NULL, false, false),
    ('last_name',                      'party', 'text',        'register.party', 'last_name', NULL, false, false),
    ('organisation_name',              'party', 'text',        'register.party', 'organisation_name', NULL, false, false),
    ('language',                       'party', 'language',    'register.party', 'language', NULL, false, false),
    ('birth_date',                     'party', 'date',        'register.party', 'birth_date', NULL, false, false),
    ('phone',                          'party', 'phone',       'register.party', 'phone', NULL, false, false),
    ('email',                          'party', 'email',       'register.party', 'email', NULL, false, false),
    ('deceased',                       'party', 'boolean',     'register.party', 'deceased', NULL, false, false),
    ('death_date',                     'party', 'date',        'register.party', 'death_date', NULL, false, false),
    ('turvakielto',                    'party', 'boolean',     'register.protection', 'active', 'turvakielto', false, false),
    ('turvakielto_ends_on',            'party', 'date',        'register.protection', 'ends_on', 'turvakielto', false, false),
    ('direct_marketing_permission',    'party', 'boolean',     'register.marketing', 'direct_marketing_permission', NULL, false, false),
    ('direct_marketing_ban',           'party', 'boolean',     'register.marketing', 'direct_marketing_ban', NULL, true, false),
    ('telemarketing_ban',              'party', 'boolean',     'register.marketing', 'telemarketing_ban', NULL, true, false),
    ('data_release_ban',               'party', 'boolean',     'register.marketing', 'data_release_ban', NULL, true, false);

INSERT INTO lahde.field (name, entity_kind, value_type, target_table, target_column, target_kind, ban_wins, address_field)
SELECT 'address.' || k.kind || '.' || c.part, 'party',
       CASE c.part WHEN 'postal_code' THEN CASE WHEN k.kind = 'abroad' THEN 'text' ELSE 'postal_code' END
                   WHEN 'country' THEN 'country' ELSE 'text' END,
       'register.address', c.part, k.kind, false, true
FROM (VALUES ('permanent'), ('temporary'), ('postal'), ('abroad'), ('billing')) AS k(kind),
     (VALUES ('street'), ('postal_code'), ('city'), ('country')) AS c(part);

INSERT INTO lahde.field (name, entity_kind, value_type, target_table, target_column, target_kind, ban_wins, address_field) VALUES
    ('grid_area',    'accounting_point', 'text',        'register.accounting_point', 'grid_area', NULL, false, false),
    ('status',       'accounting_point', 'text',        'register.accounting_point', 'status', NULL, false, false),
    ('point_type',   'accounting_point', 'text',        'register.accounting_point', 'point_type', NULL, false, false),
    ('street',       'accounting_point', 'text',        'register.accounting_point', 'street', NULL, false, false),
    ('postal_code',  'accounting_point', 'postal_code', 'register.accounting_point', 'postal_code', NULL, false, false),
    ('city',         'accounting_point', 'text',        'register.accounting_point', 'city', NULL, false, false);

-- How much each connector is trusted for each field (from the definitions in connectors/, refreshed at
-- every import). Higher wins.
CREATE TABLE lahde.source_trust (
    connector  text NOT NULL,
    field      text NOT NULL REFERENCES lahde.field,
    rank       integer NOT NULL,
    PRIMARY KEY (connector, field)
);

-- Field-level provenance: the current tag of every value in the register…
--
-- No foreign keys on the provenance tables, nor on the register's batch columns: they are written only by
-- the loader, set-based, inside the batch's transaction, from rows it has just resolved, and a per-row FK
-- trigger over millions of rows cost more than the rest of the merge (BENCHMARKS.md).
CREATE TABLE lahde.provenance (
    entity_kind  text   NOT NULL,
    entity_id    bigint NOT NULL,
    field        text   NOT NULL,
    value        text,
    source       text   NOT NULL,
    trust        integer NOT NULL,
    batch_id     bigint NOT NULL,
    locator      text   NOT NULL,
    valid_from   timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    rule         text   NOT NULL,
    PRIMARY KEY (entity_kind, entity_id, field)
) WITH (fillfactor = 70);  -- room on each page for HOT updates: a tag is rewritten whenever its value changes

-- …and every change, append-only, with the candidates that lost.
CREATE TABLE lahde.provenance_history (
    history_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_kind  text   NOT NULL,
    entity_id    bigint NOT NULL,
    field        text   NOT NULL,
    old_value    text,
    new_value    text,
    source       text   NOT NULL,
    trust        integer NOT NULL,
    batch_id     bigint NOT NULL,
    locator      text   NOT NULL,
    valid_from   timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    rule         text   NOT NULL,
    losing       jsonb
);
-- By entity only: a narrow index is cheap to maintain at millions of rows a batch, and one person's
-- history is a handful of rows to filter by kind and field.
CREATE INDEX provenance_history_by_entity ON lahde.provenance_history (entity_id);

-- Staging: one batch at a time (the merge lock serialises batches), so one plain UNLOGGED table truncated
-- per batch; UNLOGGED because its content is rebuilt from the file on any rerun. One COPY stream carries
-- four kinds of item, told apart by `item`:
--   R  a record: its entity kind, validity time, locator and where its raw bytes lie in the input
--   K  a match key of record_no (name = scheme, value, priority: lower is tried first)
--   O  an observation of record_no (name = field, value; NULL value = removal; seq = arrival order)
--   Q  a record the connector already rejected (name = reason, raw bytes)
--   S  a record of an erased person, suppressed (record_no only)
--   C  a henkilötunnus correction of record_no (name = 'henkilotunnus', value = the new code)
CREATE UNLOGGED TABLE lahde.stage_item (
    item         "char" NOT NULL,
    record_no    bigint NOT NULL,
    seq          bigint,
    entity_kind  text,
    name         text,
    value        text,
    priority     integer,
    valid_from   timestamptz,
    locator      text,
    raw_offset   bigint,
    raw_length   bigint,
    raw          bytea
);
