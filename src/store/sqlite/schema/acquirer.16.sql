-- Issue 21, downloads (docs/tms.md "Downloads"): the versions of the parameters, the CA public
-- keys and the chip applications each terminal confirmed it holds ('' none yet), and what it
-- still needs to download, a bit a set: 1 parameters, 2 CA keys, 4 AIDs (8 a software update,
-- reserved). The terminal stage reads the row already: the answer's processing-request nibble
-- costs no query.
ALTER TABLE terminals ADD COLUMN params_held TEXT NOT NULL DEFAULT '';
ALTER TABLE terminals ADD COLUMN capk_held TEXT NOT NULL DEFAULT '';
ALTER TABLE terminals ADD COLUMN aid_held TEXT NOT NULL DEFAULT '';
ALTER TABLE terminals ADD COLUMN tms_pending INTEGER NOT NULL DEFAULT 7;
