-- The device's store: the leader's own grid, its registry and issues,
-- photos waiting to leave, and the outbox of operations not yet confirmed
-- by the relay.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE grid (
    code           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    district_code  TEXT NOT NULL, district_name  TEXT NOT NULL,
    township_code  TEXT NOT NULL, township_name  TEXT NOT NULL,
    community_code TEXT NOT NULL, community_name TEXT NOT NULL,
    boundary_json  TEXT NOT NULL
);

CREATE TABLE households (
    id        TEXT PRIMARY KEY,
    address   TEXT NOT NULL,
    head_name TEXT NOT NULL,
    members   INTEGER NOT NULL,
    version   INTEGER NOT NULL
);

CREATE TABLE residents (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL,
    name         TEXT NOT NULL,
    gender       TEXT NOT NULL,
    birth_date   TEXT NOT NULL,
    citizen_id   TEXT NOT NULL,
    phone        TEXT,
    relation     TEXT NOT NULL,
    version      INTEGER NOT NULL
);

CREATE TABLE enterprises (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    credit_code          TEXT NOT NULL,
    legal_representative TEXT NOT NULL,
    address              TEXT NOT NULL,
    industry             TEXT NOT NULL,
    lat REAL, lon REAL,
    version              INTEGER NOT NULL
);

CREATE TABLE issues (
    id              TEXT PRIMARY KEY,
    domain          TEXT NOT NULL,
    focus_tag       TEXT,
    description     TEXT NOT NULL,
    status          TEXT NOT NULL,
    source          TEXT NOT NULL,
    lat REAL, lon REAL,
    accuracy_m      REAL,
    position_source TEXT,
    address         TEXT,
    reported_by     TEXT,
    reported_at_ms  INTEGER NOT NULL,
    received_at_ms  INTEGER,              -- NULL until the relay confirms it
    deadline_at_ms  INTEGER,
    updated_at_ms   INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 0,
    filed_here      INTEGER NOT NULL DEFAULT 0  -- 1 when this device created it
);

CREATE TABLE issue_photos (
    issue_id TEXT NOT NULL,
    ordinal  INTEGER NOT NULL,
    sha256   TEXT NOT NULL,
    PRIMARY KEY (issue_id, ordinal)
);

-- Upload copies made by the photo pipeline, stored by hash in the data folder.
CREATE TABLE photos (
    sha256         TEXT PRIMARY KEY,
    bytes          INTEGER NOT NULL,
    width_px       INTEGER NOT NULL,
    height_px      INTEGER NOT NULL,
    taken_at       TEXT,                  -- camera's local time, as recorded
    exif_lat REAL, exif_lon REAL,
    uploaded_at_ms INTEGER,
    created_at_ms  INTEGER NOT NULL
);

-- Operations not yet confirmed. `state` is pending until the relay answers
-- applied or duplicate (the row is then deleted) or rejected (kept, shown).
CREATE TABLE outbox (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id         TEXT NOT NULL UNIQUE,
    entity        TEXT NOT NULL,
    row_id        TEXT NOT NULL,
    op_json       TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    created_at_ms INTEGER NOT NULL
);
