-- Issue 14, payouts (docs/settle.md "Payouts"): a payout per merchant per run of the days it
-- pays, and on each merchant-day total the payout that paid it and why it still waits.
CREATE TABLE settle_payouts (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL, mid TEXT NOT NULL,
    amount INTEGER NOT NULL, currency TEXT NOT NULL,
    card TEXT NOT NULL, card_id INTEGER NOT NULL,
    settle_dates TEXT NOT NULL,
    status TEXT NOT NULL, reason TEXT NOT NULL, bank_reference TEXT NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
);
CREATE INDEX settle_payouts_date ON settle_payouts(date, id);
ALTER TABLE settle_totals ADD COLUMN payout_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settle_totals ADD COLUMN reason TEXT NOT NULL DEFAULT '';
CREATE INDEX settle_totals_owed ON settle_totals(status, payout_date, mid, date);
