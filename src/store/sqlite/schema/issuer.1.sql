CREATE TABLE cards (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    pan_hash TEXT NOT NULL UNIQUE,
    pan BLOB NOT NULL,
    id_number BLOB NOT NULL,
    phone BLOB NOT NULL,
    masked TEXT NOT NULL,
    last4 TEXT NOT NULL,
    product INTEGER NOT NULL,
    status INTEGER NOT NULL,
    expiry TEXT NOT NULL,
    service_code TEXT NOT NULL,
    chip INTEGER NOT NULL,
    psn TEXT NOT NULL,
    pvki INTEGER NOT NULL,
    pvv TEXT NOT NULL,
    holder TEXT NOT NULL,
    language TEXT NOT NULL,
    pin_tries INTEGER NOT NULL DEFAULT 0,
    atc INTEGER NOT NULL DEFAULT -1,
    replaced_by INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX cards_last4 ON cards(last4);
CREATE TABLE card_days (
    card_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    count INTEGER NOT NULL,
    auths INTEGER NOT NULL,
    PRIMARY KEY (card_id, day)) WITHOUT ROWID;
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    op INTEGER NOT NULL,
    card_id INTEGER NOT NULL,
    dup_key TEXT UNIQUE,
    acquirer TEXT NOT NULL, stan TEXT NOT NULL, transmit TEXT NOT NULL,
    terminal TEXT NOT NULL, merchant TEXT NOT NULL, rrn TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency INTEGER NOT NULL,
    rc TEXT NOT NULL, reason TEXT NOT NULL, auth_code TEXT NOT NULL,
    transfer_id BLOB,
    original_id INTEGER NOT NULL,
    remaining INTEGER NOT NULL,
    reversed INTEGER NOT NULL
);
CREATE INDEX decisions_card ON decisions(card_id, auth_code);
CREATE INDEX decisions_reversal ON decisions(acquirer, terminal, stan);
CREATE TABLE cardauths (
    id INTEGER PRIMARY KEY,
    card_id INTEGER NOT NULL,
    state INTEGER NOT NULL,
    otp_hash TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    otp_expires INTEGER NOT NULL,
    tries INTEGER NOT NULL,
    verified_at INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX cardauths_card ON cardauths(card_id, id);
