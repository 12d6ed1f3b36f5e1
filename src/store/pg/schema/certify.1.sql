-- The PostgreSQL equivalent of src/store/sqlite/schema/certify.1.sql, same module and version:
-- the device certificates `possum certify` records, revoked_at 0 while in force.
CREATE TABLE certify_certificates (
    id TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    version TEXT NOT NULL,
    suite TEXT NOT NULL,
    passed_cases BIGINT NOT NULL,
    issued_at BIGINT NOT NULL,
    issued_by TEXT NOT NULL,
    report_sha256 TEXT NOT NULL,
    revoked_at BIGINT NOT NULL DEFAULT 0,
    revoked_by TEXT NOT NULL DEFAULT '',
    revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX certify_certificates_model ON certify_certificates(model, version, revoked_at);
