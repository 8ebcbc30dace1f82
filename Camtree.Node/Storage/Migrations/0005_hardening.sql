-- Version 5: hardening against hostile peers and clients.

-- An inbox activity is given up after its last attempt (failed_at, with its last_error); a processed or given-up
-- activity's body is pruned after the retention period (pruned_at) while its id stays, so it is still recorded once.
ALTER TABLE inbox ADD COLUMN failed_at TEXT;
ALTER TABLE inbox ADD COLUMN pruned_at TEXT;
CREATE INDEX inbox_prunable ON inbox (pruned_at, processed_at, failed_at);

-- API tokens can expire and be revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;

-- An activity of another server's actor that this node forwards (ActivityPub §7.1.2): the Update or Delete of a
-- report a local actor shared, sent on to where the share went. The row is never listed in an outbox.
ALTER TABLE outbox ADD COLUMN forwarded_from TEXT;
CREATE INDEX outbox_object ON outbox (object_iri, activity_type);
