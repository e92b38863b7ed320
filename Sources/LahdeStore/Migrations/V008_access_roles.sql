-- Who may see what. The register holds personal data of a whole customer base, and most of the people who
-- query it (reporting, billing, marketing) need neither the henkilötunnus nor the address of a person who
-- lives under a turvakielto (non-disclosure for personal safety). Three roles, granted to login roles by
-- the operator:
--
--   lahde_loader           runs imports: reads and writes the register and Lähde's own tables.
--   lahde_reader           reads the register only through the views in the schema `reader`, which leave
--                          out every henkilötunnus and the addresses of protected people; no table of
--                          `register` or `lahde` is readable by it directly.
--   lahde_privacy_officer  answers access and erasure requests: reads everything, deletes a person.
--
-- Roles belong to the whole cluster, not to one database, so they are created only when missing (several
-- databases of one cluster share them; two migrating at once may race, hence the exception handlers).
-- They are NOLOGIN: an operator grants them to login roles (`GRANT lahde_reader TO alice`). Creating them
-- needs CREATEROLE; a migrating user without it works when a DBA has created the roles beforehand.

DO $roles$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['lahde_loader', 'lahde_reader', 'lahde_privacy_officer'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- another database's migration created it in the meantime
            END;
        END IF;
    END LOOP;
END
$roles$;

-- Nothing of the register or the ledger for anyone not named below.
REVOKE ALL ON SCHEMA register, lahde FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA register, lahde FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA register, lahde FROM PUBLIC;
REVOKE ALL ON public.lahde_schema_migration FROM PUBLIC;

DO $database$
BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO lahde_loader, lahde_reader, lahde_privacy_officer',
                   current_database());
END
$database$;

-- The loader: everything an import does (staging, merge into temporary tables, typed tables, provenance,
-- ledger, quarantine, trust ranks). It checks the migrations before an import, so it reads their record.
GRANT USAGE ON SCHEMA register, lahde TO lahde_loader;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA register, lahde TO lahde_loader;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA register, lahde TO lahde_loader;
GRANT SELECT ON public.lahde_schema_migration TO lahde_loader;

-- The privacy officer: export reads everything about a person with its sources; erasure deletes the
-- person, their provenance and the quarantined inputs quoting them, and writes the audit and suppression.
GRANT USAGE ON SCHEMA register, lahde TO lahde_privacy_officer;
GRANT SELECT ON ALL TABLES IN SCHEMA register, lahde TO lahde_privacy_officer;
GRANT DELETE ON ALL TABLES IN SCHEMA register TO lahde_privacy_officer;
GRANT DELETE ON lahde.field_tag, lahde.provenance_change, lahde.quarantine TO lahde_privacy_officer;
GRANT INSERT, UPDATE ON lahde.erasure TO lahde_privacy_officer;
GRANT INSERT ON lahde.suppression TO lahde_privacy_officer;
GRANT TRUNCATE ON lahde.stage_item TO lahde_privacy_officer;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA register, lahde TO lahde_privacy_officer;
GRANT SELECT ON public.lahde_schema_migration TO lahde_privacy_officer;

-- Tables later migrations add (run by the same migrating user) get the same grants as those above.
ALTER DEFAULT PRIVILEGES IN SCHEMA register, lahde
    GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO lahde_loader;
ALTER DEFAULT PRIVILEGES IN SCHEMA register, lahde
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO lahde_loader;
ALTER DEFAULT PRIVILEGES IN SCHEMA register, lahde
    GRANT SELECT ON TABLES TO lahde_privacy_officer;

-- The reader's window on the register. The views run with their owner's rights (not the reader's), so the
-- reader needs no grant on the tables behind them; `security_barrier` keeps a reader's own functions in a
-- WHERE clause from being evaluated before the views' filters, on rows the views would hide.
CREATE SCHEMA reader;
REVOKE ALL ON SCHEMA reader FROM PUBLIC;

-- Whether a person's addresses are hidden: an active turvakielto that has not ended. The same test as the
-- merge's protection rule.
CREATE VIEW reader.protected_party WITH (security_barrier) AS
SELECT p.party_id
FROM register.protection p
WHERE p.kind = 'turvakielto' AND p.active AND (p.ends_on IS NULL OR p.ends_on >= current_date);

CREATE VIEW reader.party WITH (security_barrier) AS
SELECT party_id, party_type, first_names, last_name, organisation_name, language, birth_date, phone, email,
       deceased, death_date, deceased_reported, created_at
FROM register.party;

-- Every identifier but the henkilötunnus (active or corrected away).
CREATE VIEW reader.party_identifier WITH (security_barrier) AS
SELECT scheme, value, party_id, active
FROM register.party_identifier
WHERE scheme <> 'henkilotunnus';

-- Addresses, except every address of a protected person.
CREATE VIEW reader.address WITH (security_barrier) AS
SELECT a.party_id, a.kind, a.street, a.postal_code, a.city, a.country
FROM register.address a
WHERE NOT EXISTS (SELECT 1 FROM reader.protected_party x WHERE x.party_id = a.party_id);

CREATE VIEW reader.marketing WITH (security_barrier) AS
SELECT party_id, direct_marketing_permission, direct_marketing_ban, telemarketing_ban, data_release_ban
FROM register.marketing;

-- An accounting point's address is where its customer lives: hidden while any party with a contract on
-- the point is protected.
CREATE VIEW reader.accounting_point WITH (security_barrier) AS
SELECT ap.accounting_point_id, ap.gsrn, ap.grid_area, ap.status, ap.point_type,
       CASE WHEN hidden.yes THEN NULL ELSE ap.street END AS street,
       CASE WHEN hidden.yes THEN NULL ELSE ap.postal_code END AS postal_code,
       CASE WHEN hidden.yes THEN NULL ELSE ap.city END AS city
FROM register.accounting_point ap
CROSS JOIN LATERAL (
    SELECT EXISTS (SELECT 1 FROM register.contract c JOIN reader.protected_party x ON x.party_id = c.party_id
                   WHERE c.accounting_point_id = ap.accounting_point_id) AS yes
) hidden;

CREATE VIEW reader.contract WITH (security_barrier) AS
SELECT contract_id, party_id, accounting_point_id, starts_on, ends_on, cancelled, reason
FROM register.contract;

-- Which person is protected is itself not for the reader: the helper view stays private.
GRANT USAGE ON SCHEMA reader TO lahde_reader, lahde_privacy_officer;
GRANT SELECT ON reader.party, reader.party_identifier, reader.address, reader.marketing,
                reader.accounting_point, reader.contract TO lahde_reader, lahde_privacy_officer;
