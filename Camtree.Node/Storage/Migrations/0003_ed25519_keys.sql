-- Version 3: Ed25519 keys for object integrity proofs (FEP-8b32), published as FEP-521a Multikeys.
-- An actor has one current key and keeps its retired ones, so that what it signed before a rotation still verifies.
CREATE TABLE local_actor_keys (
    id                    INTEGER PRIMARY KEY,
    local_actor_id        INTEGER NOT NULL REFERENCES local_actors (id),
    fragment              TEXT NOT NULL,           -- the key id is the actor IRI + '#' + fragment
    public_key_multibase  TEXT NOT NULL,
    private_seed_multibase TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    retired_at            TEXT,
    UNIQUE (local_actor_id, fragment)
);
CREATE UNIQUE INDEX local_actor_keys_current ON local_actor_keys (local_actor_id) WHERE retired_at IS NULL;
