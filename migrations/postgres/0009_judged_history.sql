-- What a dossier's history judges (domain.Rules.judge), kept beside it for lists and reports:
-- late_at, the moment the dossier is late from (its running clock passed its due time; NULL
-- while its clock stands before the due time); transfer_due_at, when the desk must have
-- passed it on; for postal intake, handed_over_at (the hand-over record's time, the legal
-- intake time) and recorded_at (when staff recorded it).
ALTER TABLE dossiers ADD COLUMN late_at TIMESTAMPTZ;
ALTER TABLE dossiers ADD COLUMN transfer_due_at TIMESTAMPTZ;
ALTER TABLE dossiers ADD COLUMN handed_over_at TIMESTAMPTZ;
ALTER TABLE dossiers ADD COLUMN recorded_at TIMESTAMPTZ;
-- Open dossiers stored before, whose clock runs: late from the minute after their due time.
-- (Closed ones are not rewritten: the reports read their due time where late_at is NULL.)
UPDATE dossiers SET late_at = date_trunc('minute', due_at) + interval '1 minute'
WHERE status IN ('received', 'processing', 'awaiting_supplement', 'paused') AND NOT clock_stopped;
CREATE INDEX dossiers_open_late ON dossiers (agency_code, late_at)
    WHERE status IN ('received', 'processing', 'awaiting_supplement', 'paused');
CREATE INDEX dossiers_untransferred ON dossiers (agency_code, transfer_due_at) WHERE status = 'received';
