-- The PostgreSQL counterpart of src/store/sqlite/schema/acquirer.16.sql: each terminal's held
-- versions of its downloads and the sets it still needs (bits: 1 parameters, 2 CA keys, 4 AIDs,
-- 8 a software update, reserved).
ALTER TABLE terminals ADD COLUMN params_held TEXT NOT NULL DEFAULT '';
ALTER TABLE terminals ADD COLUMN capk_held TEXT NOT NULL DEFAULT '';
ALTER TABLE terminals ADD COLUMN aid_held TEXT NOT NULL DEFAULT '';
ALTER TABLE terminals ADD COLUMN tms_pending BIGINT NOT NULL DEFAULT 7;
