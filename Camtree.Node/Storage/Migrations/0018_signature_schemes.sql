-- Which HTTP signature scheme each origin accepted (SignatureSchemes, double-knocking), shared by every process of
-- the node and kept across restarts. A hint: a missing or stale row costs one extra knock, nothing more.
CREATE TABLE signature_schemes (
    origin      TEXT PRIMARY KEY,
    scheme      TEXT NOT NULL,
    accepted_at TEXT NOT NULL
);
