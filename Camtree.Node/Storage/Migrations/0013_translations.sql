-- Version 13: versions of a report in other languages than its own, as JSON (an array of language, title, abstract
-- and body, with what the author typed for local ones). Null when there are none. They travel in the Article's
-- nameMap, summaryMap and contentMap, and search reads them with the report (content_text).
ALTER TABLE reports ADD COLUMN translations TEXT;
