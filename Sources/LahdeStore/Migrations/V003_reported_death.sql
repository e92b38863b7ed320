-- A death reported by a credit-data or address service is a hint, not a death certificate: it is kept in
-- its own field so that it never sets `deceased`, which only the population register decides.
ALTER TABLE register.party ADD COLUMN deceased_reported boolean;

INSERT INTO lahde.field (name, entity_kind, value_type, target_table, target_column, target_kind, ban_wins, address_field)
VALUES ('deceased_reported', 'party', 'boolean', 'register.party', 'deceased_reported', NULL, false, false);
