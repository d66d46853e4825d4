-- What a report is about, visits on patrol, and the points ledger.

ALTER TABLE issues ADD COLUMN subcategory TEXT;
ALTER TABLE issues ADD COLUMN subject_entity TEXT;
ALTER TABLE issues ADD COLUMN subject_id TEXT;

CREATE TABLE visits (
    id             TEXT PRIMARY KEY,
    grid_code      TEXT NOT NULL,
    account        TEXT NOT NULL,
    subject_entity TEXT NOT NULL,
    subject_id     TEXT NOT NULL,
    note           TEXT NOT NULL,
    photo_sha256   TEXT,
    lat REAL, lon REAL, accuracy_m REAL,
    at_ms          INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL
);
CREATE INDEX visits_by_account ON visits(account, received_at_ms);

-- Every credit, with its reason and what earned it. One credit per reason
-- and thing: the unique key makes a rule that fires twice credit once.
CREATE TABLE points (
    id        TEXT PRIMARY KEY,
    grid_code TEXT NOT NULL,
    account   TEXT NOT NULL,
    reason    TEXT NOT NULL,
    ref_id    TEXT NOT NULL,
    points    INTEGER NOT NULL,
    at_ms     INTEGER NOT NULL,
    UNIQUE (reason, ref_id)
);
CREATE INDEX points_by_account ON points(account, at_ms);
