-- The PostgreSQL counterpart of src/store/sqlite/schema/acquirer.14.sql: a terminal's model
-- (docs/tms.md "Terminal models"); '' for none.
ALTER TABLE terminals ADD COLUMN model TEXT NOT NULL DEFAULT '';
