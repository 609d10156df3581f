-- What every server's programme is built from changes with this number: a
-- statement that changes an edition or an activity raises it and tells the
-- listening servers (NOTIFY iv_programme, delivered at commit), so each
-- rebuilds; a server that missed the notice sees the number differ.
CREATE TABLE programme_revision (
    one      BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    revision BIGINT NOT NULL
);
INSERT INTO programme_revision (revision) VALUES (0);
CREATE FUNCTION programme_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    next BIGINT;
BEGIN
    UPDATE programme_revision SET revision = revision + 1 RETURNING revision INTO next;
    PERFORM pg_notify('iv_programme', next::text);
    RETURN NULL;
END;
$$;
CREATE TRIGGER editions_changed AFTER INSERT OR UPDATE OR DELETE ON editions
    FOR EACH STATEMENT EXECUTE FUNCTION programme_changed();
CREATE TRIGGER activities_changed AFTER INSERT OR UPDATE OR DELETE ON activities
    FOR EACH STATEMENT EXECUTE FUNCTION programme_changed();
