CREATE TABLE ledger_accounts (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    currency INTEGER NOT NULL,
    flags INTEGER NOT NULL,
    balance_limit INTEGER NOT NULL,
    debits_pending INTEGER NOT NULL,
    debits_posted INTEGER NOT NULL,
    credits_pending INTEGER NOT NULL,
    credits_posted INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE ledger_transfers (
    id BLOB PRIMARY KEY CHECK (length(id) = 16),
    debit_account INTEGER NOT NULL REFERENCES ledger_accounts (id),
    credit_account INTEGER NOT NULL REFERENCES ledger_accounts (id),
    amount INTEGER NOT NULL,
    currency INTEGER NOT NULL,
    flags INTEGER NOT NULL,
    pending_id BLOB,
    timeout INTEGER NOT NULL,
    code INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    state INTEGER NOT NULL,
    posted_amount INTEGER NOT NULL,
    expires_at INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX ledger_transfers_expiry ON ledger_transfers (state, expires_at
);
