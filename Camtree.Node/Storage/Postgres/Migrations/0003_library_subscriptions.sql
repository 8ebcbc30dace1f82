-- Library subscriptions and practitioner backfills (ISubscriptionStore), as on SQLite (migration 0006).
CREATE TABLE library_subscriptions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('library', 'actor')),
    actor_iri       text NOT NULL UNIQUE,
    collection_iri  text NOT NULL,
    digests_iri     text,
    origin          text NOT NULL,
    state           text NOT NULL CHECK (state IN ('following', 'backfilling', 'synced', 'failed')),
    cursor          text,
    records         integer NOT NULL DEFAULT 0,
    attempts        integer NOT NULL DEFAULT 0,
    next_run_at     timestamptz NOT NULL,
    last_synced_at  timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL
);
CREATE INDEX library_subscriptions_due ON library_subscriptions (next_run_at);
