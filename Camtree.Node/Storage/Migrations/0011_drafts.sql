-- Version 11: drafts saved from the browser's report editor, so that a practitioner can leave and come back.
-- The fields are kept as the form had them (JSON): a draft may be incomplete or invalid until it is published.
CREATE TABLE drafts (
    id              INTEGER PRIMARY KEY,
    local_actor_id  INTEGER NOT NULL REFERENCES local_actors (id),
    fields          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX drafts_owner ON drafts (local_actor_id, updated_at);
