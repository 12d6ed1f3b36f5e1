-- The PostgreSQL counterpart of src/store/sqlite/schema/acquirer.13.sql: the retrieval reference
-- numbers' sequence (store_acq_next's "rrn"), whose nextval takes no row lock, so several hosts'
-- batches draw RRNs at once without waiting for each other's commit (an upsert of acq_counters
-- held its row to the commit). It starts past the counter's value when there is one, so that no
-- RRN already given is given again; a number drawn by a transaction rolled back is skipped.
-- Safe to apply again (a store whose version was set back): never moved backwards.
CREATE SEQUENCE IF NOT EXISTS acq_rrn AS BIGINT MINVALUE 1;
SELECT setval('acq_rrn', c.next, false)
    FROM (SELECT COALESCE((SELECT value FROM acq_counters WHERE name = 'rrn'), 0) + 1 AS next) AS c,
        (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END AS next FROM acq_rrn) AS q
    WHERE c.next > q.next;
