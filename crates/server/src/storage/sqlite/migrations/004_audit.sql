-- The audit, one row per decision (and per organiser's change), written in
-- the transaction of the change. No foreign key: the history of an activity
-- outlives it.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    operator    TEXT NOT NULL,
    action      TEXT NOT NULL,
    activity_id TEXT,
    reason      TEXT,
    code        TEXT
);
CREATE INDEX audit_by_activity ON audit(activity_id);
