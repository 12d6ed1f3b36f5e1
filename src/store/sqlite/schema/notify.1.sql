CREATE TABLE notify_outbox (
    id INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL,
    phone BLOB NOT NULL,
    text TEXT NOT NULL,
    state INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    next_at INTEGER NOT NULL,
    done_at INTEGER NOT NULL,
    error TEXT NOT NULL
);
CREATE INDEX notify_outbox_due ON notify_outbox(state, next_at);
