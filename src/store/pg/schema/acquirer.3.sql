-- The PostgreSQL equivalent of src/store/sqlite/schema/acquirer.3.sql, same module and version.
-- Issue 13, what became of a payment: a purchase or completion voided, and how much of it was
-- refunded, written with the void or refund (and undone with its reversal); a void or refund
-- names its original's RRN, and an approved one its original's row (original_id). Rows
-- written before are filled from the issuer's decisions: a follow-up's decision names its
-- original's, whose RRN is the acquirer's.
ALTER TABLE acq_txns ADD COLUMN voided BIGINT NOT NULL DEFAULT 0;
ALTER TABLE acq_txns ADD COLUMN refunded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE acq_txns ADD COLUMN original_rrn TEXT NOT NULL DEFAULT '';
UPDATE acq_txns SET original_rrn = COALESCE((SELECT o.rrn FROM decisions AS d
    JOIN decisions AS o ON o.id = d.original_id WHERE d.id = acq_txns.decision_id), '')
    WHERE kind = 0 AND type IN ('void', 'refund') AND decision_id != 0;
UPDATE acq_txns SET original_id = COALESCE((SELECT o.id FROM acq_txns AS o
    WHERE o.rrn = acq_txns.original_rrn AND o.kind = 0 ORDER BY o.id DESC LIMIT 1), 0)
    WHERE kind = 0 AND type IN ('void', 'refund') AND rc = '00' AND original_rrn != '';
CREATE INDEX acq_txns_original_fill ON acq_txns(original_id);
UPDATE acq_txns SET
    voided = CASE WHEN EXISTS (SELECT 1 FROM acq_txns AS f WHERE f.original_id = acq_txns.id
        AND f.kind = 0 AND f.type = 'void' AND f.rc = '00' AND f.reversed = 0) THEN 1 ELSE 0 END,
    refunded = (SELECT COALESCE(SUM(f.amount), 0) FROM acq_txns AS f
        WHERE f.original_id = acq_txns.id AND f.kind = 0 AND f.type = 'refund'
        AND f.rc = '00' AND f.reversed = 0)
    WHERE kind = 0 AND type IN ('purchase', 'completion') AND rc = '00';
DROP INDEX acq_txns_original_fill;
-- The issuer's decisions of before that no request of the host's terminals names came over
-- its network link (issuer.4).
UPDATE decisions SET link = 1 WHERE id NOT IN (SELECT decision_id FROM acq_txns);
