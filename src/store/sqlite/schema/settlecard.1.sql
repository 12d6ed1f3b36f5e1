CREATE TABLE settlement_cards (
    id INTEGER PRIMARY KEY,
    mid TEXT NOT NULL,
    state INTEGER NOT NULL,
    card_id INTEGER NOT NULL,
    pan BLOB NOT NULL,
    masked TEXT NOT NULL,
    actor TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    verified_at INTEGER NOT NULL,
    effective_from INTEGER NOT NULL
);
CREATE INDEX settlement_cards_mid ON settlement_cards(mid, state, effective_from);
