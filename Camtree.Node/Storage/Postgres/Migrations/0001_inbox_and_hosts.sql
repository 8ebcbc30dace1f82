-- The durable inbox (IInboxStore) and the delivery hosts' health, as on SQLite (Storage/Migrations/0001, 0004, 0005,
-- 0019) with PostgreSQL's own types: times are timestamptz, flags boolean.
CREATE TABLE inbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    activity_iri    text NOT NULL UNIQUE,
    activity_type   text NOT NULL,
    actor_iri       text NOT NULL,
    signer_key_id   text NOT NULL,
    proof_verified  boolean NOT NULL DEFAULT false,
    json            text NOT NULL,
    received_at     timestamptz NOT NULL,
    processed_at    timestamptz,
    attempts        integer NOT NULL DEFAULT 0,
    retry_at        timestamptz NOT NULL,
    last_error      text,
    failed_at       timestamptz,
    pruned_at       timestamptz,
    claimed_until   timestamptz
);
-- What a worker claims: still to do, by (re)try time.
CREATE INDEX inbox_due ON inbox (retry_at, id) WHERE processed_at IS NULL AND failed_at IS NULL;
CREATE INDEX inbox_prunable ON inbox (processed_at, failed_at) WHERE pruned_at IS NULL;

CREATE TABLE delivery_hosts (
    host                 text PRIMARY KEY,
    consecutive_failures integer NOT NULL DEFAULT 0,
    first_failure_at     timestamptz,
    last_failure_at      timestamptz,
    open_until           timestamptz,
    unavailable_since    timestamptz,
    last_success_at      timestamptz
);
