-- Organisers change and cancel their activities. Edit tokens are now derived
-- from a secret (`tokens.rs`) and stored nowhere: the column goes, and the
-- random links of version 2 stop working. `version` counts the organiser's
-- changes (for If-Match); `approved_at` says whether an operator has let the
-- activity into the programme, which a cancelled one needs to stay there: the
-- published and cancelled rows so far were.
ALTER TABLE activities DROP COLUMN edit_token;
ALTER TABLE activities ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE activities ADD COLUMN approved_at TEXT;
ALTER TABLE activities ADD COLUMN changed_since_approval INTEGER NOT NULL DEFAULT 0;
UPDATE activities SET approved_at = updated_at WHERE status IN ('published', 'cancelled');
