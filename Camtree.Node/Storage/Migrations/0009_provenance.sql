-- Version 9: the provenance of a received report, beside its origin (the IRI) and the key that vouches for it
-- (verified_key_id, proof_verified): when its proof was checked, and why it failed when it did (what the operator
-- reads in the list of flagged reports).
ALTER TABLE reports ADD COLUMN proof_checked_at TEXT;
ALTER TABLE reports ADD COLUMN proof_failure TEXT;
CREATE INDEX reports_flagged ON reports (id) WHERE flagged = 1;
