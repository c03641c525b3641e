-- A period's report (store.reportSQL) finds the dossiers carried into the period from before
-- it by their closing time, or as still open, instead of reading every dossier received
-- before the period: its cost follows the period, not the length of the history.
CREATE INDEX dossiers_closed ON dossiers ((COALESCE(resolved_at, withdrawn_at)));
CREATE INDEX dossiers_unclosed ON dossiers (received_at) WHERE resolved_at IS NULL AND withdrawn_at IS NULL;
-- The planner needs the closing times' statistics to choose the new index.
ANALYZE dossiers;
