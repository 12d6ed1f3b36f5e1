CREATE TABLE term_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    host TEXT NOT NULL, tid TEXT NOT NULL, mid TEXT NOT NULL, sn TEXT NOT NULL,
    tmk TEXT NOT NULL, pik TEXT NOT NULL, mak TEXT NOT NULL, tdk TEXT NOT NULL,
    dek TEXT NOT NULL, hkey TEXT NOT NULL,
    stan INTEGER NOT NULL, batch INTEGER NOT NULL, timeout INTEGER NOT NULL
);
CREATE TABLE term_txns (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL, kind INTEGER NOT NULL,
    stan INTEGER NOT NULL, batch INTEGER NOT NULL,
    mti TEXT NOT NULL, proc TEXT NOT NULL, cond TEXT NOT NULL, type TEXT NOT NULL,
    entry TEXT NOT NULL, amount INTEGER NOT NULL, currency INTEGER NOT NULL,
    sealed BLOB, masked TEXT NOT NULL, psn TEXT NOT NULL, icc BLOB,
    orig TEXT NOT NULL, orig_rrn TEXT NOT NULL, orig_auth TEXT NOT NULL,
    status INTEGER NOT NULL, reversible INTEGER NOT NULL, reason TEXT NOT NULL,
    rc TEXT NOT NULL, rrn TEXT NOT NULL, auth TEXT NOT NULL, date TEXT NOT NULL,
    time TEXT NOT NULL, arpc INTEGER NOT NULL, voided INTEGER NOT NULL
);
CREATE INDEX term_txns_stan ON term_txns(stan);
CREATE INDEX term_txns_batch ON term_txns(batch);
CREATE INDEX term_txns_pending ON term_txns(status) WHERE status IN (0, 2);
CREATE TABLE term_atcs (pan_hash TEXT PRIMARY KEY, atc INTEGER NOT NULL) WITHOUT ROWID;
