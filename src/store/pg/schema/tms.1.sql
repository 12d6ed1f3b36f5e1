-- The PostgreSQL counterpart of src/store/sqlite/schema/tms.1.sql: the TMS's parameters set at
-- each level, and each level's set's version with who changed it last and when.
CREATE TABLE tms_params (
    level TEXT NOT NULL,
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (level, name, key)
);
CREATE TABLE tms_param_sets (
    level TEXT NOT NULL,
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    actor TEXT NOT NULL,
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (level, name)
);
