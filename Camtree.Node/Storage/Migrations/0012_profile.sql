-- Version 12: the rest of a practitioner's profile, as the settings page edits it and the actor document publishes it
-- (Mastodon's profile fields, and schema.org terms): affiliation, ORCID iD (its URI), country (ISO 3166-1 alpha-2),
-- and the languages they read and write (BCP 47 tags, space-separated).
ALTER TABLE local_actors ADD COLUMN affiliation TEXT NOT NULL DEFAULT '';
ALTER TABLE local_actors ADD COLUMN orcid TEXT;
ALTER TABLE local_actors ADD COLUMN country TEXT;
ALTER TABLE local_actors ADD COLUMN languages TEXT NOT NULL DEFAULT '';
