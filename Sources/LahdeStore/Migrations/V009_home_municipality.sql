-- The population register's home municipality (kotikunta): the three-digit municipality code, kept on the
-- party like the other person data, with its provenance through the field catalogue. It is an
-- `address_field`: while a turvakielto is active the municipality may be disclosed only to authorities
-- (reference §6.1), so a less trusted source may not write it then, exactly as for the addresses.
ALTER TABLE register.party ADD COLUMN home_municipality text;

INSERT INTO lahde.field (name, entity_kind, value_type, target_table, target_column, target_kind, ban_wins, address_field)
VALUES ('home_municipality', 'party', 'text', 'register.party', 'home_municipality', NULL, false, true);

-- Where each pulling connector stands in its source's change log: for `vtj-api`, the change API's
-- `viimeisinKirjausavain` after the last page whose batch committed. Written only after that batch's
-- commit, so a crash in between re-pulls the page, which the ledger then finds already loaded by its
-- content hash and the key moves on without applying anything twice.
CREATE TABLE lahde.pull_cursor (
    connector   text PRIMARY KEY,
    last_key    bigint NOT NULL,
    batch_id    bigint,                -- the batch of the page that ended at this key
    updated_at  timestamptz NOT NULL DEFAULT now()
);
