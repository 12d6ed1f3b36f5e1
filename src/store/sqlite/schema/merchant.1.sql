CREATE TABLE merchant_apps (
    id INTEGER PRIMARY KEY,
    state INTEGER NOT NULL,
    mid TEXT UNIQUE,
    legal_name TEXT NOT NULL, licence TEXT NOT NULL, tax_number TEXT NOT NULL,
    rep_name TEXT NOT NULL, rep_id BLOB NOT NULL, rep_id_masked TEXT NOT NULL,
    address TEXT NOT NULL, mcc TEXT NOT NULL, phone TEXT NOT NULL,
    fee_credit_bp INTEGER NOT NULL, fee_debit_bp INTEGER NOT NULL,
    fee_debit_cap INTEGER NOT NULL, fee_qr_bp INTEGER NOT NULL,
    limit_daily INTEGER NOT NULL, limit_txn INTEGER NOT NULL,
    limit_currency INTEGER NOT NULL, types INTEGER NOT NULL,
    next_review INTEGER NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
);
CREATE INDEX merchant_apps_review ON merchant_apps(next_review) WHERE next_review > 0;
CREATE TABLE merchant_steps (
    id INTEGER PRIMARY KEY,
    app_id INTEGER NOT NULL REFERENCES merchant_apps(id),
    from_state INTEGER NOT NULL, to_state INTEGER NOT NULL,
    actor TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL
);
CREATE INDEX merchant_steps_app ON merchant_steps(app_id, id);
CREATE TABLE merchant_docs (
    id INTEGER PRIMARY KEY,
    app_id INTEGER NOT NULL REFERENCES merchant_apps(id),
    type TEXT NOT NULL, name TEXT NOT NULL, content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL, size INTEGER NOT NULL, at INTEGER NOT NULL,
    UNIQUE (app_id, sha256)
);
CREATE TABLE merchant_certs (
    id INTEGER PRIMARY KEY,
    app_id INTEGER NOT NULL REFERENCES merchant_apps(id),
    number TEXT NOT NULL UNIQUE,
    issued INTEGER NOT NULL, valid_until INTEGER NOT NULL
);
CREATE INDEX merchant_certs_app ON merchant_certs(app_id, id);
