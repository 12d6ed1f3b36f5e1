-- The PostgreSQL equivalent of src/store/sqlite/schema/acquirer.5.sql, same module and version.
-- Issue 14, the business day: a terminal request's settle_date is the settlement date of the
-- moment the host decided it, YYYY-MM-DD (until now MMDD, the local date): the local date
-- before the [settle] cut-off, the next day from it on. Rows written before are filled from
-- their time (at) with the defaults, a cut-off of 23:00 and [host] utc_offset 480 (Beijing):
-- the date of at + 8 hours + 1 hour (a moment from 23:00 on lands on the next day).
UPDATE acq_txns SET settle_date = to_char(to_timestamp(at + 480 * 60 + (1440 - 1380) * 60) AT TIME ZONE 'UTC', 'YYYY-MM-DD');
