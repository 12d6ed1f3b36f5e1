-- The PostgreSQL equivalent of src/store/sqlite/schema/settle.1.sql, same module and version (settle_lines'
-- txn_id, SQLite's rowid, is always an acq_txns id given: no identity).
-- Issue 14, the close of a day (docs/settle.md): a settlement day's state and lease, a line per
-- acquirer transaction that settles (each transaction at most once), a merchant's totals of
-- the day, and the ledger accounts the close posts to, by name.
CREATE TABLE settle_days (
    date TEXT PRIMARY KEY,
    state BIGINT NOT NULL,
    lines BIGINT NOT NULL, merchants BIGINT NOT NULL,
    closed_at BIGINT NOT NULL,
    owner TEXT NOT NULL, until BIGINT NOT NULL
);
CREATE TABLE settle_lines (
    txn_id BIGINT PRIMARY KEY,
    date TEXT NOT NULL, mid TEXT NOT NULL, tid TEXT NOT NULL,
    product TEXT NOT NULL, channel TEXT NOT NULL, type TEXT NOT NULL,
    amount BIGINT NOT NULL, fee BIGINT NOT NULL, net BIGINT NOT NULL,
    original_id BIGINT NOT NULL
);
CREATE INDEX settle_lines_date ON settle_lines(date, mid, txn_id);
CREATE INDEX settle_lines_original ON settle_lines(original_id);
CREATE TABLE settle_totals (
    date TEXT NOT NULL, mid TEXT NOT NULL,
    count BIGINT NOT NULL, amount BIGINT NOT NULL, fees BIGINT NOT NULL, net BIGINT NOT NULL,
    payout_date TEXT NOT NULL, status TEXT NOT NULL,
    PRIMARY KEY (date, mid)
);
CREATE TABLE settle_accounts (
    name TEXT PRIMARY KEY,
    account BIGINT NOT NULL
);
CREATE INDEX acq_txns_settle ON acq_txns(settle_date, mid, id);
