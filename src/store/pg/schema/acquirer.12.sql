-- The PostgreSQL equivalent of src/store/sqlite/schema/acquirer.12.sql: a stand-in advice's card,
-- sealed (docs/links.md "Stand-in"); SQLite's BLOB is bytea.
ALTER TABLE saf_queue ADD COLUMN card BYTEA;
