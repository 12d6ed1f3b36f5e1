-- The risk module (docs/risk.md): the context, kept as each request is recorded in the batch's
-- transaction or read from acq_txns (store/sqlite/risk.c says which and why); the rules that
-- fired on each request; the cases an analyst reviews; the blocked and watched lists.
-- A card's last payment (card_last_gap) and a merchant's day (refund_rate), each covering what
-- its read takes (store/sqlite/risk.c), so that no row of the table is read.
CREATE INDEX IF NOT EXISTS acq_txns_card_at ON acq_txns(pan_hash, at, kind, type, rc, reversed);
CREATE INDEX IF NOT EXISTS acq_txns_mid_at ON acq_txns(mid, at, kind, type, rc, reversed, amount);
-- The payments (approved: count, sum, and how many in the last 5% below a multiple of
-- 1,000.00) and declines of each card (who 0, its keyed hash), terminal (1, TID), merchant (2,
-- MID) and card at a merchant (3, "HASH MID") by the minute (Unix seconds / 60), kept as each
-- is recorded: a window is at most its minutes' rows, however busy the card or terminal.
-- Filled here from the requests already recorded.
CREATE TABLE risk_counts (
    who INTEGER NOT NULL, key TEXT NOT NULL, minute INTEGER NOT NULL,
    pays INTEGER NOT NULL, sum INTEGER NOT NULL, split INTEGER NOT NULL,
    declines INTEGER NOT NULL,
    PRIMARY KEY (who, key, minute)
) WITHOUT ROWID;
INSERT INTO risk_counts (who, key, minute, pays, sum, split, declines)
    SELECT w.who, CASE w.who WHEN 0 THEN a.pan_hash WHEN 1 THEN a.tid WHEN 2 THEN a.mid
        ELSE a.pan_hash || ' ' || a.mid END,
        a.at / 60,
        SUM(a.rc = '00' AND a.reversed = 0),
        SUM(CASE WHEN a.rc = '00' AND a.reversed = 0 THEN a.amount ELSE 0 END),
        SUM(a.rc = '00' AND a.reversed = 0 AND a.amount % 100000 >= 95000),
        SUM(a.rc <> '00')
    FROM acq_txns AS a,
        (SELECT 0 AS who UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) AS w
    WHERE a.kind = 0 AND a.type IN ('purchase', 'preauth', 'completion')
    GROUP BY 1, 2, 3;
-- The distinct cards that paid at a terminal in a local day (day: the day's start, Unix
-- seconds), and how many: kept as each payment is approved, so that terminal_cards_day is two
-- lookups, not a walk of the terminal's day.
CREATE TABLE risk_terminal_cards (
    tid TEXT NOT NULL, day INTEGER NOT NULL, pan_hash TEXT NOT NULL,
    PRIMARY KEY (tid, day, pan_hash)
) WITHOUT ROWID;
CREATE TABLE risk_terminal_days (
    tid TEXT NOT NULL, day INTEGER NOT NULL, cards INTEGER NOT NULL,
    PRIMARY KEY (tid, day)
) WITHOUT ROWID;
-- A card's approved payments at a merchant in a local day: how many, their sum, how many of
-- them whole multiples of 1,000.00; kept likewise.
CREATE TABLE risk_card_days (
    pan_hash TEXT NOT NULL, mid TEXT NOT NULL, day INTEGER NOT NULL,
    count INTEGER NOT NULL, sum INTEGER NOT NULL, round INTEGER NOT NULL,
    PRIMARY KEY (pan_hash, mid, day)
) WITHOUT ROWID;
CREATE TABLE risk_hits (
    id INTEGER PRIMARY KEY,
    txn_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    rule TEXT NOT NULL,
    action TEXT NOT NULL,
    rc TEXT NOT NULL,
    numbers TEXT NOT NULL
);
CREATE INDEX risk_hits_txn ON risk_hits(txn_id);
CREATE TABLE risk_cases (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_at INTEGER NOT NULL,
    txn_ids TEXT NOT NULL,
    rrn TEXT NOT NULL, tid TEXT NOT NULL, mid TEXT NOT NULL,
    masked TEXT NOT NULL, pan_hash TEXT NOT NULL,
    rules TEXT NOT NULL,
    numbers TEXT NOT NULL,
    verdict TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    closed_by TEXT NOT NULL DEFAULT '',
    closed_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX risk_cases_status ON risk_cases(status, id);
CREATE TABLE risk_lists (
    kind TEXT NOT NULL CHECK (kind IN ('card', 'terminal', 'merchant')),
    key TEXT NOT NULL,
    list TEXT NOT NULL CHECK (list IN ('blocked', 'watched')),
    masked TEXT NOT NULL,
    reason TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (kind, key, list)
) WITHOUT ROWID;
