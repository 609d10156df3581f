-- The first schema: editions and their activities.
CREATE TABLE editions (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    year               INTEGER NOT NULL,
    starts_on          TEXT NOT NULL UNIQUE,
    ends_on            TEXT NOT NULL,
    programme_opens_on TEXT NOT NULL,
    is_demo            INTEGER NOT NULL DEFAULT 0,
    is_current         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE activities (
    id          TEXT PRIMARY KEY,
    edition_id  INTEGER NOT NULL REFERENCES editions(id),
    status      TEXT NOT NULL,
    starts_at   TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX activities_by_edition_status ON activities(edition_id, status, starts_at);
