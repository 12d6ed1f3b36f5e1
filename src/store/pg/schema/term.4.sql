-- The PostgreSQL equivalent of src/store/sqlite/schema/term.4.sql, same module and version.
-- Issue 15, the terminal's location: "LAT,LON" in micro-degrees (`possum term init --location`),
-- sent as 59.A2.06 on purchase and pre-authorization; '' for none.
ALTER TABLE term_state ADD COLUMN location TEXT NOT NULL DEFAULT '';
