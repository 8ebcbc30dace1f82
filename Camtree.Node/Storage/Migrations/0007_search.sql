-- Version 7: search over local and federated reports.

-- The report's text without markup (what full-text search reads), and its review status.
ALTER TABLE reports ADD COLUMN content_text TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN review_status TEXT;

-- A report's themes, one row each: theme pages and the theme filter read this, not the display column.
CREATE TABLE report_themes (
    theme      TEXT NOT NULL,
    report_id  INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    PRIMARY KEY (theme, report_id)
) WITHOUT ROWID;
CREATE INDEX report_themes_report ON report_themes (report_id);
INSERT INTO report_themes (theme, report_id)
WITH RECURSIVE split (id, rest, theme) AS (
    SELECT id, themes || ' ', NULL FROM reports
    UNION ALL
    SELECT id, substr(rest, instr(rest, ' ') + 1), substr(rest, 1, instr(rest, ' ') - 1) FROM split WHERE rest <> ''
)
SELECT DISTINCT theme, id FROM split WHERE theme IS NOT NULL AND theme <> '';

-- The searchable reports: live, not flagged, by an author who consents to indexing (FEP-5feb). Text in an FTS5 index
-- (diacritics folded, prefixes of 2 and 3 characters indexed), facets in a table beside it; both keyed by reports.id.
CREATE VIRTUAL TABLE report_search USING fts5 (title, abstract, body, themes, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TABLE search_facets (
    report_id         INTEGER PRIMARY KEY,
    node              TEXT NOT NULL,
    language          TEXT NOT NULL,
    methodology       TEXT,
    educational_level TEXT,
    subject_area      TEXT,
    country           TEXT,
    review_status     TEXT,
    year              TEXT NOT NULL,
    published_at      TEXT NOT NULL
);
CREATE INDEX search_facets_published ON search_facets (published_at);
CREATE INDEX search_facets_node ON search_facets (node, published_at);
CREATE INDEX search_facets_language ON search_facets (language, published_at);
CREATE INDEX search_facets_methodology ON search_facets (methodology, published_at);
CREATE INDEX search_facets_level ON search_facets (educational_level, published_at);
CREATE INDEX search_facets_subject ON search_facets (subject_area, published_at);
CREATE INDEX search_facets_country ON search_facets (country, published_at);
CREATE INDEX search_facets_review ON search_facets (review_status, published_at);
CREATE INDEX search_facets_year ON search_facets (year, published_at);

-- Kept in step with reports in the same statement's transaction. A report is indexed when it is searchable now;
-- an author's change of consent touches their reports (UPDATE … SET title = title), which indexes them again.
CREATE TRIGGER reports_search_insert AFTER INSERT ON reports
WHEN NEW.deleted_at IS NULL AND NEW.flagged = 0 AND NEW.copied_from IS NULL
 AND ((NEW.local_author_id IS NOT NULL AND (SELECT indexable FROM local_actors WHERE id = NEW.local_author_id) = 1)
   OR (NEW.local_author_id IS NULL AND (SELECT indexable FROM remote_actors WHERE iri = NEW.author_iri) = 1))
BEGIN
    INSERT INTO report_search (rowid, title, abstract, body, themes) VALUES (NEW.id, NEW.title,
        concat_ws(' ', NEW.research_context, NEW.aims, NEW.methods, NEW.findings), NEW.content_text, NEW.themes);
    INSERT INTO search_facets VALUES (NEW.id,
        substr(NEW.iri, instr(NEW.iri, '://') + 3, instr(substr(NEW.iri, instr(NEW.iri, '://') + 3) || '/', '/') - 1),
        NEW.language, NEW.methodology, NEW.educational_level, NEW.subject_area, NEW.country, NEW.review_status,
        substr(NEW.published_at, 1, 4), NEW.published_at);
END;

CREATE TRIGGER reports_search_update AFTER UPDATE ON reports
BEGIN
    DELETE FROM report_search WHERE rowid = OLD.id;
    DELETE FROM search_facets WHERE report_id = OLD.id;
    INSERT INTO report_search (rowid, title, abstract, body, themes)
    SELECT NEW.id, NEW.title, concat_ws(' ', NEW.research_context, NEW.aims, NEW.methods, NEW.findings), NEW.content_text, NEW.themes
    WHERE NEW.deleted_at IS NULL AND NEW.flagged = 0 AND NEW.copied_from IS NULL
      AND ((NEW.local_author_id IS NOT NULL AND (SELECT indexable FROM local_actors WHERE id = NEW.local_author_id) = 1)
        OR (NEW.local_author_id IS NULL AND (SELECT indexable FROM remote_actors WHERE iri = NEW.author_iri) = 1));
    INSERT INTO search_facets
    SELECT NEW.id, substr(NEW.iri, instr(NEW.iri, '://') + 3, instr(substr(NEW.iri, instr(NEW.iri, '://') + 3) || '/', '/') - 1),
        NEW.language, NEW.methodology, NEW.educational_level, NEW.subject_area, NEW.country, NEW.review_status,
        substr(NEW.published_at, 1, 4), NEW.published_at
    WHERE EXISTS (SELECT 1 FROM report_search WHERE rowid = NEW.id);
END;

CREATE TRIGGER reports_search_delete AFTER DELETE ON reports
BEGIN
    DELETE FROM report_search WHERE rowid = OLD.id;
    DELETE FROM search_facets WHERE report_id = OLD.id;
END;

-- Reports already held are indexed by touching them once.
UPDATE reports SET title = title;
