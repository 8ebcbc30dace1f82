-- Camtree node schema, version 1. Times are ISO-8601 UTC text (sortable), booleans 0/1.

-- Actors that live on this node: practitioners (Person) and the node's library (Service).
CREATE TABLE local_actors (
    id                          INTEGER PRIMARY KEY,
    username                    TEXT NOT NULL UNIQUE COLLATE NOCASE,
    actor_type                  TEXT NOT NULL,
    display_name                TEXT NOT NULL,
    summary                     TEXT NOT NULL DEFAULT '',
    manually_approves_followers INTEGER NOT NULL DEFAULT 0,
    private_key_pem             TEXT NOT NULL,
    public_key_pem              TEXT NOT NULL,
    created_at                  TEXT NOT NULL
);

-- Actors on other servers this node has fetched (to deliver to them, to verify their signatures).
CREATE TABLE remote_actors (
    iri                         TEXT PRIMARY KEY,
    actor_type                  TEXT NOT NULL,
    username                    TEXT,
    display_name                TEXT,
    inbox                       TEXT NOT NULL,
    shared_inbox                TEXT,
    url                         TEXT,
    manually_approves_followers INTEGER NOT NULL DEFAULT 0,
    fetched_at                  TEXT NOT NULL
);

CREATE TABLE remote_keys (
    key_id          TEXT PRIMARY KEY,
    owner_iri       TEXT NOT NULL REFERENCES remote_actors (iri) ON DELETE CASCADE,
    public_key_pem  TEXT NOT NULL,
    fetched_at      TEXT NOT NULL
);

-- Who follows a local actor (state: pending until approved, then accepted).
CREATE TABLE followers (
    local_actor_id      INTEGER NOT NULL REFERENCES local_actors (id),
    follower_iri        TEXT NOT NULL,
    follow_activity_iri TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    created_at          TEXT NOT NULL,
    PRIMARY KEY (local_actor_id, follower_iri)
);

-- Whom a local actor follows (state: pending until the other side accepts).
CREATE TABLE following (
    local_actor_id      INTEGER NOT NULL REFERENCES local_actors (id),
    target_iri          TEXT NOT NULL,
    follow_activity_iri TEXT NOT NULL UNIQUE,
    state               TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    created_at          TEXT NOT NULL,
    PRIMARY KEY (local_actor_id, target_iri)
);

-- Research reports: written here (local_slug set) or received from other nodes.
CREATE TABLE reports (
    id                  INTEGER PRIMARY KEY,
    iri                 TEXT NOT NULL UNIQUE,
    local_slug          TEXT UNIQUE,
    local_author_id     INTEGER REFERENCES local_actors (id),
    author_iri          TEXT NOT NULL,
    author_name         TEXT NOT NULL,
    title               TEXT NOT NULL,
    summary_html        TEXT NOT NULL,
    content_html        TEXT NOT NULL,
    content_markdown    TEXT,
    language            TEXT NOT NULL,
    methodology         TEXT,
    educational_level   TEXT,
    subject_area        TEXT,
    country             TEXT,
    setting             TEXT,
    research_context    TEXT,
    aims                TEXT,
    methods             TEXT,
    findings            TEXT,
    license             TEXT NOT NULL,
    themes              TEXT NOT NULL DEFAULT '',
    url                 TEXT NOT NULL,
    published_at        TEXT NOT NULL,
    received_at         TEXT NOT NULL,
    verified_key_id     TEXT
);
CREATE INDEX reports_published ON reports (published_at DESC);

-- Activities this node's actors sent; public ones form the actors' outboxes.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    iri             TEXT NOT NULL UNIQUE,
    local_actor_id  INTEGER NOT NULL REFERENCES local_actors (id),
    activity_type   TEXT NOT NULL,
    object_iri      TEXT,
    is_public       INTEGER NOT NULL,
    json            TEXT NOT NULL,
    published_at    TEXT NOT NULL
);
CREATE INDEX outbox_actor ON outbox (local_actor_id, is_public, id DESC);

-- Activities received, recorded once (by id) after their signature verified; processed by a job.
CREATE TABLE inbox (
    id              INTEGER PRIMARY KEY,
    activity_iri    TEXT NOT NULL UNIQUE,
    activity_type   TEXT NOT NULL,
    actor_iri       TEXT NOT NULL,
    signer_key_id   TEXT NOT NULL,
    json            TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    processed_at    TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    retry_at        TEXT NOT NULL,
    last_error      TEXT
);
CREATE INDEX inbox_unprocessed ON inbox (processed_at, retry_at);

-- One row per (activity, target inbox); stored unsigned, signed when sent.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    activity_iri    TEXT NOT NULL REFERENCES outbox (iri),
    inbox_url       TEXT NOT NULL,
    host            TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT,
    UNIQUE (activity_iri, inbox_url)
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_host ON deliveries (host, state);

-- Delivery health per receiving host (see Camtree.Protocol.Delivery.HostCircuit). No row: healthy.
CREATE TABLE delivery_hosts (
    host                 TEXT PRIMARY KEY,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    first_failure_at     TEXT,
    last_failure_at      TEXT,
    open_until           TEXT,
    unavailable_since    TEXT,
    last_success_at      TEXT
);

-- Bearer tokens for the JSON API; only the SHA-256 of a token is kept.
CREATE TABLE api_tokens (
    token_hash      TEXT PRIMARY KEY,
    local_actor_id  INTEGER NOT NULL REFERENCES local_actors (id),
    label           TEXT NOT NULL,
    is_operator     INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
