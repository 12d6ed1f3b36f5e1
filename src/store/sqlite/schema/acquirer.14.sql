-- Issue 21, terminal management (docs/tms.md "Terminal models"): a terminal's model, which the
-- TMS's parameters may be set for ("model" level); '' for none.
ALTER TABLE terminals ADD COLUMN model TEXT NOT NULL DEFAULT '';
