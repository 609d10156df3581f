-- Personal data is erased when kept long enough or asked for; an erased
-- activity keeps its public fields and says when.
ALTER TABLE activities ADD COLUMN personal_data_erased_at TEXT COLLATE "C";
