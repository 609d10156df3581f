-- Organisers change and cancel their activities; edit tokens are derived from
-- a secret and stored nowhere (see SQLite's 003).
ALTER TABLE activities DROP COLUMN edit_token;
ALTER TABLE activities ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE activities ADD COLUMN approved_at TEXT COLLATE "C";
ALTER TABLE activities ADD COLUMN changed_since_approval BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE activities SET approved_at = updated_at WHERE status IN ('published', 'cancelled');
