-- Issue 20, several hosts on one database (docs/scaling.md "Shared queues"): the store-and-
-- forward queue is claimed by whichever host sends an entry, not by the one host holding a
-- lease. claimed_by: the claiming process (store_lease_holder()'s text), '' none;
-- claimed_until: the second the claim runs out, 0 none. A claim taken (store_saf_claim) lets no
-- other host take the entry until it runs out, and its sender's marks are written only while
-- the entry is still its claim. Entries of one transaction (an advice, then its reversal) are
-- found by txn_id, so that a later one waits while another host holds an earlier one.
ALTER TABLE saf_queue ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE saf_queue ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
CREATE INDEX saf_queue_of_txn ON saf_queue(txn_id);
