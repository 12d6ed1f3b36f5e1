-- tms.3: software packages (docs/tms.md "Software updates"): each package of a terminal model
-- and version, its SHA-256 and its Ed25519 signature (hex), its bytes in chunks of 32 KiB; the
-- rollouts that name who gets a package and from when; the minimum version of each model and
-- the date (YYYYMMDD) after which a terminal below it is refused at sign-in.
CREATE TABLE tms_packages (
    id INTEGER PRIMARY KEY,
    model TEXT NOT NULL,
    version TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    signature TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX tms_packages_key ON tms_packages (model, version);
CREATE TABLE tms_package_chunks (
    package_id INTEGER NOT NULL REFERENCES tms_packages (id),
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (package_id, seq)
);
CREATE TABLE tms_rollouts (
    id INTEGER PRIMARY KEY,
    package_id INTEGER NOT NULL REFERENCES tms_packages (id),
    kind TEXT NOT NULL,
    targets TEXT NOT NULL,
    percent INTEGER NOT NULL,
    starts_at INTEGER NOT NULL,
    added_by TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    stopped_at INTEGER NOT NULL,
    stopped_by TEXT NOT NULL
);
CREATE TABLE tms_minimums (
    model TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    after_date INTEGER NOT NULL,
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL
);
