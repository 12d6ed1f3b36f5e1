-- The PostgreSQL equivalent of src/store/sqlite/schema/merchant.2.sql, same module and version.
-- Issue 18, at rest: a merchant's phone sealed under the merchant module's data key with the
-- application's number as associated data, like the representative's ID number; the phone
-- column keeps only its masked form. The module seals the phones of older rows once when it
-- opens (meta merchant.phones_sealed).
ALTER TABLE merchant_apps ADD COLUMN phone_sealed BYTEA NOT NULL DEFAULT '\x';
