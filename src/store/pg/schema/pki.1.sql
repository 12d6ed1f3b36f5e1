-- The PostgreSQL equivalent of src/store/sqlite/schema/pki.1.sql, same module and version:
-- the CA (one row, id 1, always written with its id: no identity) and the certificates it issued.
CREATE TABLE pki_ca (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    cert TEXT NOT NULL,
    key BYTEA NOT NULL,
    crl_number BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE pki_certs (
    serial TEXT PRIMARY KEY,
    kind BIGINT NOT NULL,
    subject TEXT NOT NULL,
    not_before BIGINT NOT NULL,
    not_after BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL,
    reason BIGINT NOT NULL,
    issued_at BIGINT NOT NULL
);
CREATE INDEX pki_certs_revoked ON pki_certs (revoked_at) WHERE revoked_at <> 0;
