-- Version 4: where a report's copy came from when that was not its origin (a mirror, an index).
ALTER TABLE reports ADD COLUMN copied_from TEXT;
-- Whether the key in verified_key_id vouched through the report's object proof (FEP-8b32), rather than only
-- through the HTTP signature that delivered it; the same for inbox entries.
ALTER TABLE reports ADD COLUMN proof_verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox ADD COLUMN proof_verified INTEGER NOT NULL DEFAULT 0;
