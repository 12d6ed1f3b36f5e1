-- Issue 14, adjustments (docs/settle.md "Adjustments"): a change of a merchant's balance an
-- operator makes and a second operator approves (or rejects) before it posts; once approved,
-- owed to the merchant (or by it) until a payout takes it.
CREATE TABLE settle_adjustments (
    id INTEGER PRIMARY KEY,
    mid TEXT NOT NULL,
    amount INTEGER NOT NULL, currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    maker TEXT NOT NULL, checker TEXT NOT NULL,
    created_at INTEGER NOT NULL, decided_at INTEGER NOT NULL,
    payout_id INTEGER NOT NULL
);
CREATE INDEX settle_adjustments_owed ON settle_adjustments(status, payout_id, mid, id);
CREATE INDEX settle_adjustments_payout ON settle_adjustments(payout_id);
