-- Version 6: the cross-node library: search consent, library collections, subscriptions.

-- Search consent (FEP-5feb): a practitioner's choice (default yes); what a remote actor declares (missing means no).
ALTER TABLE local_actors ADD COLUMN indexable INTEGER NOT NULL DEFAULT 1;
ALTER TABLE local_actors ADD COLUMN discoverable INTEGER NOT NULL DEFAULT 1;
ALTER TABLE remote_actors ADD COLUMN indexable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE remote_actors ADD COLUMN discoverable INTEGER NOT NULL DEFAULT 0;

-- Local reports: the signed Article as its IRI serves it, kept so that library collection pages need not sign again.
ALTER TABLE reports ADD COLUMN signed_json TEXT;
-- Received reports: the Article's `updated` as its origin sent it (partition digests compare it); and whether its
-- proof failed when it was read from a library collection (kept out of search, listed for the operator).
ALTER TABLE reports ADD COLUMN origin_updated TEXT;
ALTER TABLE reports ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;
CREATE INDEX reports_local_order ON reports (local_slug, id);

-- Subscriptions to other nodes' libraries (kind 'library') and backfills of followed practitioners (kind 'actor').
CREATE TABLE library_subscriptions (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('library', 'actor')),
    actor_iri       TEXT NOT NULL UNIQUE,   -- the library actor (or practitioner) subscribed to
    collection_iri  TEXT NOT NULL,          -- its library collection (or outbox)
    digests_iri     TEXT,                   -- where its partition digests are (libraries)
    origin          TEXT NOT NULL,          -- scheme://host[:port] of the subscribed node
    state           TEXT NOT NULL CHECK (state IN ('following', 'backfilling', 'synced', 'failed')),
    cursor          TEXT,                   -- the next page to read (resumes a backfill after a crash or restart)
    records         INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_run_at     TEXT NOT NULL,          -- when the worker takes it up next (backfill, retry or repair)
    last_synced_at  TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX library_subscriptions_due ON library_subscriptions (next_run_at);
