-- The PostgreSQL equivalent of src/store/sqlite/schema/notify.2.sql: the outbox's claims
-- (docs/scaling.md "Shared queues"), taken with FOR UPDATE SKIP LOCKED so that several hosts
-- claim disjoint messages at once.
ALTER TABLE notify_outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE notify_outbox ADD COLUMN claimed_until BIGINT NOT NULL DEFAULT 0;
