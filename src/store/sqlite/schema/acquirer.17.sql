-- Issue 21, software updates (docs/tms.md "Software updates"): the last failed installation a
-- terminal reported (0820 391 with OK 0: the package's version and the terminal's reason, '' none
-- since its last success), which `possum admin tms status` shows.
ALTER TABLE terminals ADD COLUMN update_failed TEXT NOT NULL DEFAULT '';
