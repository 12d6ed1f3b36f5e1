-- Issue 14, the close of a day (docs/settle.md): a settlement day's state and lease, a line per
-- acquirer transaction that settles (each transaction at most once), a merchant's totals of
-- the day, and the ledger accounts the close posts to, by name.
CREATE TABLE settle_days (
    date TEXT PRIMARY KEY,
    state INTEGER NOT NULL,
    lines INTEGER NOT NULL, merchants INTEGER NOT NULL,
    closed_at INTEGER NOT NULL,
    owner TEXT NOT NULL, until INTEGER NOT NULL
);
CREATE TABLE settle_lines (
    txn_id INTEGER PRIMARY KEY,
    date TEXT NOT NULL, mid TEXT NOT NULL, tid TEXT NOT NULL,
    product TEXT NOT NULL, channel TEXT NOT NULL, type TEXT NOT NULL,
    amount INTEGER NOT NULL, fee INTEGER NOT NULL, net INTEGER NOT NULL,
    original_id INTEGER NOT NULL
);
CREATE INDEX settle_lines_date ON settle_lines(date, mid, txn_id);
CREATE INDEX settle_lines_original ON settle_lines(original_id);
CREATE TABLE settle_totals (
    date TEXT NOT NULL, mid TEXT NOT NULL,
    count INTEGER NOT NULL, amount INTEGER NOT NULL, fees INTEGER NOT NULL, net INTEGER NOT NULL,
    payout_date TEXT NOT NULL, status TEXT NOT NULL,
    PRIMARY KEY (date, mid)
);
CREATE TABLE settle_accounts (
    name TEXT PRIMARY KEY,
    account INTEGER NOT NULL
);
CREATE INDEX acq_txns_settle ON acq_txns(settle_date, mid, id);
