CREATE TABLE pki_ca (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    cert TEXT NOT NULL,
    key BLOB NOT NULL,
    crl_number INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE pki_certs (
    serial TEXT PRIMARY KEY,
    kind INTEGER NOT NULL,
    subject TEXT NOT NULL,
    not_before INTEGER NOT NULL,
    not_after INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL,
    reason INTEGER NOT NULL,
    issued_at INTEGER NOT NULL
);
CREATE INDEX pki_certs_revoked ON pki_certs (revoked_at) WHERE revoked_at <> 0;
