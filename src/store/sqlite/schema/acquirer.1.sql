CREATE TABLE merchants (
    mid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    mcc TEXT NOT NULL,
    status INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE terminals (
    tid TEXT PRIMARY KEY,
    mid TEXT NOT NULL REFERENCES merchants(mid),
    sn TEXT NOT NULL,
    status INTEGER NOT NULL,
    tmk TEXT NOT NULL,
    pik TEXT NOT NULL, mak TEXT NOT NULL, tdk TEXT NOT NULL,
    batch INTEGER NOT NULL,
    signed_in INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX terminals_sn ON terminals(sn) WHERE status != 3;
CREATE TABLE acq_txns (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    tid TEXT NOT NULL, mid TEXT NOT NULL,
    batch INTEGER NOT NULL, stan TEXT NOT NULL, kind INTEGER NOT NULL,
    type TEXT NOT NULL,
    amount INTEGER NOT NULL, currency INTEGER NOT NULL,
    masked TEXT NOT NULL, pan_hash TEXT NOT NULL,
    rrn TEXT NOT NULL, auth_code TEXT NOT NULL, rc TEXT NOT NULL, reason TEXT NOT NULL,
    decision_id INTEGER NOT NULL,
    net_stan TEXT NOT NULL,
    original_id INTEGER NOT NULL,
    reversed INTEGER NOT NULL,
    settle_date TEXT NOT NULL,
    UNIQUE (tid, batch, stan, kind)
);
CREATE INDEX acq_txns_rrn ON acq_txns(rrn);
CREATE INDEX acq_txns_card ON acq_txns(pan_hash, mid);
CREATE TABLE acq_tombstones (
    tid TEXT NOT NULL, batch INTEGER NOT NULL, stan TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (tid, batch, stan)) WITHOUT ROWID;
    CREATE TABLE acq_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL
);
