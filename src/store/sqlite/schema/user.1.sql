CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role INTEGER NOT NULL,
    mid TEXT NOT NULL,
    password TEXT NOT NULL,
    totp BLOB NOT NULL,
    state INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    totp_last INTEGER NOT NULL,
    enrol_hash TEXT NOT NULL,
    enrol_expires INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX users_enrol ON users (enrol_hash) WHERE enrol_hash <> '';
CREATE TABLE user_sessions (
    hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);
