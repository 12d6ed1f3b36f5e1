-- The PostgreSQL equivalent of src/store/sqlite/schema/acquirer.7.sql, same module and version.
-- Issue 15, the terminal's reported location (docs/cup-pos.md "Terminal identity", 59.A2.06):
-- the last one a purchase or pre-authorization of the terminal reported, in micro-degrees, and
-- when (0: never). (ADD COLUMN runs once: a test that sets the store back before this drops them.)
ALTER TABLE terminals ADD COLUMN reported_lat BIGINT NOT NULL DEFAULT 0;
ALTER TABLE terminals ADD COLUMN reported_lon BIGINT NOT NULL DEFAULT 0;
ALTER TABLE terminals ADD COLUMN reported_at BIGINT NOT NULL DEFAULT 0;
