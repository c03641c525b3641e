-- A re-judgement after a change to the working calendar: the dossiers whose clock may have run
-- in [window_from, window_to) are judged again, in batches of ascending id; after_id is the
-- last id done. It is recorded in the transaction that changes the calendar, so that it is
-- never lost; a worker holds a batch under a lease (leased_by until lease_until), so that
-- replicas never do a batch twice and a crashed worker's batch is taken over.
CREATE TABLE rejudge_runs (
    id          BIGSERIAL PRIMARY KEY,
    window_from TIMESTAMPTZ NOT NULL,
    window_to   TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    after_id    BIGINT NOT NULL DEFAULT 0,
    done        BIGINT NOT NULL DEFAULT 0,
    changed     BIGINT NOT NULL DEFAULT 0,
    leased_by   TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
CREATE INDEX rejudge_runs_pending ON rejudge_runs (id) WHERE finished_at IS NULL;

-- A snapshot's period, to find those a re-judged dossier touches; stale_since marks one whose
-- figures a re-judgement changed (it is no longer served as current and the scheduler makes
-- a new revision, holding it under refresh_until meanwhile).
ALTER TABLE report_snapshots ADD COLUMN period_from TEXT NOT NULL DEFAULT '';
ALTER TABLE report_snapshots ADD COLUMN period_to TEXT NOT NULL DEFAULT '';
ALTER TABLE report_snapshots ADD COLUMN stale_since TIMESTAMPTZ;
ALTER TABLE report_snapshots ADD COLUMN refresh_until TIMESTAMPTZ;
UPDATE report_snapshots SET period_from = COALESCE(data::jsonb #>> '{appendix,period,from}', ''),
    period_to = COALESCE(data::jsonb #>> '{appendix,period,to}', '');
CREATE INDEX report_snapshots_agency_period ON report_snapshots (agency_code, period_to, period_from);
CREATE INDEX report_snapshots_stale ON report_snapshots (id) WHERE stale_since IS NOT NULL;
