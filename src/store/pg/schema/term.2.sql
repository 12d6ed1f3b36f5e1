-- The PostgreSQL equivalent of src/store/sqlite/schema/term.2.sql, same module and version.
-- Issue 13, receipts as CUP prints them: the merchant's name the host gives at sign-in (field
-- 63.2 of 0810), and for chip cards the application's AID and label and the TC.
ALTER TABLE term_state ADD COLUMN merchant_name TEXT NOT NULL DEFAULT '';
ALTER TABLE term_txns ADD COLUMN aid TEXT NOT NULL DEFAULT '';
ALTER TABLE term_txns ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE term_txns ADD COLUMN tc TEXT NOT NULL DEFAULT '';
