-- Version 2: edits and deletions of reports, likes and shares, comments (replies) and mentions.

ALTER TABLE reports ADD COLUMN updated_at TEXT;
-- Set when the report was deleted: it then answers 410 Gone with a Tombstone, and leaves the library.
ALTER TABLE reports ADD COLUMN deleted_at TEXT;

-- Likes and Announces (shares) of reports, received from other servers or made here.
CREATE TABLE interactions (
    id              INTEGER PRIMARY KEY,
    activity_iri    TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('like', 'share')),
    actor_iri       TEXT NOT NULL,
    object_iri      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (kind, actor_iri, object_iri)
);
CREATE INDEX interactions_object ON interactions (object_iri, kind);

-- Comments: Notes in reply to a report (or to a comment on one), from here or elsewhere.
CREATE TABLE comments (
    id              INTEGER PRIMARY KEY,
    iri             TEXT NOT NULL UNIQUE,
    report_iri      TEXT,
    in_reply_to     TEXT,
    author_iri      TEXT NOT NULL,
    author_name     TEXT NOT NULL,
    content_html    TEXT NOT NULL,
    published_at    TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    deleted_at      TEXT
);
CREATE INDEX comments_report ON comments (report_iri, published_at);

-- Mentions of local actors in Notes from elsewhere.
CREATE TABLE mentions (
    local_actor_id  INTEGER NOT NULL REFERENCES local_actors (id),
    note_iri        TEXT NOT NULL,
    author_iri      TEXT NOT NULL,
    content_html    TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    PRIMARY KEY (local_actor_id, note_iri)
);
