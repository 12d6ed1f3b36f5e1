-- The PostgreSQL counterpart of src/store/sqlite/schema/term.7.sql: the terminal's downloaded
-- sets (applied items and version) and a download in progress, one row a set.
CREATE TABLE term_tms (
    name TEXT PRIMARY KEY,
    version TEXT NOT NULL, items BYTEA,
    dl_version TEXT NOT NULL, dl_next BIGINT NOT NULL, dl_items BYTEA
);
-- Whether it downloads by itself when an answer's header asks: 0, on demand only.
ALTER TABLE term_state ADD COLUMN tms_auto BIGINT NOT NULL DEFAULT 0;
