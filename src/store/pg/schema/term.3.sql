-- The PostgreSQL equivalent of src/store/sqlite/schema/term.3.sql, same module and version.
-- Issue 13, the terminal's clock: minutes east of UTC of the host's local time, which the
-- sign-in's answer (fields 12 and 13) sets; Beijing's (480) until then.
ALTER TABLE term_state ADD COLUMN utc_offset BIGINT NOT NULL DEFAULT 480;
