-- The relay's store: the division hierarchy, grids, accounts and devices,
-- the registry rows and issues of every grid, photos, the operations it has
-- applied and the change log that devices pull from.

CREATE TABLE divisions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('city', 'county', 'township', 'village')),
    parent_code TEXT REFERENCES divisions(code)
);

CREATE TABLE grids (
    code           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    community_code TEXT NOT NULL REFERENCES divisions(code),
    -- JSON list of polygons, each an outer ring [[lon, lat], ...], WGS-84, closed.
    boundary_json  TEXT NOT NULL,
    min_lon REAL NOT NULL, min_lat REAL NOT NULL,
    max_lon REAL NOT NULL, max_lat REAL NOT NULL
);
CREATE INDEX grids_by_community ON grids(community_code);

CREATE TABLE accounts (
    account       TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,          -- argon2id PHC string
    grid_code     TEXT NOT NULL REFERENCES grids(code),
    created_at_ms INTEGER NOT NULL
);

CREATE TABLE device_tokens (
    token_sha256  TEXT PRIMARY KEY,       -- hex SHA-256 of the bearer token
    account       TEXT NOT NULL REFERENCES accounts(account),
    grid_code     TEXT NOT NULL REFERENCES grids(code),
    device_id     TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER
);

CREATE TABLE api_keys (
    key_sha256    TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);

CREATE TABLE households (
    id         TEXT PRIMARY KEY,
    grid_code  TEXT NOT NULL REFERENCES grids(code),
    address    TEXT NOT NULL,
    head_name  TEXT NOT NULL,
    members    INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX households_by_grid ON households(grid_code);

CREATE TABLE residents (
    id           TEXT PRIMARY KEY,
    grid_code    TEXT NOT NULL REFERENCES grids(code),
    household_id TEXT NOT NULL REFERENCES households(id),
    name         TEXT NOT NULL,
    gender       TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    birth_date   TEXT NOT NULL,           -- YYYY-MM-DD
    citizen_id   TEXT NOT NULL,           -- canonical 18 characters
    phone        TEXT,
    relation     TEXT NOT NULL,           -- relation to the head: head, spouse, child, parent, other
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX residents_by_grid ON residents(grid_code);

CREATE TABLE enterprises (
    id                   TEXT PRIMARY KEY,
    grid_code            TEXT NOT NULL REFERENCES grids(code),
    name                 TEXT NOT NULL,
    credit_code          TEXT NOT NULL,
    legal_representative TEXT NOT NULL,
    address              TEXT NOT NULL,
    industry             TEXT NOT NULL,
    lat REAL, lon REAL,
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX enterprises_by_grid ON enterprises(grid_code);

CREATE TABLE issues (
    id              TEXT PRIMARY KEY,
    grid_code       TEXT NOT NULL REFERENCES grids(code),
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
    received_at_ms  INTEGER NOT NULL,
    deadline_at_ms  INTEGER,
    updated_at_ms   INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    -- Open311: who posted it from the platform, if anyone.
    external_account TEXT
);
CREATE INDEX issues_by_grid ON issues(grid_code);
CREATE INDEX issues_by_received ON issues(received_at_ms);

CREATE TABLE issue_photos (
    issue_id TEXT NOT NULL REFERENCES issues(id),
    ordinal  INTEGER NOT NULL,
    sha256   TEXT NOT NULL,
    PRIMARY KEY (issue_id, ordinal)
);

CREATE TABLE photos (
    sha256         TEXT PRIMARY KEY,
    bytes          INTEGER NOT NULL,
    content_type   TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL
);

-- Every operation the relay has seen, with the answer it gave, so that a
-- replay is answered the same without changing anything.
CREATE TABLE applied_ops (
    op_id          TEXT PRIMARY KEY,
    grid_code      TEXT NOT NULL,
    account        TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    entity         TEXT NOT NULL,
    row_id         TEXT NOT NULL,
    hlc            TEXT NOT NULL,
    claimed_at_ms  INTEGER NOT NULL,      -- the device's clock
    received_at_ms INTEGER NOT NULL,      -- the relay's clock
    outcome        TEXT NOT NULL,
    code           TEXT,
    message        TEXT,
    -- SHA-256 of the operation's entity, row_id, action and fields, so a
    -- reused id with other content is told from a replay.
    content_sha256 TEXT NOT NULL DEFAULT ''
);

-- The latest state of each row, keyed by a grid-independent sequence.
-- A row that changes again moves to a new sequence number, so a pull sends
-- each row at most once.
CREATE TABLE change_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    grid_code TEXT NOT NULL,
    entity    TEXT NOT NULL,
    row_id    TEXT NOT NULL,
    data_json TEXT,                       -- NULL for a deletion
    UNIQUE (entity, row_id)
);
CREATE INDEX change_log_by_grid ON change_log(grid_code, seq);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
