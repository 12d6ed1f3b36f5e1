-- Issue 19, store and forward (docs/links.md "Store and forward"): the reversals and stand-in
-- advices a network link owes its issuer, queued in the same commit as the request's record and
-- repeated until answered. An entry names its original (its acq_txns row and RRN), never a
-- message: the sender builds the message from that record, so no card data is kept here. kind
-- 'reversal' or 'advice'; state 'pending' (to send: due when next_at <= now), 'done' (answered
-- 00, or 25 to a reversal), 'refused' (an advice answered otherwise), 'expired' (still pending
-- after the link's saf_max_age). last_rc: the last answer's code, '' none yet.
CREATE TABLE saf_queue (
    id INTEGER PRIMARY KEY,
    link TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reversal', 'advice')),
    txn_id INTEGER NOT NULL,
    rrn TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'done', 'refused', 'expired')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    last_rc TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX saf_queue_txn ON saf_queue(kind, txn_id);
CREATE INDEX saf_queue_due ON saf_queue(link, next_at) WHERE state = 'pending';
