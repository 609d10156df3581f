-- E-mail. The outbox is written in the transaction of the change it tells of
-- and holds no edit token (the link is derived when sending); `leased_until`
-- lets several senders share it. `approved_body` keeps the activity as last
-- approved, to show what changed since.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    recipients      TEXT NOT NULL,
    activity_id     TEXT NOT NULL,
    facts           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    leased_until    TEXT,
    sent_at         TEXT,
    failed_at       TEXT,
    last_error      TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
ALTER TABLE activities ADD COLUMN approved_body TEXT;
UPDATE activities SET approved_body = body WHERE approved_at IS NOT NULL;
