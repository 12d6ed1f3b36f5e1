-- The PostgreSQL equivalent of src/store/sqlite/schema/term.6.sql, same module and version.
-- Issue 19, stand-in: an approval whose answer's field 44 was STAND-IN, made by the acquirer in
-- the issuer's name while its link was down (docs/links.md); the slip and `possum term batch`
-- say so. 0 for every other transaction.
ALTER TABLE term_txns ADD COLUMN stand_in BIGINT NOT NULL DEFAULT 0;
