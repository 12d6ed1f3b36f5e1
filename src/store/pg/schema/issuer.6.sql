-- The PostgreSQL equivalent of src/store/sqlite/schema/issuer.6.sql, same module and version.
-- Issue 18, at rest: the holder's name sealed under the data key with the PAN hash as
-- associated data, like the ID number and the phone. The issuer seals the names of older
-- rows once when it opens (meta issuer.names_sealed) and blanks their clear holder.
ALTER TABLE cards ADD COLUMN name BYTEA NOT NULL DEFAULT '\x';
