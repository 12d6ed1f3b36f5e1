-- The PostgreSQL equivalent of src/store/sqlite/schema/acquirer.4.sql, same module and version.
-- Issue 13, what became of a pre-authorization and of a completion: a completion voided by a
-- completion void, a pre-authorization cancelled (voided) or completed (by how much), written
-- with the follow-up (a completion void undone with its reversal); each such follow-up names
-- its original's RRN (original_rrn), and an approved one its original's row (original_id).
-- Rows written before are filled from the issuer's decisions, as acquirer.3 filled the voids'
-- and refunds'.
ALTER TABLE acq_txns ADD COLUMN completed BIGINT NOT NULL DEFAULT 0;
UPDATE acq_txns SET original_rrn = COALESCE((SELECT o.rrn FROM decisions AS d
    JOIN decisions AS o ON o.id = d.original_id WHERE d.id = acq_txns.decision_id), '')
    WHERE kind = 0 AND type IN ('preauth_cancel', 'completion', 'completion_void')
    AND decision_id != 0;
UPDATE acq_txns SET original_id = COALESCE((SELECT o.id FROM acq_txns AS o
    WHERE o.rrn = acq_txns.original_rrn AND o.kind = 0 ORDER BY o.id DESC LIMIT 1), 0)
    WHERE kind = 0 AND type IN ('preauth_cancel', 'completion', 'completion_void')
    AND rc = '00' AND original_rrn != '';
CREATE INDEX acq_txns_original_fill ON acq_txns(original_id);
UPDATE acq_txns SET voided = CASE WHEN EXISTS (SELECT 1 FROM acq_txns AS f
    WHERE f.original_id = acq_txns.id AND f.kind = 0 AND f.type = 'completion_void'
    AND f.rc = '00' AND f.reversed = 0) THEN 1 ELSE 0 END
    WHERE kind = 0 AND type = 'completion' AND rc = '00';
UPDATE acq_txns SET
    voided = CASE WHEN EXISTS (SELECT 1 FROM acq_txns AS f WHERE f.original_id = acq_txns.id
        AND f.kind = 0 AND f.type = 'preauth_cancel' AND f.rc = '00') THEN 1 ELSE 0 END,
    completed = (SELECT COALESCE(SUM(f.amount), 0) FROM acq_txns AS f
        WHERE f.original_id = acq_txns.id AND f.kind = 0 AND f.type = 'completion'
        AND f.rc = '00')
    WHERE kind = 0 AND type = 'preauth' AND rc = '00';
DROP INDEX acq_txns_original_fill;
