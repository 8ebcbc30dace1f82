-- Version 10: accounts, so that practitioners sign in with a browser (ASP.NET Core Identity over these rows), and
-- invitations, by which an operator lets someone join when registration is by invitation.
CREATE TABLE accounts (
    local_actor_id       INTEGER PRIMARY KEY REFERENCES local_actors (id),  -- one account per practitioner
    normalized_user_name TEXT NOT NULL UNIQUE,
    email                TEXT,
    normalized_email     TEXT,
    password_hash        TEXT,
    security_stamp       TEXT NOT NULL,          -- changed on a new password or "sign out everywhere": old cookies stop
    concurrency_stamp    TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('practitioner', 'operator')),
    lockout_enabled      INTEGER NOT NULL DEFAULT 1,
    lockout_end          TEXT,
    access_failed_count  INTEGER NOT NULL DEFAULT 0,
    suspended_at         TEXT,
    created_at           TEXT NOT NULL
);
CREATE INDEX accounts_email ON accounts (normalized_email);

CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,            -- SHA-256 of the link's secret; the secret itself is never stored
    email       TEXT,                            -- whom it was sent to, when given
    created_by  INTEGER REFERENCES local_actors (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    used_by     INTEGER REFERENCES local_actors (id)
);
