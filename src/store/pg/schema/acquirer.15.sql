-- The PostgreSQL equivalent of src/store/sqlite/schema/acquirer.15.sql: the store-and-forward
-- queue's claims (docs/scaling.md "Shared queues"), taken with FOR UPDATE SKIP LOCKED so that
-- several hosts claim disjoint entries at once.
ALTER TABLE saf_queue ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE saf_queue ADD COLUMN claimed_until BIGINT NOT NULL DEFAULT 0;
CREATE INDEX saf_queue_of_txn ON saf_queue(txn_id);
