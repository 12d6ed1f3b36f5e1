-- Issue 21, terminal management (docs/tms.md "Parameters"): the parameters set at each level
-- (level 'all' with name '', 'model' with the model, 'merchant' with the MID, 'terminal' with
-- the TID), a row a key set there; and each level's set's version, counted up by every change,
-- with who made the last and when (the audit log keeps each change, old and new).
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
    version INTEGER NOT NULL,
    actor TEXT NOT NULL,
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (level, name)
);
