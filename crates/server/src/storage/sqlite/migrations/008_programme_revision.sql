-- What the programme is built from changes with this number: every change of
-- an edition or an activity raises it, so a second server on the same file
-- sees that its programme is out of date (it looks every second).
CREATE TABLE programme_revision (
    one      INTEGER PRIMARY KEY CHECK (one = 1),
    revision INTEGER NOT NULL
);
INSERT INTO programme_revision (one, revision) VALUES (1, 0);
CREATE TRIGGER editions_inserted AFTER INSERT ON editions
BEGIN UPDATE programme_revision SET revision = revision + 1; END;
CREATE TRIGGER editions_updated AFTER UPDATE ON editions
BEGIN UPDATE programme_revision SET revision = revision + 1; END;
CREATE TRIGGER editions_deleted AFTER DELETE ON editions
BEGIN UPDATE programme_revision SET revision = revision + 1; END;
CREATE TRIGGER activities_inserted AFTER INSERT ON activities
BEGIN UPDATE programme_revision SET revision = revision + 1; END;
CREATE TRIGGER activities_updated AFTER UPDATE ON activities
BEGIN UPDATE programme_revision SET revision = revision + 1; END;
CREATE TRIGGER activities_deleted AFTER DELETE ON activities
BEGIN UPDATE programme_revision SET revision = revision + 1; END;
