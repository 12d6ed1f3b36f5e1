-- The PostgreSQL counterpart of src/store/sqlite/schema/acquirer.17.sql: the last failed
-- software installation each terminal reported ('' none).
ALTER TABLE terminals ADD COLUMN update_failed TEXT NOT NULL DEFAULT '';
