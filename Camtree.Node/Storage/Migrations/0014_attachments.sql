-- Version 14: files that travel with reports (images and PDFs). A local file is a row here, its bytes in the data
-- directory under their SHA-256 (attachments/ab/abcdef…), attached to a draft (private to its author until it is
-- published) or to a report; the report lists what its Article carries (local and received alike) as JSON in
-- reports.attachments, null when it has none.
CREATE TABLE attachments (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT NOT NULL UNIQUE,
    owner_actor_id  INTEGER NOT NULL REFERENCES local_actors (id),
    report_id       INTEGER REFERENCES reports (id),
    draft_id        INTEGER REFERENCES drafts (id),
    file_name       TEXT NOT NULL,
    media_type      TEXT NOT NULL,
    size            INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    description     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    CHECK ((report_id IS NULL) <> (draft_id IS NULL))
);
CREATE INDEX attachments_report ON attachments (report_id, id);
CREATE INDEX attachments_draft ON attachments (draft_id, id);
CREATE INDEX attachments_sha256 ON attachments (sha256);
ALTER TABLE reports ADD COLUMN attachments TEXT;
