-- Registry edits, the issue timeline and conflicts, as the device keeps them.

ALTER TABLE residents ADD COLUMN care_tags_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE residents ADD COLUMN moved_out_at_ms INTEGER;

-- Issue timeline: events pulled from the relay, and the device's own until
-- the relay confirms them (`pending = 1`).
CREATE TABLE issue_events (
    id             TEXT PRIMARY KEY,
    issue_id       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    from_status    TEXT NOT NULL,
    to_status      TEXT NOT NULL,
    effective      INTEGER NOT NULL,
    reason         TEXT,
    note           TEXT,
    photos_json    TEXT NOT NULL DEFAULT '[]',
    lat REAL, lon REAL, accuracy_m REAL,
    actor          TEXT NOT NULL,
    at_ms          INTEGER NOT NULL,
    received_at_ms INTEGER,
    pending        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX issue_events_by_issue ON issue_events(issue_id, at_ms);

CREATE TABLE conflicts (
    id             TEXT PRIMARY KEY,
    entity         TEXT NOT NULL,
    row_id         TEXT NOT NULL,
    field          TEXT NOT NULL,
    kept_json      TEXT NOT NULL,
    kept_author    TEXT NOT NULL,
    other_json     TEXT NOT NULL,
    other_author   TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    resolved_at_ms INTEGER
);
CREATE INDEX conflicts_open ON conflicts(resolved_at_ms, entity, row_id);

-- Photo uploads the relay has partly received: how far it got.
ALTER TABLE photos ADD COLUMN sent_bytes INTEGER NOT NULL DEFAULT 0;
