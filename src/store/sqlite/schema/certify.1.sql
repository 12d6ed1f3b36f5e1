-- certify.1: the device certificates `possum certify` records (docs/certify.md "Certificates"):
-- one a run in which every case passed, for a terminal model and software version, with the
-- SHA-256 of its JSON report; revoked_at 0 while it is in force. The onboarding's agree step
-- asks for one of each model (and version) a merchant's terminals have.
CREATE TABLE certify_certificates (
    id TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    version TEXT NOT NULL,
    suite TEXT NOT NULL,
    passed_cases INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    issued_by TEXT NOT NULL,
    report_sha256 TEXT NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0,
    revoked_by TEXT NOT NULL DEFAULT '',
    revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX certify_certificates_model ON certify_certificates(model, version, revoked_at);
