-- The PostgreSQL equivalent of src/store/sqlite/schema/acquirer.9.sql, same module and version.
-- Issue 19, routing (docs/links.md): where a request went at the route stage, "local" (the
-- host's issuer) or the name of a network link ([link.NAME]), "" when it went nowhere (refused
-- before the route, or no route: 15). Rows before this: "local" when the issuer decided them.
ALTER TABLE acq_txns ADD COLUMN route TEXT NOT NULL DEFAULT '';
UPDATE acq_txns SET route = 'local' WHERE decision_id != 0;
