-- The PostgreSQL equivalent of src/store/sqlite/schema/acquirer.8.sql, same module and version.
-- Issue 16, QR-code payments (docs/qr.md): how a request was paid, "card" or "qr" (a payment
-- code scanned, or the terminal's static code paid by a wallet: then a row of batch 0, outside
-- the terminal's batch); a QR refund or reversal keeps its original's. Every row before this
-- was a card's. (ADD COLUMN runs once: a test that sets the store back before this drops it.)
ALTER TABLE acq_txns ADD COLUMN channel TEXT NOT NULL DEFAULT 'card';
