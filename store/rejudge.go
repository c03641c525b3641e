package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"motcua/domain"
)

// RejudgeRun is a re-judgement after a change to the working calendar: every dossier whose
// clock may have run in [From, To) — received before To and not resolved or withdrawn before
// From — is judged again, in batches of ascending id. It is recorded in the transaction that
// changes the calendar (PutCalendarYears), so that a crash never loses it; workers on any
// replica take it up (ClaimRejudgeRun, RejudgeRunBatch) until it is finished.
type RejudgeRun struct {
	ID         int64      `json:"id"`
	From       time.Time  `json:"from"`
	To         time.Time  `json:"to"`
	Actor      string     `json:"actor"`
	Reason     string     `json:"reason"`
	AfterID    int64      `json:"-"` // the last dossier id done
	Done       int64      `json:"done"`
	Changed    int64      `json:"changed"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at"`
}

type rejudgeRunRow struct {
	ID         int64 `gorm:"primaryKey"`
	WindowFrom time.Time
	WindowTo   time.Time
	Actor      string
	Reason     string
	AfterID    int64
	Done       int64
	Changed    int64
	LeasedBy   string
	LeaseUntil *time.Time
	CreatedAt  time.Time
	FinishedAt *time.Time
}

func (rejudgeRunRow) TableName() string { return "rejudge_runs" }

func (r *rejudgeRunRow) run() *RejudgeRun {
	return &RejudgeRun{ID: r.ID, From: r.WindowFrom.In(domain.Location), To: r.WindowTo.In(domain.Location), Actor: r.Actor,
		Reason: r.Reason, AfterID: r.AfterID, Done: r.Done, Changed: r.Changed, CreatedAt: r.CreatedAt.In(domain.Location),
		FinishedAt: inLoc(r.FinishedAt)}
}

// PutCalendarYears replaces the calendars of years and, in the same transaction, records the
// re-judgement that plan asks for given the years stored before (nil: none; CreatedAt zero:
// now); it returns the run recorded, with its ID, or nil.
func (s *Store) PutCalendarYears(ctx context.Context, years []domain.CalendarYear,
	plan func(before []domain.CalendarYear) *RejudgeRun) (*RejudgeRun, error) {
	for _, y := range years {
		if err := y.Validate(); err != nil {
			return nil, err
		}
	}
	var out *RejudgeRun
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == Postgres { // one calendar change at a time: each sees the one before
			if err := tx.Exec("LOCK TABLE calendar_years IN SHARE ROW EXCLUSIVE MODE").Error; err != nil {
				return err
			}
		}
		var rows []calendarRow
		if err := tx.Order("year").Find(&rows).Error; err != nil {
			return err
		}
		before := make([]domain.CalendarYear, len(rows))
		for i, r := range rows {
			before[i] = r.year()
		}
		now := utc(s.now())
		for _, y := range years {
			kind := y.Kind
			switch kind {
			case "":
				kind = domain.CalendarCustom
			case domain.CalendarAnnounced, domain.CalendarCustom:
			default:
				return domain.Invalid("kind", "must be announced or custom")
			}
			row := calendarRow{Year: y.Year, Holidays: dateList(y.Holidays), ExtraWorkdays: dateList(y.ExtraWorkdays),
				Source: y.Source, Kind: string(kind), UpdatedAt: now}
			if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error; err != nil {
				return err
			}
		}
		run := plan(before)
		if run == nil {
			return nil
		}
		if run.CreatedAt.IsZero() {
			run.CreatedAt = now
		}
		row := rejudgeRunRow{WindowFrom: utc(run.From), WindowTo: utc(run.To), Actor: run.Actor, Reason: run.Reason,
			CreatedAt: utc(run.CreatedAt)}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		out = row.run()
		return nil
	})
	if err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// FindRejudgeRun returns the run with id; ENOTFOUND when there is none.
