-- An Idempotency-Key belongs to one edition (the same key may come again in
-- next year's week), and is kept for a while, not for ever: `created_at` is
-- indexed for the server's hourly clean-up.
CREATE TABLE submissions_of_edition (
    edition_id      INTEGER NOT NULL REFERENCES editions(id),
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    activity_id     TEXT NOT NULL UNIQUE REFERENCES activities(id),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (edition_id, idempotency_key)
);
INSERT INTO submissions_of_edition
    SELECT a.edition_id, s.idempotency_key, s.request_hash, s.activity_id, s.created_at
    FROM submissions s JOIN activities a ON a.id = s.activity_id;
DROP TABLE submissions;
ALTER TABLE submissions_of_edition RENAME TO submissions;
CREATE INDEX submissions_by_age ON submissions(created_at);
