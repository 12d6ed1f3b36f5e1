-- The PostgreSQL equivalent of src/store/sqlite/schema/meta.1.sql, same module and version:
-- the store's named values (what each module keeps once).
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)
