-- The PostgreSQL equivalent of src/store/sqlite/schema/acquirer.11.sql: a request's reversal
-- queued 'waiting' before the request leaves (docs/links.md "Store and forward"). Where SQLite
-- rebuilds the table to change a CHECK, PostgreSQL replaces the constraint.
ALTER TABLE saf_queue DROP CONSTRAINT saf_queue_state;
ALTER TABLE saf_queue ADD CONSTRAINT saf_queue_state
    CHECK (state IN ('waiting', 'pending', 'done', 'refused', 'expired'));
DROP INDEX saf_queue_due;
CREATE INDEX saf_queue_due ON saf_queue(link, next_at) WHERE state IN ('waiting', 'pending');
