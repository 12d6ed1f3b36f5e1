-- Issue 19, the link engine (docs/links.md "Store and forward"): a request sent on a link is
-- queued as a reversal in state 'waiting' in the commit before it leaves, due only when its
-- answer has not settled it by next_at (the link's timeout and a margin): then the host died,
-- or the commit of the answer failed, and the issuer may have approved it, so the reversal is
-- sent. The answer in time deletes the entry (nothing to undo) or makes it 'pending' (timed out,
-- or reversed by the terminal meanwhile). SQLite cannot change a CHECK: the table is rebuilt.
CREATE TABLE saf_queue_new (
    id INTEGER PRIMARY KEY,
    link TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reversal', 'advice')),
    txn_id INTEGER NOT NULL,
    rrn TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('waiting', 'pending', 'done', 'refused', 'expired')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    last_rc TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO saf_queue_new SELECT * FROM saf_queue;
DROP TABLE saf_queue;
ALTER TABLE saf_queue_new RENAME TO saf_queue;
CREATE UNIQUE INDEX saf_queue_txn ON saf_queue(kind, txn_id);
CREATE INDEX saf_queue_due ON saf_queue(link, next_at) WHERE state IN ('waiting', 'pending');