func (s *Store) FindRejudgeRun(ctx context.Context, id int64) (*RejudgeRun, error) {
	var rows []rejudgeRunRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "re-judgement %d not found", id)
	}
	return rows[0].run(), nil
}

// PendingRejudgeRuns returns the ids of the runs not finished yet, oldest first.
func (s *Store) PendingRejudgeRuns(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&rejudgeRunRow{}).Where("finished_at IS NULL").Order("id").Pluck("id", &ids).Error
	return ids, translate(err)
}

// ClaimRejudgeRun gives worker the next batch of run id until now+lease, unless another
// worker holds it under a lease that has not run out, or the run is finished; claimed
// reports whether worker holds it now. A worker that holds it renews its lease.
func (s *Store) ClaimRejudgeRun(ctx context.Context, id int64, worker string, now time.Time, lease time.Duration) (claimed bool, err error) {
	res := s.db.WithContext(ctx).Model(&rejudgeRunRow{}).
		Where("id = ? AND finished_at IS NULL AND (leased_by = ? OR lease_until IS NULL OR lease_until < ?)", id, worker, utc(now)).
		Updates(map[string]any{"leased_by": worker, "lease_until": utc(now.Add(lease))})
	if res.Error != nil {
		return false, translate(res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ReleaseRejudgeRun gives up worker's lease on run id, so that another worker may take the
// next batch at once.
func (s *Store) ReleaseRejudgeRun(ctx context.Context, id int64, worker string) error {
	return translate(s.db.WithContext(ctx).Model(&rejudgeRunRow{}).Where("id = ? AND leased_by = ?", id, worker).
		Updates(map[string]any{"lease_until": nil}).Error)
}

// RejudgeRunBatch does the next batch of run id for worker, which must hold it
// (ClaimRejudgeRun): it offers to fn, with its history, each of at most limit dossiers of the
// run's window past the last one done, in id order, in one transaction that holds their rows
// (so an action on one of them waits for it, never the other way round, and intake never
// waits). fn returns the event that records what changed, or nil to leave the dossier as it
// is. The snapshots of the periods each changed dossier was pending in, of its agency and
// those above, are marked stale at now. The run's progress moves on in the same transaction,
// only if it is still worker's and where worker left it: a batch is never done twice, and
// when another worker has taken the run over meanwhile the whole batch is undone and
// ECONFLICT returned. It returns the run as it stands after the batch (finished when no
// dossier was left).
func (s *Store) RejudgeRunBatch(ctx context.Context, id int64, worker string, limit int, now time.Time,
	fn func(d *domain.Dossier, history []domain.Event) *domain.Event) (*RejudgeRun, error) {
	var lookups []string
	var out *RejudgeRun
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var runs []rejudgeRunRow
		if err := tx.Where("id = ? AND leased_by = ? AND finished_at IS NULL", id, worker).Limit(1).Find(&runs).Error; err != nil {
			return err
		} else if len(runs) == 0 {
			return domain.Errorf(domain.ECONFLICT, "re-judgement %d is not held by %s", id, worker)
		}
		run := runs[0]
		q := tx.Where("id > ? AND received_at < ? AND (COALESCE(resolved_at, withdrawn_at) IS NULL OR COALESCE(resolved_at, withdrawn_at) >= ?)",
			run.AfterID, run.WindowTo, run.WindowFrom).Order("id").Limit(limit)
		if s.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var rows []dossierRow
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		next := run
		if len(rows) < limit {
			t := utc(now)
			next.FinishedAt = &t
		}
		if len(rows) > 0 {
			ids := make([]int64, len(rows))
			for i, r := range rows {
				ids[i] = r.ID
			}
			histories, err := s.eventsOf(tx, ids)
			if err != nil {
				return err
			}
			var touched touchedPeriods
			var judged []dossierRow
			var events []eventRow
			for i := range rows {
				d := rows[i].domain()
				history := histories[d.ID]
				ev := fn(d, history)
				if ev == nil {
					continue
				}
				d.UpdatedAt = utc(now) // the version moves on as it is written
				judged = append(judged, dossierToRow(d))
				ev.Seq = len(history) + 1
				events = append(events, eventToRow(d.ID, ev, now))
				lookups = append(lookups, d.LookupID)
				touched.add(d)
			}
			if err := s.saveJudged(tx, judged, events, lookups); err != nil {
				return err
			}
			if err := touched.markStale(tx, now); err != nil {
				return err
			}
			next.AfterID = rows[len(rows)-1].ID
			next.Done += int64(len(rows))
			next.Changed += int64(len(lookups))
		}
		res := tx.Model(&rejudgeRunRow{}).Where("id = ? AND leased_by = ? AND after_id = ?", id, worker, run.AfterID).
			Updates(map[string]any{"after_id": next.AfterID, "done": next.Done, "changed": next.Changed, "finished_at": next.FinishedAt})
		if res.Error != nil {
			return res.Error
		} else if res.RowsAffected != 1 {
			return domain.Errorf(domain.ECONFLICT, "re-judgement %d was taken over", id)
		}
		out = next.run()
		return nil
	})
	if err != nil {
		return nil, translate(err)
	}
	for _, l := range lookups {
		s.changed(changedDossier, l)
	}
	return out, nil
}

// judgedJSON is what a re-judgement changes of a dossier, as json_to_recordset reads it.
type judgedJSON struct {
	ID            int64      `json:"id"`
	Version       int        `json:"version"`
	ClockStart    time.Time  `json:"clock_start"`
	DueAt         time.Time  `json:"due_at"`
	AppointmentAt time.Time  `json:"appointment_at"`
	ClockStopped  bool       `json:"clock_stopped"`
	TransferDueAt *time.Time `json:"transfer_due_at"`
	LateAt        *time.Time `json:"late_at"`
	Timeliness    *string    `json:"timeliness"`
	ApologyLate   bool       `json:"apology_late"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// saveJudged writes what a re-judgement changed of the dossiers rows (Version: as they
// were read; each moves on by one), their events, and announces them: on PostgreSQL in three
// statements for the whole batch, on the embedded database row by row. ECONFLICT when a
// dossier changed meanwhile.
func (s *Store) saveJudged(tx *gorm.DB, rows []dossierRow, events []eventRow, lookups []string) error {
	if len(rows) == 0 {
		return nil
	}
	if s.dialect != Postgres {
		for i := range rows {
			old := rows[i].Version
			rows[i].Version++
			res := tx.Model(&dossierRow{}).Where("id = ? AND version = ?", rows[i].ID, old).Select("*").Omit("id", "created_at").Updates(&rows[i])
			if res.Error != nil {
				return res.Error
			} else if res.RowsAffected != 1 {
				return domain.Errorf(domain.ECONFLICT, "dossier %s changed meanwhile", rows[i].Code)
			}
		}
		return tx.Create(&events).Error
	}
	set := make([]judgedJSON, len(rows))
	for i, r := range rows {
		set[i] = judgedJSON{ID: r.ID, Version: r.Version, ClockStart: r.ClockStart, DueAt: r.DueAt, AppointmentAt: r.AppointmentAt,
			ClockStopped: r.ClockStopped, TransferDueAt: r.TransferDueAt, LateAt: r.LateAt, Timeliness: r.Timeliness,
			ApologyLate: r.ApologyLate, UpdatedAt: r.UpdatedAt}
	}
	b, err := json.Marshal(set)
	if err != nil {
		return err
	}
	res := tx.Exec(`UPDATE dossiers AS d SET clock_start = v.clock_start, due_at = v.due_at, appointment_at = v.appointment_at,
			clock_stopped = v.clock_stopped, transfer_due_at = v.transfer_due_at, late_at = v.late_at, timeliness = v.timeliness,
			apology_late = v.apology_late, updated_at = v.updated_at, version = d.version + 1
		FROM json_to_recordset(?::json) AS v(id bigint, version integer, clock_start timestamptz, due_at timestamptz,
			appointment_at timestamptz, clock_stopped boolean, transfer_due_at timestamptz, late_at timestamptz, timeliness text,
			apology_late boolean, updated_at timestamptz)
		WHERE d.id = v.id AND d.version = v.version`, string(b))
	if res.Error != nil {
		return res.Error
	} else if res.RowsAffected != int64(len(rows)) {
		return domain.Errorf(domain.ECONFLICT, "%d of %d dossiers changed meanwhile", int64(len(rows))-res.RowsAffected, len(rows))
	}
	if err := tx.Create(&events).Error; err != nil {
		return err
	}
	keys := make([]string, len(lookups))
	for i, l := range lookups {
		keys[i] = string(changedDossier) + l
	}
	kb, _ := json.Marshal(keys)
	return tx.Exec("SELECT pg_notify(?, k) FROM json_array_elements_text(?::json) AS k", changeChannel, string(kb)).Error
}

// touchedPeriods gathers what the dossiers a batch changed touch: their agencies and those
// above them, and the days from the earliest intake to the latest close (open: no end).
type touchedPeriods struct {
	agencies map[string]bool
	from, to domain.Date
	open     bool
}

func (t *touchedPeriods) add(d *domain.Dossier) {
	if t.agencies == nil {
		t.agencies = map[string]bool{}
	}
	for _, code := range strings.Split(strings.Trim(d.AgencyPath, "/"), "/") {
		if code != "" {
			t.agencies[code] = true
		}
	}
	t.agencies[d.AgencyCode] = true
	if from := domain.DateOf(d.ReceivedAt); t.from.IsZero() || from.Before(t.from) {
		t.from = from
	}
	closed := d.ResolvedAt
	if closed == nil {
		closed = d.WithdrawnAt
	}
	if closed == nil {
		t.open = true
	} else if to := domain.DateOf(*closed); to.After(t.to) {
		t.to = to
	}
}

// markStale marks stale at now every snapshot not stale yet of the agencies gathered whose
// period meets the days gathered.
func (t *touchedPeriods) markStale(tx *gorm.DB, now time.Time) error {
	if len(t.agencies) == 0 {
		return nil
	}
	codes := make([]string, 0, len(t.agencies))
	for c := range t.agencies {
		codes = append(codes, c)
	}
	q := tx.Model(&snapshotRow{}).Where("stale_since IS NULL AND agency_code IN ? AND period_to >= ?", codes, t.from.String())
	if !t.open {
		q = q.Where("period_from <= ?", t.to.String())
	}
	return q.Update("stale_since", utc(now)).Error
}

// eventsOf returns the histories of the dossiers with ids, oldest event first.
func (s *Store) eventsOf(tx *gorm.DB, ids []int64) (map[int64][]domain.Event, error) {
	rows, err := tx.Raw(`SELECT dossier_id, seq, at, action, from_status, to_status, actor, note, details, recorded_at
		FROM dossier_events WHERE dossier_id IN ? ORDER BY dossier_id, seq`, ids).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64][]domain.Event, len(ids))
	for rows.Next() {
		var r eventRow
		if err := rows.Scan(&r.DossierID, &r.Seq, &r.At, &r.Action, &r.FromStatus, &r.ToStatus, &r.Actor, &r.Note,
			&r.Details, &r.RecordedAt); err != nil {
			return nil, err
		}
		e, err := r.domain()
		if err != nil {
			return nil, err
		}
		out[r.DossierID] = append(out[r.DossierID], e)
	}
	return out, rows.Err()
}

// year is the calendar the row holds.
func (r calendarRow) year() domain.CalendarYear {
	return domain.CalendarYear{Year: r.Year, Holidays: parseDateList(r.Holidays), ExtraWorkdays: parseDateList(r.ExtraWorkdays),
		Source: r.Source, Kind: domain.CalendarKind(r.Kind)}
}
