-- Version 8: the facet indexes carry every filterable column (they "cover" a browse).
-- Browsing by two filters used one index and looked up each of its rows in the table to test the other: counting
-- "country GB and primary" read 280,000 table rows, 200 ms at a million reports (docs/benchmarks.md). With every filter
-- column in each index, the test is made in the index itself (10 ms), whichever index the planner picks (no statistics
-- are gathered: ANALYZE at start, when tables are small, left FTS5's shadow tables planned for two rows and made each
-- insert 9 ms, measured). The year index went: nothing filters by year
-- (from/to read published_at), and the year facet is counted from the window's rows.
DROP INDEX search_facets_node;
DROP INDEX search_facets_language;
DROP INDEX search_facets_methodology;
DROP INDEX search_facets_level;
DROP INDEX search_facets_subject;
DROP INDEX search_facets_country;
DROP INDEX search_facets_review;
DROP INDEX search_facets_year;
CREATE INDEX search_facets_node ON search_facets (node, published_at, language, methodology, educational_level, subject_area, country, review_status);
CREATE INDEX search_facets_language ON search_facets (language, published_at, node, methodology, educational_level, subject_area, country, review_status);
CREATE INDEX search_facets_methodology ON search_facets (methodology, published_at, node, language, educational_level, subject_area, country, review_status);
CREATE INDEX search_facets_level ON search_facets (educational_level, published_at, node, language, methodology, subject_area, country, review_status);
CREATE INDEX search_facets_subject ON search_facets (subject_area, published_at, node, language, methodology, educational_level, country, review_status);
CREATE INDEX search_facets_country ON search_facets (country, published_at, node, language, methodology, educational_level, subject_area, review_status);
CREATE INDEX search_facets_review ON search_facets (review_status, published_at, node, language, methodology, educational_level, subject_area, country);
