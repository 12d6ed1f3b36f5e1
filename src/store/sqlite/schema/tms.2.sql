-- tms.2: the CA public keys (hex, revoked kept) and the chip applications (AIDs), seeded
-- with UnionPay's debit, credit and quasi-credit.
CREATE TABLE tms_capks (
    id INTEGER PRIMARY KEY,
    rid TEXT NOT NULL,
    key_index TEXT NOT NULL,
    modulus TEXT NOT NULL,
    exponent TEXT NOT NULL,
    expiry INTEGER NOT NULL,
    checksum TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL,
    revoked_by TEXT NOT NULL,
    revoke_reason TEXT NOT NULL
);
CREATE UNIQUE INDEX tms_capks_key ON tms_capks (rid, key_index);
CREATE TABLE tms_aids (
    aid TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    app_version TEXT NOT NULL,
    floor_limit INTEGER NOT NULL,
    threshold INTEGER NOT NULL,
    target_percent INTEGER NOT NULL,
    max_target_percent INTEGER NOT NULL,
    tac_default TEXT NOT NULL,
    tac_denial TEXT NOT NULL,
    tac_online TEXT NOT NULL,
    partial INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO tms_aids (aid, label, app_version, floor_limit, threshold, target_percent,
    max_target_percent, tac_default, tac_denial, tac_online, partial, updated_by, updated_at)
VALUES ('A000000333010101', 'UnionPay Debit', '0030', 0, 0, 0, 0, 'D84000A800', '0010000000', 'D84004F800', 0, 'migration', 0),
    ('A000000333010102', 'UnionPay Credit', '0030', 0, 0, 0, 0, 'D84000A800', '0010000000', 'D84004F800', 0, 'migration', 0),
    ('A000000333010103', 'UnionPay Quasi-credit', '0030', 0, 0, 0, 0, 'D84000A800', '0010000000', 'D84004F800', 0, 'migration', 0);
