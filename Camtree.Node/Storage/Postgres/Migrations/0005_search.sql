-- Search (PostgresSearchIndex), as on SQLite (Storage/Migrations/0007, 0008, 0015): one row of text per searchable
-- report in a stored tsvector under a GIN index, the facets beside it, both kept by a trigger on reports. Words are
-- folded as SQLite's unicode61 tokenizer with remove_diacritics folds them (lower case, no accents) and never stemmed
-- (a library in many languages): the "camtree" text search configuration, simple plus unaccent. The weights rank
-- as SQLite's bm25 does: title (A) over the abstract (B) over themes (C) over the body (D).
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION camtree (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION camtree ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

CREATE TABLE report_search (
    report_id  bigint PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    document   tsvector NOT NULL
);
CREATE INDEX report_search_document ON report_search USING gin (document);

CREATE TABLE search_facets (
    report_id         bigint PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    node              text NOT NULL,
    language          text NOT NULL,
    methodology       text,
    educational_level text,
    subject_area      text,
    country           text,
    review_status     text,
    year              text NOT NULL,
    published_at      timestamptz NOT NULL
);
CREATE INDEX search_facets_published ON search_facets (published_at);
CREATE INDEX search_facets_node ON search_facets (node, published_at);
CREATE INDEX search_facets_language ON search_facets (language, published_at);
CREATE INDEX search_facets_methodology ON search_facets (methodology, published_at);
CREATE INDEX search_facets_level ON search_facets (educational_level, published_at);
CREATE INDEX search_facets_subject ON search_facets (subject_area, published_at);
CREATE INDEX search_facets_country ON search_facets (country, published_at);
CREATE INDEX search_facets_review ON search_facets (review_status, published_at);

-- Searchable: live, not flagged, not a copy, by an author who lets it be indexed (as the SQLite triggers decide).
CREATE FUNCTION reports_search_index() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM report_search WHERE report_id = NEW.id;
    DELETE FROM search_facets WHERE report_id = NEW.id;
    IF NEW.deleted_at IS NULL AND NOT NEW.flagged AND NEW.copied_from IS NULL
       AND ((NEW.local_author_id IS NOT NULL AND (SELECT indexable FROM local_actors WHERE id = NEW.local_author_id))
         OR (NEW.local_author_id IS NULL AND COALESCE((SELECT indexable FROM remote_actors WHERE iri = NEW.author_iri), false))) THEN
        INSERT INTO report_search (report_id, document) VALUES (NEW.id,
            setweight(to_tsvector('camtree', NEW.title), 'A')
            || setweight(to_tsvector('camtree', concat_ws(' ', NEW.research_context, NEW.aims, NEW.methods, NEW.findings)), 'B')
            || setweight(to_tsvector('camtree', NEW.themes), 'C')
            || setweight(to_tsvector('camtree', NEW.content_text), 'D'));
        INSERT INTO search_facets VALUES (NEW.id, substring(NEW.iri from '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]+)'),
            NEW.language, NEW.methodology, NEW.educational_level, NEW.subject_area, NEW.country, NEW.review_status,
            to_char(NEW.published_at AT TIME ZONE 'UTC', 'YYYY'), NEW.published_at);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reports_search AFTER INSERT OR UPDATE ON reports FOR EACH ROW EXECUTE FUNCTION reports_search_index();
