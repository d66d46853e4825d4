-- When the leader showed a full ID or phone number, and whose: the number
-- itself is never written here.
CREATE TABLE reveals (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    entity  TEXT NOT NULL,
    row_id  TEXT NOT NULL,
    field   TEXT NOT NULL,
    account TEXT NOT NULL,
    at_ms   INTEGER NOT NULL
);

-- Patrols (走访排查): when they ran, and the track while they ran.
CREATE TABLE patrols (
    id            TEXT PRIMARY KEY,
    started_at_ms INTEGER NOT NULL,
    ended_at_ms   INTEGER,
    distance_m    REAL NOT NULL DEFAULT 0
);

CREATE TABLE patrol_points (
    patrol_id  TEXT NOT NULL REFERENCES patrols(id),
    at_ms      INTEGER NOT NULL,
    lat        REAL NOT NULL,
    lon        REAL NOT NULL,
    accuracy_m REAL
);
CREATE INDEX patrol_points_by_patrol ON patrol_points(patrol_id, at_ms);

-- Visits to households and enterprises, on a patrol or not.
CREATE TABLE visits (
    id           TEXT PRIMARY KEY,
    patrol_id    TEXT,
    target_kind  TEXT NOT NULL CHECK (target_kind IN ('household', 'enterprise')),
    target_id    TEXT NOT NULL,
    note         TEXT NOT NULL,
    photo_sha256 TEXT,
    lat REAL, lon REAL,
    at_ms        INTEGER NOT NULL
);
CREATE INDEX visits_by_day ON visits(at_ms);

CREATE INDEX residents_by_household ON residents(household_id);

-- Points the relay credited, as pulled.
CREATE TABLE points (
    id      TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    reason  TEXT NOT NULL,
    ref_id  TEXT NOT NULL,
    points  INTEGER NOT NULL,
    at_ms   INTEGER NOT NULL
);

-- What a report is about.
ALTER TABLE issues ADD COLUMN subcategory TEXT;
ALTER TABLE issues ADD COLUMN subject_entity TEXT;
ALTER TABLE issues ADD COLUMN subject_id TEXT;
