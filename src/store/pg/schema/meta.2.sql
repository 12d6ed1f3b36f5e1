-- The PostgreSQL equivalent of src/store/sqlite/schema/meta.2.sql, same module and version:
-- Leases (store_lease.h): which of several hosts on one database does a named piece of work,
-- until when (milliseconds of the database's clock). A holder's row stays until it is
-- released, or taken over once its time has run out.
CREATE TABLE leases (
	name     TEXT PRIMARY KEY,
	holder   TEXT NOT NULL CHECK (holder != ''),
	since_ms BIGINT NOT NULL,
	until_ms BIGINT NOT NULL
)
