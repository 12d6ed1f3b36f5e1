-- Issue 20, several hosts on one database (docs/scaling.md "Several hosts on one database"):
-- PostgreSQL's retrieval reference numbers come from a sequence (acq_rrn), so that the hosts'
-- batches do not queue on one counter's row. SQLite has one writer at a time, and its RRN
-- stays the "rrn" row of acq_counters: nothing to make here, a statement that does nothing.
SELECT 1 WHERE 0;
