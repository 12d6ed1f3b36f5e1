-- The PostgreSQL equivalent of src/store/sqlite/schema/settle.5.sql, same module and version.
-- Issue 16, QR-code payments in the books (docs/settle.md "Channels"): a merchant's totals of a
-- day keep, of their lines, those of channel qr apart (the card's are the rest); a day closed
-- before has none.
ALTER TABLE settle_totals ADD COLUMN qr_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settle_totals ADD COLUMN qr_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settle_totals ADD COLUMN qr_fees BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settle_totals ADD COLUMN qr_net BIGINT NOT NULL DEFAULT 0;
