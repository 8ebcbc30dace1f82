-- Version 21: the flagged reports' index is on "flagged" itself, as the statements shared with PostgreSQL test it
-- (there a flag is a boolean, and "flagged = 1" is not SQL). SQLite only uses a partial index whose condition the
-- query states, so the condition follows the statements.
DROP INDEX reports_flagged;
CREATE INDEX reports_flagged ON reports (id) WHERE flagged;
