-- Registrations through the API. The private fields stay out of `body`, which
-- is what the public sees; `submissions` remembers each Idempotency-Key, so a
-- repeated request never stores a second activity.
ALTER TABLE activities ADD COLUMN submitter_email TEXT COLLATE "C";
ALTER TABLE activities ADD COLUMN edit_token TEXT COLLATE "C";
ALTER TABLE activities ADD COLUMN review_note TEXT COLLATE "C";
CREATE TABLE submissions (
    idempotency_key TEXT COLLATE "C" PRIMARY KEY,
    seq             BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    request_hash    TEXT COLLATE "C" NOT NULL,
    activity_id     TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES activities(id),
    created_at      TEXT COLLATE "C" NOT NULL
);
