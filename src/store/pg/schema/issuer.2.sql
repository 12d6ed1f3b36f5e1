-- The PostgreSQL equivalent of src/store/sqlite/schema/issuer.2.sql, same module and version.
-- A reversal's original by the acquirer's STAN, which each acquirer counts up: new
-- decisions go at the end of the index, where (acquirer, terminal, stan) put each in
-- its terminal's part of it, a page written per decision. The terminal is checked on
-- the rows found.
DROP INDEX decisions_reversal;
CREATE INDEX decisions_reversal ON decisions(acquirer, stan);
