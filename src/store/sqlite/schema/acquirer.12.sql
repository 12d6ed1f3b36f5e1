-- Issue 19, stand-in (docs/links.md "Stand-in"): an advice of a payment approved in its issuer's
-- name while its link was down needs the card to be posted: the card number, its expiry and the
-- entry mode, sealed under the acquirer's data key (acquirer.data, D0) with the row's id as
-- associated data, kept only while the entry may still be sent (emptied once it is done,
-- refused or expired). NULL for a reversal: the issuer finds its original without the card.
ALTER TABLE saf_queue ADD COLUMN card BLOB;
