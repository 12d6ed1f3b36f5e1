-- The PostgreSQL equivalent of src/store/sqlite/schema/settle.4.sql, same module and version.
-- Issue 14, a merchant's own figures (docs/settle.md "Statements"; the balance endpoint): its
-- payouts newest first and by status, and its days still owed, found by its MID rather than by
-- reading every merchant's.
CREATE INDEX settle_payouts_mid ON settle_payouts(mid, id);
CREATE INDEX settle_totals_mid ON settle_totals(mid, status);
