-- Which HTTP signature scheme each origin accepted (SignatureSchemes, double-knocking), as on SQLite (migration 0018).
CREATE TABLE signature_schemes (
    origin      text PRIMARY KEY,
    scheme      text NOT NULL,
    accepted_at timestamptz NOT NULL
);
