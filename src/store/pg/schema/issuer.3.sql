-- The PostgreSQL equivalent of src/store/sqlite/schema/issuer.3.sql, same module and version.
-- A follow-up's original by its RRN, which acquirers count up, so that new decisions go
-- at the index's end; by auth code (random) only for the pre-authorizations (2) and
-- completions (4) a terminal names that way (docs/cup-pos.md), instead of every decision
-- of the card at a random place in (card_id, auth_code), a page written each.
DROP INDEX decisions_card;
CREATE INDEX decisions_rrn ON decisions(rrn);
CREATE INDEX decisions_auth ON decisions(card_id, auth_code)
WHERE op IN (2, 4) AND rc = '00';
