-- Issue 15, the periodic merchant review (docs/risk.md "Merchant review"): each run of
-- `possum admin risk review` or POST /api/v1/risk/review, a row per merchant graded: when, by
-- whom, the grade, its reasons' names (comma-separated), whether this run suspended the
-- merchant, and the whole result as JSON (what GET /api/v1/risk/review shows of the latest).
CREATE TABLE IF NOT EXISTS risk_reviews (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    mid TEXT NOT NULL,
    grade TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D')),
    reasons TEXT NOT NULL,
    suspended INTEGER NOT NULL,
    by TEXT NOT NULL,
    figures TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS risk_reviews_mid ON risk_reviews(mid, id);
