-- The PostgreSQL equivalent of src/store/sqlite/schema/issuer.4.sql, same module and version.
-- Issue 13, the link's requests listed like the terminals': a decision says whether its
-- request came over the issuer's network link (acquirer.3 marks those of before: the
-- decisions no terminal request of the host's names). The link's are found by id.
ALTER TABLE decisions ADD COLUMN link BIGINT NOT NULL DEFAULT 0;
CREATE INDEX decisions_link ON decisions(id) WHERE link = 1;
-- A payment's void, for its listing.
CREATE INDEX decisions_original ON decisions(original_id) WHERE original_id != 0;
