-- Agencies form a tree; path is the materialised path '/root/.../code/' used for subtree scopes.
CREATE TABLE agencies (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    parent_code TEXT REFERENCES agencies (code),
    path        TEXT NOT NULL UNIQUE,
    created_at  DATETIME NOT NULL
);
CREATE INDEX agencies_path_prefix ON agencies (path);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL,
    agency_code   TEXT REFERENCES agencies (code),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  DATETIME,
    created_at    DATETIME NOT NULL
);

-- One row per year: days off and compensatory working days, as JSON arrays of YYYY-MM-DD.
CREATE TABLE calendar_years (
    year           INTEGER PRIMARY KEY,
    holidays       TEXT NOT NULL,
    extra_workdays TEXT NOT NULL,
    source         TEXT NOT NULL DEFAULT '',
    updated_at     DATETIME NOT NULL
);

-- The catalogue: dated versions, never overwritten. Dates are YYYY-MM-DD text.
CREATE TABLE procedure_versions (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    code                    TEXT NOT NULL,
    effective_on            TEXT NOT NULL,
    name                    TEXT NOT NULL,
    field                   TEXT NOT NULL,
    level                   TEXT NOT NULL,
    time_limit_days         INTEGER NOT NULL DEFAULT 0,
    time_limit_hours        INTEGER NOT NULL DEFAULT 0,
    online_eligible         TEXT NOT NULL,
    online_provided         TEXT NOT NULL,
    national_portal         BOOLEAN NOT NULL,
    fee                     BOOLEAN NOT NULL,
    online_payment          BOOLEAN NOT NULL,
    postal                  BOOLEAN NOT NULL,
    interlinked_same_level  BOOLEAN NOT NULL,
    interlinked_cross_level BOOLEAN NOT NULL,
    published_on            TEXT NOT NULL,
    repealed_on             TEXT,
    created_at              DATETIME NOT NULL,
    UNIQUE (code, effective_on)
);

CREATE TABLE dossiers (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    code                TEXT NOT NULL UNIQUE,
    lookup_id           TEXT NOT NULL UNIQUE,
    agency_code         TEXT NOT NULL REFERENCES agencies (code),
    agency_path         TEXT NOT NULL,
    agency_level        TEXT NOT NULL,
    procedure_code      TEXT NOT NULL,
    procedure_name      TEXT NOT NULL,
    field               TEXT NOT NULL,
    time_limit_days     INTEGER NOT NULL DEFAULT 0,
    time_limit_hours    INTEGER NOT NULL DEFAULT 0,
    channel             TEXT NOT NULL,
    return_channel      TEXT NOT NULL,
    applicant_name      TEXT NOT NULL,
    applicant_name_norm TEXT NOT NULL,
    applicant_id_number TEXT NOT NULL DEFAULT '',
    applicant_phone     TEXT NOT NULL DEFAULT '',
    applicant_email     TEXT NOT NULL DEFAULT '',
    applicant_address   TEXT NOT NULL DEFAULT '',
    note                TEXT NOT NULL DEFAULT '',
    digitized           BOOLEAN NOT NULL DEFAULT FALSE,
    result_digitized    BOOLEAN NOT NULL DEFAULT FALSE,
    status              TEXT NOT NULL,
    received_at         DATETIME NOT NULL,
    clock_start         DATETIME NOT NULL,
    due_at              DATETIME NOT NULL,
    appointment_at      DATETIME NOT NULL,
    clock_stopped       BOOLEAN NOT NULL DEFAULT FALSE,
    resolved_at         DATETIME,
    outcome             TEXT,
    timeliness          TEXT,
    returned_at         DATETIME,
    returned_channel    TEXT,
    withdrawn_at        DATETIME,
    apologized_at       DATETIME,
    apology_late        BOOLEAN NOT NULL DEFAULT FALSE,
    version             INTEGER NOT NULL,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE INDEX dossiers_agency_received ON dossiers (agency_code, received_at);
CREATE INDEX dossiers_path_received ON dossiers (agency_path, received_at);
CREATE INDEX dossiers_received ON dossiers (received_at);
CREATE INDEX dossiers_resolved ON dossiers (resolved_at);
CREATE INDEX dossiers_open_due ON dossiers (agency_code, due_at)
    WHERE status IN ('received', 'processing', 'awaiting_supplement', 'paused');
CREATE INDEX dossiers_name_norm ON dossiers (applicant_name_norm);
CREATE INDEX dossiers_phone ON dossiers (applicant_phone);

-- The append-only history of every dossier.
CREATE TABLE dossier_events (
    dossier_id  INTEGER NOT NULL REFERENCES dossiers (id),
    seq         INTEGER NOT NULL,
    at          DATETIME NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{}',
    recorded_at DATETIME NOT NULL,
    PRIMARY KEY (dossier_id, seq)
);

CREATE TRIGGER dossier_events_no_update BEFORE UPDATE ON dossier_events
BEGIN
    SELECT RAISE(ABORT, 'dossier_events is append-only');
END;
CREATE TRIGGER dossier_events_no_delete BEFORE DELETE ON dossier_events
BEGIN
    SELECT RAISE(ABORT, 'dossier_events is append-only');
END;

-- The last sequence number given per agency and intake day (dossier codes).
CREATE TABLE dossier_sequences (
    agency_code TEXT NOT NULL,
    day         TEXT NOT NULL,
    last        INTEGER NOT NULL,
    PRIMARY KEY (agency_code, day)
);

CREATE TABLE idempotency_keys (
    actor        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         BLOB NOT NULL,
    created_at   DATETIME NOT NULL,
    PRIMARY KEY (actor, key)
);

CREATE TABLE feedback (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_code    TEXT NOT NULL REFERENCES agencies (code),
    agency_path    TEXT NOT NULL,
    procedure_code TEXT NOT NULL DEFAULT '',
    content        TEXT NOT NULL,
    received_at    DATETIME NOT NULL,
    resolved_at    DATETIME,
    answer         TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     DATETIME NOT NULL
);
CREATE INDEX feedback_agency_received ON feedback (agency_code, received_at);

CREATE TABLE surveys (
    dossier_id INTEGER PRIMARY KEY REFERENCES dossiers (id),
    satisfied  BOOLEAN NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL
);

CREATE TABLE manual_figures (
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    period_key  TEXT NOT NULL,
    data        TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  DATETIME NOT NULL,
    PRIMARY KEY (agency_code, period_key)
);

-- Frozen appendix figures; a new revision never replaces an old one.
CREATE TABLE report_snapshots (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    period_key  TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    data        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  DATETIME NOT NULL,
    UNIQUE (agency_code, period_key, revision)
);

-- One row per scheduled run: the unique key is the claim that makes a run happen once.
CREATE TABLE job_runs (
    job         TEXT NOT NULL,
    run_key     TEXT NOT NULL,
    claimed_by  TEXT NOT NULL,
    started_at  DATETIME NOT NULL,
    finished_at DATETIME,
    error       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job, run_key)
);
