-- Issue 16, the wallet (docs/qr.md): a wallet per card account, its number the row's id (7
-- digits in a payment code), made with the account's first code; its payment codes, kept only
-- as the keyed hash of their random part (unique: a code is found by it alone), the card that
-- asked, their life and their use. Rows are purged a day after they expire.
CREATE TABLE wallets (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE TABLE wallet_codes (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    wallet_id INTEGER NOT NULL,
    card_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX wallet_codes_expiry ON wallet_codes(expires_at);
-- The card an account pays with now (a code's account, a holder's cards).
CREATE INDEX cards_account ON cards(account_id);
-- A decision says which QR payment it was (enum request_qr: 0 a card's, 1 by payment code,
-- 2 by the terminal's static code), so that a QR refund finds its original by RRN.
ALTER TABLE decisions ADD COLUMN qr INTEGER NOT NULL DEFAULT 0;
