-- The PostgreSQL equivalent of src/store/sqlite/schema/risk.3.sql, same module and version.
-- Issue 16, QR-code payments (docs/risk.md "card_after_qr"): each holder's last approved QR
-- payment at each terminal, by the issuer's keyed hash of the holder's ID number
-- (issuer_holder_key(), never the number), kept in the commit that records the payment, so
-- that holder_qr_gap is one lookup. Nothing before this version is known: no row.
CREATE TABLE risk_holder_qr (
    tid TEXT NOT NULL, holder_key TEXT NOT NULL, at BIGINT NOT NULL,
    PRIMARY KEY (tid, holder_key)
);
