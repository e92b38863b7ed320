-- Contracts as a merge entity: Datahub's contract events (F04 start, move-in, supplier switch; F06 end,
-- move-out; F18 cancellation) observe fields of a contract found by Datahub's contract id, like a party
-- is found by its identifiers and an accounting point by its GSRN.
--
-- A contract is created by the first message that names it, which need not be the one that starts it (an
-- F18 cancellation or an F06 end can arrive for a contract the register has not seen), so the columns that
-- V002 required from the start — party, accounting point, start — may be empty until a message states them.
-- Two contracts of one party at one point from one day are possible (a cancelled one and its replacement),
-- so that uniqueness goes; the contract id is the key.

ALTER TABLE register.contract
    ALTER COLUMN party_id DROP NOT NULL,
    ALTER COLUMN accounting_point_id DROP NOT NULL,
    ALTER COLUMN starts_on DROP NOT NULL,
    DROP CONSTRAINT contract_party_id_accounting_point_id_starts_on_key,
    ADD COLUMN datahub_contract_id  text UNIQUE,  -- MasterDataContract/Identification
    ADD COLUMN contract_type        text,         -- grid | sales (unknown codes kept raw)
    ADD COLUMN start_reason         text,         -- F04 ContractReason: contract_change | supplier_switch | move_in
    ADD COLUMN end_reason           text,         -- F06 Reason: move_out | termination | rescission | meter_removal | supplier_ended
    ADD COLUMN cancellation_reason  text,         -- F18 ReasonForCancel: customer_cancelled | supplier_cancelled | …
    ADD COLUMN created_at           timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN created_by_batch     bigint;
COMMENT ON COLUMN register.contract.reason IS 'unused since V010: start_reason, end_reason and cancellation_reason say which event';
CREATE INDEX contract_by_party ON register.contract (party_id);
CREATE INDEX contract_by_accounting_point ON register.contract (accounting_point_id);

-- A `reference` field links an entity to another: the feed observes the other entity's key as
-- `scheme:value` (`gsrn:643…`, `henkilotunnus:…`), the merge replaces it by the entity's id before
-- survivorship, so the register and provenance hold ids, never the identity code.
ALTER TABLE lahde.field DROP CONSTRAINT field_entity_kind_check;
ALTER TABLE lahde.field ADD CONSTRAINT field_entity_kind_check CHECK (entity_kind IN ('party', 'accounting_point', 'contract'));
ALTER TABLE lahde.field DROP CONSTRAINT field_value_type_check;
ALTER TABLE lahde.field ADD CONSTRAINT field_value_type_check
    CHECK (value_type IN ('text', 'date', 'boolean', 'postal_code', 'language', 'country', 'email', 'phone', 'party_type', 'reference'));

INSERT INTO lahde.field (name, entity_kind, value_type, target_table, target_column, target_kind, ban_wins, address_field) VALUES
    ('contract_party',            'contract', 'reference', 'register.contract', 'party_id', NULL, false, false),
    ('contract_accounting_point', 'contract', 'reference', 'register.contract', 'accounting_point_id', NULL, false, false),
    ('contract_type',             'contract', 'text',      'register.contract', 'contract_type', NULL, false, false),
    ('contract_start',            'contract', 'date',      'register.contract', 'starts_on', NULL, false, false),
    ('contract_end',              'contract', 'date',      'register.contract', 'ends_on', NULL, false, false),
    ('contract_start_reason',     'contract', 'text',      'register.contract', 'start_reason', NULL, false, false),
    ('contract_end_reason',       'contract', 'text',      'register.contract', 'end_reason', NULL, false, false),
    ('contract_cancelled',        'contract', 'boolean',   'register.contract', 'cancelled', NULL, false, false),
    ('contract_cancel_reason',    'contract', 'text',      'register.contract', 'cancellation_reason', NULL, false, false);

-- Datahub acknowledgements (ACK) of the utility's own messages: recorded with the batch that read them,
-- never merged (they say how Datahub judged a message, not what is true of a customer).
CREATE TABLE lahde.acknowledgement (
    batch_id      bigint NOT NULL REFERENCES lahde.batch ON DELETE CASCADE,
    message_id    text   NOT NULL,  -- the ACK's own hdr:Identification
    acknowledges  text,             -- hdr:OriginalBusinessDocumentReference: the acknowledged message
    process       text,             -- pec:EnergyBusinessProcess of the acknowledged message
    reason_code   text,             -- BA01 accepted, BA02 rejected, BA03 partially accepted
    event_reasons text[] NOT NULL DEFAULT '{}',  -- EventReasonCode: EventReasonText
    PRIMARY KEY (batch_id, message_id)
);
CREATE INDEX acknowledgement_by_original ON lahde.acknowledgement (acknowledges);

-- Messages taken from the Datahub queue (`lahde pull datahub`): written in the batch's transaction, so a
-- message whose batch committed is known by its DocumentReferenceNumber even when the dequeue after the
-- commit never happened; the next peek returns it again and it is dequeued without being applied twice.
CREATE TABLE lahde.queue_message (
    document_reference  text PRIMARY KEY,
    batch_id            bigint NOT NULL REFERENCES lahde.batch,
    sha256              text   NOT NULL,
    archived_as         text   NOT NULL,
    received_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    dequeued_at         timestamptz
);
