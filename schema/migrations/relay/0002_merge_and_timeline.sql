-- Per-field merging of registry rows, tombstones, the issue timeline and
-- recorded conflicts.

-- For each registry row: which version, device and clock stamp last wrote
-- each field, as JSON {"field": [version, "device", "hlc"]}. A field absent
-- from the map has not changed since the row was created.
ALTER TABLE households  ADD COLUMN stamps_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE residents   ADD COLUMN stamps_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE enterprises ADD COLUMN stamps_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE households  ADD COLUMN deleted_at_ms INTEGER;
ALTER TABLE residents   ADD COLUMN deleted_at_ms INTEGER;
ALTER TABLE enterprises ADD COLUMN deleted_at_ms INTEGER;

-- Residents: key-care tags (JSON list of codes) and moving out, which keeps
-- the row (a resident who moved out is history, not an error).
ALTER TABLE residents ADD COLUMN care_tags_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE residents ADD COLUMN moved_out_at_ms INTEGER;

-- Every step in an issue's life, including the ones that did not move it:
-- a stale or disallowed transition is kept with `effective = 0` and a reason.
CREATE TABLE issue_events (
    id             TEXT PRIMARY KEY,
    issue_id       TEXT NOT NULL REFERENCES issues(id),
    grid_code      TEXT NOT NULL,
    kind           TEXT NOT NULL,
    from_status    TEXT NOT NULL,
    to_status      TEXT NOT NULL,
    effective      INTEGER NOT NULL,
    reason         TEXT,
    note           TEXT,
    photos_json    TEXT NOT NULL DEFAULT '[]',
    lat REAL, lon REAL, accuracy_m REAL,
    actor          TEXT NOT NULL,
    at_ms          INTEGER NOT NULL,      -- the actor's clock
    received_at_ms INTEGER NOT NULL       -- the relay's clock
);
CREATE INDEX issue_events_by_issue ON issue_events(issue_id, received_at_ms);

-- Two devices changed one field from the same base: the kept value and the
-- other, until a leader resolves it.
CREATE TABLE conflicts (
    id             TEXT PRIMARY KEY,
    grid_code      TEXT NOT NULL,
    entity         TEXT NOT NULL,
    row_id         TEXT NOT NULL,
    field          TEXT NOT NULL,
    kept_json      TEXT NOT NULL,
    kept_author    TEXT NOT NULL,
    other_json     TEXT NOT NULL,
    other_author   TEXT NOT NULL,
    other_op_id    TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    resolved_at_ms INTEGER,
    resolved_by    TEXT
);
CREATE INDEX conflicts_by_row ON conflicts(entity, row_id);

-- Uploads in progress: bytes received so far live in a part file named by
-- the hash; this row says how many and when the upload began.
CREATE TABLE photo_uploads (
    sha256        TEXT PRIMARY KEY,
    total_bytes   INTEGER NOT NULL,
    received      INTEGER NOT NULL,
    started_at_ms INTEGER NOT NULL
);
