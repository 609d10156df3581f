-- An Idempotency-Key belongs to one edition (the same key may come again in
-- next year's week), and is kept for a while: `created_at` is indexed for
-- the server's hourly clean-up.
ALTER TABLE submissions ADD COLUMN edition_id BIGINT REFERENCES editions(id);
UPDATE submissions s SET edition_id = a.edition_id FROM activities a WHERE a.id = s.activity_id;
ALTER TABLE submissions ALTER COLUMN edition_id SET NOT NULL;
ALTER TABLE submissions DROP CONSTRAINT submissions_pkey;
ALTER TABLE submissions ADD PRIMARY KEY (edition_id, idempotency_key);
CREATE INDEX submissions_by_age ON submissions(created_at);
