-- Issue 21, downloads (docs/tms.md "Downloads"): what the terminal downloaded from its host's
-- terminal management, one row a set ('params', 'capk', 'aid'): the items it applied and their
-- version ('' none yet), and a download in progress — the version being downloaded, the next
-- item's index, the items so far — so that a broken download resumes where it stopped.
CREATE TABLE term_tms (
    name TEXT PRIMARY KEY,
    version TEXT NOT NULL, items BLOB,
    dl_version TEXT NOT NULL, dl_next INTEGER NOT NULL, dl_items BLOB
);
-- Whether the terminal downloads by itself when an answer's header asks (`possum term download
-- --auto on`): 0, on demand only (`possum term download`).
ALTER TABLE term_state ADD COLUMN tms_auto INTEGER NOT NULL DEFAULT 0;
