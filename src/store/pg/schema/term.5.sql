-- The PostgreSQL equivalent of src/store/sqlite/schema/term.5.sql, same module and version.
-- Issue 16, QR-code payments: the host's id of the last payment by the terminal's static code
-- the terminal learned (`possum term qr-result`, field 62 of QR results); 0 before any. The
-- payments it learned are term_txns rows of batch 0 (kind TERM_QR_RESULT), outside its batches.
ALTER TABLE term_state ADD COLUMN qr_cursor BIGINT NOT NULL DEFAULT 0;
