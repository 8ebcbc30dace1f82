-- Version 16: OAI-PMH. Each report, local or held from another node, has one row here saying when it last changed
-- (its OAI datestamp, to the second, UTC) and its place in the change sequence. A list is paged by the sequence, so
-- a report added or changed while a harvester pages moves past the harvester's position instead of being skipped.
-- The row outlives the report: a withdrawn report stays a deleted header (deletedRecord "persistent"), even when a
-- federated one is removed outright (an ended subscription).
CREATE TABLE oai_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    iri        TEXT NOT NULL UNIQUE,
    local      INTEGER NOT NULL,
    datestamp  TEXT NOT NULL
);
CREATE INDEX oai_changes_datestamp ON oai_changes (datestamp);

INSERT INTO oai_changes (iri, local, datestamp)
SELECT iri, local_slug IS NOT NULL, strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(deleted_at, updated_at, published_at))
FROM reports ORDER BY coalesce(deleted_at, updated_at, published_at), id;

CREATE TRIGGER reports_oai_insert AFTER INSERT ON reports
BEGIN
    DELETE FROM oai_changes WHERE iri = NEW.iri;
    INSERT INTO oai_changes (iri, local, datestamp) VALUES (NEW.iri, NEW.local_slug IS NOT NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

-- Only a change to what a record shows moves it: re-indexing for search (which touches title = title) does not.
CREATE TRIGGER reports_oai_update AFTER UPDATE ON reports
WHEN NEW.title IS NOT OLD.title OR NEW.summary_html IS NOT OLD.summary_html OR NEW.content_html IS NOT OLD.content_html
  OR NEW.author_name IS NOT OLD.author_name OR NEW.language IS NOT OLD.language OR NEW.methodology IS NOT OLD.methodology
  OR NEW.educational_level IS NOT OLD.educational_level OR NEW.subject_area IS NOT OLD.subject_area OR NEW.country IS NOT OLD.country
  OR NEW.setting IS NOT OLD.setting OR NEW.research_context IS NOT OLD.research_context OR NEW.aims IS NOT OLD.aims
  OR NEW.methods IS NOT OLD.methods OR NEW.findings IS NOT OLD.findings OR NEW.license IS NOT OLD.license OR NEW.themes IS NOT OLD.themes
  OR NEW.url IS NOT OLD.url OR NEW.review_status IS NOT OLD.review_status OR NEW.deleted_at IS NOT OLD.deleted_at OR NEW.flagged IS NOT OLD.flagged
BEGIN
    DELETE FROM oai_changes WHERE iri = NEW.iri;
    INSERT INTO oai_changes (iri, local, datestamp) VALUES (NEW.iri, NEW.local_slug IS NOT NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

CREATE TRIGGER reports_oai_delete AFTER DELETE ON reports
BEGIN
    DELETE FROM oai_changes WHERE iri = OLD.iri;
    INSERT INTO oai_changes (iri, local, datestamp) VALUES (OLD.iri, OLD.local_slug IS NOT NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

-- Secrets the node makes for itself (the key that signs OAI-PMH resumption tokens), created on first use.
CREATE TABLE node_secrets (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL
);
