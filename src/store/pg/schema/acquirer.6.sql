-- The PostgreSQL equivalent of src/store/sqlite/schema/acquirer.6.sql, same module and version.
-- Issue 14, reconciliation (docs/settle.md "Reconciliation"): what a terminal reports at the
-- end of its batch, for `possum admin settle reconcile` to compare with the host's rows. A
-- settlement (0500): a row per terminal and batch with the terminal's totals (field 48), the
-- host's at that moment, whether they agreed, its time and settlement date; a repeat of it
-- replaces the row (and forgets the batch's upload, which follows again). A batch upload
-- (0320): a row per transaction uploaded, by its original STAN, with its card masked and the
-- card's keyed hash as acq_txns keeps them (never the PAN) and its amount. (IF NOT EXISTS: a
-- store whose version a test set back runs this again.)
CREATE TABLE IF NOT EXISTS acq_batches (
    tid TEXT NOT NULL, batch BIGINT NOT NULL,
    mid TEXT NOT NULL,
    at BIGINT NOT NULL, settle_date TEXT NOT NULL,
    sales_amount BIGINT NOT NULL, sales_count BIGINT NOT NULL,
    refund_amount BIGINT NOT NULL, refund_count BIGINT NOT NULL,
    foreign_sales_amount BIGINT NOT NULL, foreign_sales_count BIGINT NOT NULL,
    foreign_refund_amount BIGINT NOT NULL, foreign_refund_count BIGINT NOT NULL,
    host_sales_amount BIGINT NOT NULL, host_sales_count BIGINT NOT NULL,
    host_refund_amount BIGINT NOT NULL, host_refund_count BIGINT NOT NULL,
    agreed BIGINT NOT NULL,
    settlements BIGINT NOT NULL,
    PRIMARY KEY (tid, batch)
);
CREATE INDEX IF NOT EXISTS acq_batches_date ON acq_batches(settle_date, tid, batch);
CREATE TABLE IF NOT EXISTS acq_uploads (
    tid TEXT NOT NULL, batch BIGINT NOT NULL, stan TEXT NOT NULL,
    card_class TEXT NOT NULL,
    amount BIGINT NOT NULL,
    masked TEXT NOT NULL, pan_hash TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (tid, batch, stan)
);
