-- Registrations through the API. The private fields stay out of `body`, which
-- is what the public sees; `submissions` remembers each Idempotency-Key, so a
-- repeated request never stores a second activity.
ALTER TABLE activities ADD COLUMN submitter_email TEXT;
ALTER TABLE activities ADD COLUMN edit_token TEXT;
ALTER TABLE activities ADD COLUMN review_note TEXT;
CREATE TABLE submissions (
    idempotency_key TEXT PRIMARY KEY,
    request_hash    TEXT NOT NULL,
    activity_id     TEXT NOT NULL UNIQUE REFERENCES activities(id),
    created_at      TEXT NOT NULL
);
