-- Row triggers do not fire on TRUNCATE: forbid it too, so that the history cannot be wiped.
CREATE TRIGGER dossier_events_no_truncate BEFORE TRUNCATE ON dossier_events
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_events_append_only();
