-- Issue 6, one terminal one code: the terminal's place, what it reports, its review, its
-- key's hand-over; the risk events the host raises.
ALTER TABLE terminals ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE terminals ADD COLUMN lat INTEGER NOT NULL DEFAULT 0;
ALTER TABLE terminals ADD COLUMN lon INTEGER NOT NULL DEFAULT 0;
ALTER TABLE terminals ADD COLUMN version TEXT NOT NULL DEFAULT '';
ALTER TABLE terminals ADD COLUMN last_signin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE terminals ADD COLUMN next_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE terminals ADD COLUMN tmk_issued INTEGER NOT NULL DEFAULT 1;
CREATE INDEX terminals_mid ON terminals(mid);
CREATE INDEX acq_txns_mid ON acq_txns(mid, id);
CREATE TABLE risk_events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL, tid TEXT NOT NULL, detail TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX risk_events_tid ON risk_events(tid, id);
