-- SQLite has no TRUNCATE; DELETE without WHERE is refused by dossier_events_no_delete.
SELECT 1;
