package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"motcua/domain"
)

type dossierRow struct {
	ID                 int64 `gorm:"primaryKey"`
	Code               string
	LookupID           string
	AgencyCode         string
	AgencyPath         string
	AgencyLevel        string
	ProcedureCode      string
	ProcedureName      string
	Field              string
	TimeLimitDays      int
	TimeLimitHours     int
	Channel            string
	ReturnChannel      string
	ApplicantName      string
	ApplicantNameNorm  string
	ApplicantNamePairs string // NamePairs of ApplicantNameNorm
	ApplicantIDNumber  string
	ApplicantPhone     string
	ApplicantEmail     string
	ApplicantAddress   string
	Note               string
	Digitized          bool
	ResultDigitized    bool
	Status             string
	ReceivedAt         time.Time
	HandedOverAt       *time.Time
	RecordedAt         *time.Time // NULL for dossiers stored before migration 0009: the intake time
	ClockStart         time.Time
	TransferDueAt      *time.Time // NULL for dossiers stored before migration 0009
	DueAt              time.Time
	AppointmentAt      time.Time
	ClockStopped       bool
	LateAt             *time.Time
	ResolvedAt         *time.Time
	Outcome            *string
	Timeliness         *string
	ReturnedAt         *time.Time
	ReturnedChannel    *string
	WithdrawnAt        *time.Time
	ApologizedAt       *time.Time
	ApologyLate        bool
	Version            int
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (dossierRow) TableName() string { return "dossiers" }

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// inLocOr is *t in Vietnam's zone, or the zero time for nil.
func inLocOr(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.In(domain.Location)
}

// valueOr returns *t, or def when t is nil.
func valueOr(t *time.Time, def time.Time) time.Time {
	if t == nil {
		return def
	}
	return *t
}

func inLoc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.In(domain.Location)
	return &v
}

func dossierToRow(d *domain.Dossier) dossierRow {
	norm := domain.FoldText(d.Applicant.Name)
	return dossierRow{ID: d.ID, Code: d.Code, LookupID: d.LookupID, AgencyCode: d.AgencyCode, AgencyPath: d.AgencyPath,
		AgencyLevel: string(d.AgencyLevel), ProcedureCode: d.ProcedureCode, ProcedureName: d.ProcedureName, Field: d.Field,
		TimeLimitDays: d.TimeLimit.Days, TimeLimitHours: d.TimeLimit.Hours, Channel: string(d.Channel),
		ReturnChannel: string(d.ReturnChannel), ApplicantName: d.Applicant.Name, ApplicantNameNorm: norm, ApplicantNamePairs: NamePairs(norm),
		ApplicantIDNumber: d.Applicant.IDNumber, ApplicantPhone: d.Applicant.Phone, ApplicantEmail: d.Applicant.Email,
		ApplicantAddress: d.Applicant.Address, Note: d.Note, Digitized: d.Digitized, ResultDigitized: d.ResultDigitized,
		Status: string(d.Status), ReceivedAt: utc(d.ReceivedAt), HandedOverAt: utcPtr(d.HandedOverAt), RecordedAt: utcOpt(d.RecordedAt),
		ClockStart: utc(d.ClockStart), TransferDueAt: utcOpt(d.TransferDueAt), DueAt: utc(d.DueAt),
		AppointmentAt: utc(d.AppointmentAt), ClockStopped: d.ClockStopped, LateAt: utcPtr(d.LateAt), ResolvedAt: utcPtr(d.ResolvedAt),
		Outcome: optString(string(d.Outcome)), Timeliness: optString(string(d.Timeliness)), ReturnedAt: utcPtr(d.ReturnedAt),
		ReturnedChannel: optString(string(d.ReturnedChannel)), WithdrawnAt: utcPtr(d.WithdrawnAt),
		ApologizedAt: utcPtr(d.ApologizedAt), ApologyLate: d.ApologyLate, Version: d.Version,
		CreatedAt: utc(d.CreatedAt), UpdatedAt: utc(d.UpdatedAt)}
}

func (r *dossierRow) domain() *domain.Dossier {
	loc := domain.Location
	return &domain.Dossier{ID: r.ID, Code: r.Code, LookupID: r.LookupID, AgencyCode: r.AgencyCode, AgencyPath: r.AgencyPath,
		AgencyLevel: domain.Level(r.AgencyLevel), ProcedureCode: r.ProcedureCode, ProcedureName: r.ProcedureName, Field: r.Field,
		TimeLimit: domain.TimeLimit{Days: r.TimeLimitDays, Hours: r.TimeLimitHours}, Channel: domain.Channel(r.Channel),
		ReturnChannel: domain.Channel(r.ReturnChannel),
		Applicant: domain.Applicant{Name: r.ApplicantName, IDNumber: r.ApplicantIDNumber, Phone: r.ApplicantPhone,
			Email: r.ApplicantEmail, Address: r.ApplicantAddress},
		Note: r.Note, Digitized: r.Digitized, ResultDigitized: r.ResultDigitized, Status: domain.Status(r.Status),
		ReceivedAt: r.ReceivedAt.In(loc), HandedOverAt: inLoc(r.HandedOverAt), RecordedAt: valueOr(r.RecordedAt, r.ReceivedAt).In(loc),
		ClockStart: r.ClockStart.In(loc), TransferDueAt: inLocOr(r.TransferDueAt), DueAt: r.DueAt.In(loc),
		AppointmentAt: r.AppointmentAt.In(loc), ClockStopped: r.ClockStopped, LateAt: inLoc(r.LateAt), ResolvedAt: inLoc(r.ResolvedAt),
		Outcome: domain.Outcome(deref(r.Outcome)), Timeliness: domain.Timeliness(deref(r.Timeliness)),
		ReturnedAt: inLoc(r.ReturnedAt), ReturnedChannel: domain.Channel(deref(r.ReturnedChannel)),
		WithdrawnAt: inLoc(r.WithdrawnAt), ApologizedAt: inLoc(r.ApologizedAt), ApologyLate: r.ApologyLate,
		Version: r.Version, CreatedAt: r.CreatedAt.In(loc), UpdatedAt: r.UpdatedAt.In(loc)}
}

type eventRow struct {
	DossierID  int64 `gorm:"primaryKey"`
	Seq        int   `gorm:"primaryKey"`
	At         time.Time
	Action     string
	FromStatus string
	ToStatus   string
	Actor      string
	Note       string
	Details    string
	RecordedAt time.Time
}

func (eventRow) TableName() string { return "dossier_events" }

func eventToRow(dossierID int64, e *domain.Event, now time.Time) eventRow {
	details := "{}"
	if len(e.Details) > 0 {
		b, _ := json.Marshal(e.Details)
		details = string(b)
	}
	return eventRow{DossierID: dossierID, Seq: e.Seq, At: utc(e.At), Action: string(e.Action), FromStatus: string(e.FromStatus),
		ToStatus: string(e.ToStatus), Actor: e.Actor, Note: e.Note, Details: details, RecordedAt: utc(now)}
}

// domain returns the event the row holds; an error when its details are not a JSON object
// (the history is never edited, so that would be a bug or a damaged database).
func (r *eventRow) domain() (domain.Event, error) {
	e := domain.Event{Seq: r.Seq, At: r.At.In(domain.Location), Action: domain.Action(r.Action), FromStatus: domain.Status(r.FromStatus),
		ToStatus: domain.Status(r.ToStatus), Actor: r.Actor, Note: r.Note}
	if r.Details != "" && r.Details != "{}" {
		if err := json.Unmarshal([]byte(r.Details), &e.Details); err != nil {
			return e, fmt.Errorf("event %d of dossier %d: details: %w", r.Seq, r.DossierID, err)
		}
	}
	return e, nil
}

// nextSequence returns the next number of the agency's daily dossier sequence. The upsert
// takes the row lock, so concurrent intakes at one agency on one day get distinct numbers.
func nextSequence(tx *gorm.DB, agencyCode string, day domain.Date) (int, error) {
	var last int
	err := tx.Raw(`INSERT INTO dossier_sequences (agency_code, day, last) VALUES (?, ?, 1)
		ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last`,
		agencyCode, day.String()).Scan(&last).Error
	return last, err
}

// bumpSequence makes sure the daily sequence is past seq (a code given by an import).
func bumpSequence(tx *gorm.DB, agencyCode string, day domain.Date, seq int) error {
	return tx.Exec(`INSERT INTO dossier_sequences (agency_code, day, last) VALUES (?, ?, ?)
		ON CONFLICT (agency_code, day) DO UPDATE SET last = CASE WHEN dossier_sequences.last < ? THEN ? ELSE dossier_sequences.last END`,
		agencyCode, day.String(), seq, seq, seq).Error
}

// CreateDossier stores a new dossier and its intake event in one transaction. When d.Code is
// empty it is generated from the agency's daily sequence; otherwise it must be unused (ECONFLICT).
func (s *Store) CreateDossier(ctx context.Context, d *domain.Dossier, intake *domain.Event) error {
	if s.dialect == Postgres && d.Code == "" {
		return translate(s.intakePostgres(ctx, d, intake))
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return s.createDossier(tx, d, intake)
	})
	if err = translate(err); domain.ErrorCode(err) == domain.ECONFLICT {
		return domain.Errorf(domain.ECONFLICT, "dossier %s exists already", d.Code)
	}
	return err
}

func (s *Store) createDossier(tx *gorm.DB, d *domain.Dossier, intake *domain.Event) error {
	now := s.now()
	day := domain.DateOf(d.ReceivedAt)
	if d.Code == "" {
		seq, err := nextSequence(tx, d.AgencyCode, day)
		if err != nil {
			return err
		}
		d.Code = domain.FormatCode(d.AgencyCode, day, seq)
	} else if agency, cday, seq, err := domain.ParseCode(d.Code); err == nil && agency == d.AgencyCode && cday == day {
		if err := bumpSequence(tx, d.AgencyCode, day, seq); err != nil {
			return err
		}
	}
	now = now.Truncate(time.Microsecond)
	d.CreatedAt, d.UpdatedAt = now, now
	row := dossierToRow(d)
	row.ID = 0
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	d.ID = row.ID
	ev := eventToRow(d.ID, intake, now)
	return tx.Create(&ev).Error
}

// intakeSQL numbers, stores and records a new dossier in one statement (see intakePostgres):
// $1 agency, $2 day, $3 the code up to its number, then the dossier's columns from lookup_id
// on, then the intake event's. The number is formatted as domain.FormatCode does.
var intakeSQL = func() string {
	cols := strings.TrimPrefix(dossierColumns, "id, code, ")
	n := strings.Count(cols, ",") + 1
	var b strings.Builder
	b.WriteString(`WITH seq AS (
	INSERT INTO dossier_sequences (agency_code, day, last) VALUES ($1, $2, 1)
	ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last
), d AS (
	INSERT INTO dossiers (code, ` + cols + `)
	SELECT $3 || CASE WHEN last < 10000 THEN lpad(last::text, 4, '0') ELSE last::text END`)
	for i := range n {
		b.WriteString(", $" + strconv.Itoa(4+i))
	}
	b.WriteString(` FROM seq RETURNING id, code
), e AS (
	INSERT INTO dossier_events (dossier_id, seq, at, action, from_status, to_status, actor, note, details, recorded_at)
	SELECT id`)
	for i := range 9 {
		b.WriteString(", $" + strconv.Itoa(4+n+i))
	}
	b.WriteString(` FROM d
)
SELECT id, code FROM d`)
	return b.String()
}()

// intakePostgres is createDossier for a new code on PostgreSQL: the daily sequence, the
// dossier and its intake event in one statement, so one round trip and one implicit
// transaction (the sequence's row lock is held for that statement only).
func (s *Store) intakePostgres(ctx context.Context, d *domain.Dossier, intake *domain.Event) error {
	now := s.now().Truncate(time.Microsecond)
	d.CreatedAt, d.UpdatedAt = now, now
	day := domain.DateOf(d.ReceivedAt)
	row := dossierToRow(d)
	ev := eventToRow(0, intake, now)
	args := []any{d.AgencyCode, day.String(), domain.CodePrefix(d.AgencyCode, day)}
	args = append(args, row.values()[2:]...) // the columns after id and code
	args = append(args, ev.Seq, ev.At, ev.Action, ev.FromStatus, ev.ToStatus, ev.Actor, ev.Note, ev.Details, ev.RecordedAt)
	return s.sqlDB.QueryRowContext(ctx, intakeSQL, args...).Scan(&d.ID, &d.Code)
}

// FindDossierByCode returns the dossier; ENOTFOUND when there is none.
func (s *Store) FindDossierByCode(ctx context.Context, code string) (*domain.Dossier, error) {
	return s.findDossier(ctx, "code = ?", code)
}

// FindDossierByLookupID returns the dossier whose lookup token carries id; ENOTFOUND when none.
func (s *Store) FindDossierByLookupID(ctx context.Context, id string) (*domain.Dossier, error) {
	return s.findDossier(ctx, "lookup_id = ?", id)
}

// dossierColumns are the columns of dossierRow in the order of its scan destinations.
const dossierColumns = `id, code, lookup_id, agency_code, agency_path, agency_level, procedure_code, procedure_name, field,
	time_limit_days, time_limit_hours, channel, return_channel, applicant_name, applicant_name_norm, applicant_name_pairs,
	applicant_id_number, applicant_phone, applicant_email, applicant_address, note, digitized, result_digitized, status, received_at,
	handed_over_at, recorded_at, clock_start, transfer_due_at, due_at, appointment_at, clock_stopped, late_at, resolved_at, outcome,
	timeliness, returned_at, returned_channel, withdrawn_at, apologized_at, apology_late, version, created_at, updated_at`

// dest returns where a row of dossierColumns scans to: a hand-written scan costs a fraction
// of GORM's reflection on the hot paths (public lookups, staff views, scans).
func (r *dossierRow) dest() []any {
	return []any{&r.ID, &r.Code, &r.LookupID, &r.AgencyCode, &r.AgencyPath, &r.AgencyLevel, &r.ProcedureCode, &r.ProcedureName,
		&r.Field, &r.TimeLimitDays, &r.TimeLimitHours, &r.Channel, &r.ReturnChannel, &r.ApplicantName, &r.ApplicantNameNorm,
		&r.ApplicantNamePairs, &r.ApplicantIDNumber, &r.ApplicantPhone, &r.ApplicantEmail, &r.ApplicantAddress, &r.Note, &r.Digitized,
		&r.ResultDigitized, &r.Status, &r.ReceivedAt, &r.HandedOverAt, &r.RecordedAt, &r.ClockStart, &r.TransferDueAt, &r.DueAt,
		&r.AppointmentAt, &r.ClockStopped, &r.LateAt, &r.ResolvedAt, &r.Outcome, &r.Timeliness, &r.ReturnedAt, &r.ReturnedChannel, &r.WithdrawnAt, &r.ApologizedAt,
		&r.ApologyLate, &r.Version, &r.CreatedAt, &r.UpdatedAt}
}

// values returns the row's values in the order of dossierColumns, for INSERT and COPY.
func (r *dossierRow) values() []any {
	dest := r.dest()
	vals := make([]any, len(dest))
	for i, p := range dest {
		vals[i] = reflect.ValueOf(p).Elem().Interface()
	}
	return vals
}

func (s *Store) findDossier(ctx context.Context, where string, arg any) (*domain.Dossier, error) {
	var row dossierRow
	err := s.reader(ctx).Raw("SELECT "+dossierColumns+" FROM dossiers WHERE "+where+" LIMIT 1", arg).Row().Scan(row.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "dossier not found")
	} else if err != nil {
		return nil, translate(err)
	}
	return row.domain(), nil
}

// DossierEvents returns the history of the dossier with id, oldest first.
func (s *Store) DossierEvents(ctx context.Context, id int64) ([]domain.Event, error) {
	return s.events(s.reader(ctx), id)
}

func (s *Store) events(tx *gorm.DB, id int64) ([]domain.Event, error) {
	histories, err := s.eventsOf(tx, []int64{id})
	if err != nil {
		return nil, translate(err)
	}
	if out := histories[id]; out != nil {
		return out, nil
	}
	return []domain.Event{}, nil
}

// UpdateDossier reads the dossier with code and its history under a row lock, lets fn change
// it and name the event to append, and saves both in one transaction. fn returning an error
// (or a nil event) changes nothing. ENOTFOUND for an unknown code.
func (s *Store) UpdateDossier(ctx context.Context, code string, fn func(d *domain.Dossier, history []domain.Event) (*domain.Event, error)) (*domain.Dossier, error) {
	var out *domain.Dossier
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row dossierRow
		q := tx.Where("code = ?", code)
		if s.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Take(&row).Error; err != nil {
			if err := translate(err); domain.ErrorCode(err) == domain.ENOTFOUND {
				return domain.Errorf(domain.ENOTFOUND, "dossier not found")
			}
			return err
		}
		d := row.domain()
		history, err := s.events(tx, d.ID)
		if err != nil {
			return err
		}
		oldVersion := d.Version
		ev, err := fn(d, history)
		if err != nil || ev == nil {
			return err
		}
		now := s.now()
		d.UpdatedAt = now
		d.Version = oldVersion + 1
		next := dossierToRow(d)
		res := tx.Model(&dossierRow{}).Where("id = ? AND version = ?", d.ID, oldVersion).Select("*").Omit("id", "created_at").Updates(&next)
		if res.Error != nil {
			return res.Error
		} else if res.RowsAffected != 1 {
			return domain.Errorf(domain.ECONFLICT, "the dossier changed meanwhile; try again")
		}
		ev.Seq = len(history) + 1
		evRow := eventToRow(d.ID, ev, now)
		if err := tx.Create(&evRow).Error; err != nil {
			return err
		}
		d.UpdatedAt = now.Truncate(time.Microsecond)
		out = d
		return s.announce(tx, changedDossier, d.LookupID)
	})
	if err != nil {
		return nil, translate(err)
	}
	if out != nil { // nil: fn left the dossier as it was
		s.changed(changedDossier, out.LookupID)
	}
	return out, nil
}

// DossierFilter narrows ListDossiers; zero fields do not filter.
type DossierFilter struct {
	Scope           string // agency path prefix the caller may see
	AgencyCode      string
	Status          domain.Status
	ProcedureCode   string
	Field           string
	Channel         domain.Channel
	Overdue         bool // open and late at Now
	Untransferred   bool // still at the desk (received) past its transfer deadline at Now
	ReceivedFrom    *time.Time
	ReceivedTo      *time.Time // exclusive
	Running         bool       // open, its clock running (not waiting for a supplement, not paused)
	AppointmentFrom *time.Time // the result promised at or after
	AppointmentTo   *time.Time // the result promised before (exclusive)
	Query           string
	Now             time.Time
	Limit           int
	Cursor          string
}

// ListDossiers returns a page of dossiers, newest first, and the cursor of the next page ("" at the end).
func (s *Store) ListDossiers(ctx context.Context, f DossierFilter) ([]*domain.Dossier, string, error) {
	// filtered applies every filter but the search text, and the cursor.
	filtered := func() (*gorm.DB, error) {
		q := s.reader(ctx).Model(&dossierRow{})
		if f.Scope != "" {
			q = q.Where("agency_path LIKE ?", likePrefix(f.Scope))
		}
		if f.AgencyCode != "" {
			q = q.Where("agency_code = ?", f.AgencyCode)
		}
		if f.Status != "" {
			q = q.Where("status = ?", string(f.Status))
		}
		if f.ProcedureCode != "" {
			q = q.Where("procedure_code = ?", f.ProcedureCode)
		}
		if f.Field != "" {
			q = q.Where("field = ?", f.Field)
		}
		if f.Channel != "" {
			q = q.Where("channel = ?", string(f.Channel))
		}
		if f.Overdue {
			q = q.Where("status IN ? AND late_at <= ?", openStatuses(), utc(f.Now))
		}
		if f.Untransferred {
			q = q.Where("status = ? AND transfer_due_at < ?", string(domain.StatusReceived), utc(f.Now))
		}
		if f.ReceivedFrom != nil {
			q = q.Where("received_at >= ?", utc(*f.ReceivedFrom))
		}
		if f.ReceivedTo != nil {
			q = q.Where("received_at < ?", utc(*f.ReceivedTo))
		}
		if f.Running {
			q = q.Where("status IN ? AND NOT clock_stopped", openStatuses())
		}
		if f.AppointmentFrom != nil {
			q = q.Where("appointment_at >= ?", utc(*f.AppointmentFrom))
		}
		if f.AppointmentTo != nil {
			q = q.Where("appointment_at < ?", utc(*f.AppointmentTo))
		}
		if f.Cursor != "" {
			id, err := decodeCursor(f.Cursor)
			if err != nil {
				return nil, err
			}
			q = q.Where("id < ?", id)
		}
		return q, nil
	}
	q, err := filtered()
	if err != nil {
		return nil, "", err
	}
	if f.Query != "" {
		folded := escapeLike(domain.FoldText(f.Query))
		code := strings.ToUpper(strings.TrimSpace(f.Query))
		digits := strings.TrimLeft(f.Query, "+")
		if s.dialect != Postgres {
			q = q.Where("code = ? OR applicant_name_norm LIKE ? OR applicant_name_norm LIKE ? OR applicant_phone = ? OR applicant_phone LIKE ?",
				code, folded+"%", "% "+folded+"%", f.Query, "%"+escapeLike(digits))
		} else if q, err = s.searchPostgres(q, filtered, f.Limit, code, folded, digits, s.communeScope(ctx, f.Scope)); err != nil {
			return nil, "", err
		}
	}
	var rows []dossierRow
	if err := q.Order("id DESC").Limit(f.Limit + 1).Find(&rows).Error; err != nil {
		return nil, "", translate(err)
	}
	next := ""
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		next = encodeCursor(rows[len(rows)-1].ID)
	}
	out := make([]*domain.Dossier, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, next, nil
}

// searchPostgres narrows q (the filtered dossiers) to those matching the search text, in
// the shape PostgreSQL's indexes answer (migrations 0002 and 0004) with the same meaning as
// on SQLite: the code exactly; the folded name from the start of any word, whose page of ids
// comes from an index-only scan of (agency_path, applicant_name_norm) for a commune's staff
// (commune) or from the full-text index of its words and word pairs for a larger scope; and,
// for digits, the end of the phone number, a prefix of the reversed number. Phone numbers hold only digits and '+', so text
// with anything else cannot match one. Each way yields at most a page of ids and the union
// is joined back by id: under an OR, PostgreSQL would scan the whole table instead.
func (s *Store) searchPostgres(q *gorm.DB, filtered func() (*gorm.DB, error), limit int, code, folded, digits string, commune bool) (*gorm.DB, error) {
	page := func(cond string, args ...any) (*gorm.DB, error) {
		sub, err := filtered()
		if err != nil {
			return nil, err
		}
		return sub.Select("id").Where(cond, args...).Order("id DESC").Limit(limit + 1), nil
	}
	var byName *gorm.DB
	var err error
	if words := strings.Fields(folded); len(words) > 0 && isASCIIAlnum(folded) && !commune {
		// The terms of dossier_name_terms (migrations 0004, 0006) that the text holds: its
		// word pairs, the last one a prefix; a single word is a prefix itself. The full-text
		// index finds them over a whole province; the LIKEs keep the meaning exact. Only
		// ASCII letters, digits and spaces are written into a tsquery as they are; other
		// text is left to the LIKEs alone.
		terms := NamePairs(folded)
		if terms == "" {
			terms = words[0]
		}
		byName, err = page(`(applicant_name_norm LIKE ? OR applicant_name_norm LIKE ?)
			AND dossier_name_terms(applicant_name_norm, applicant_name_pairs) @@ to_tsquery('simple', ?)`,
			folded+"%", "% "+folded+"%", strings.ReplaceAll(terms, " ", " & ")+":*")
	} else {
		byName, err = page("applicant_name_norm LIKE ? OR applicant_name_norm LIKE ?", folded+"%", "% "+folded+"%")
	}
	if err != nil {
		return nil, err
	}
	byCode, err := page("code = ?", code)
	if err != nil {
		return nil, err
	}
	if digits != "" && strings.Trim(digits, "0123456789") == "" {
		byPhone, err := page("reverse(applicant_phone) LIKE ?", reverseString(digits)+"%")
		if err != nil {
			return nil, err
		}
		return q.Where("id IN (SELECT id FROM (?) AS by_name UNION ALL SELECT id FROM (?) AS by_code UNION ALL SELECT id FROM (?) AS by_phone)",
			byName, byCode, byPhone), nil
	}
	return q.Where("id IN (SELECT id FROM (?) AS by_name UNION ALL SELECT id FROM (?) AS by_code)", byName, byCode), nil
}

// communeScope reports whether scope (an agency path) is a commune's: its name search reads
// the commune's entries of the (agency_path, applicant_name_norm) index alone. Asking for the
// name's word pairs too makes the planner check them on each of those entries: at 10,000,000
// dossiers (100,000 a commune) that took a commune's search from milliseconds to a p99 of
// 233 ms (BENCHMARKS.md).
func (s *Store) communeScope(ctx context.Context, scope string) bool {
	if scope == "" {
		return false
	}
	parts := strings.Split(strings.Trim(scope, "/"), "/")
	a, err := s.FindAgency(ctx, parts[len(parts)-1])
	return err == nil && a.Level == domain.LevelCommune
}

// NamePairs returns the pairs of neighbouring words of folded text (domain.FoldText), each
// joined by '0', separated by spaces: "nguyen van an" → "nguyen0van van0an". With the words
// themselves they are the terms of the name-search index (migration 0006): a typed name
// becomes a conjunction of rare pairs, where single words are too common to narrow anything.
func NamePairs(folded string) string {
	words := strings.Fields(folded)
	if len(words) < 2 {
		return ""
	}
	var b strings.Builder
	for i := 1; i < len(words); i++ {
		if i > 1 {
			b.WriteByte(' ')
		}
		b.WriteString(words[i-1])
		b.WriteByte('0')
		b.WriteString(words[i])
	}
	return b.String()
}

// isASCIIAlnum reports whether folded text holds only ASCII letters, digits and spaces.
func isASCIIAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func reverseString(s string) string {
	b := []byte(s) // digits only
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

func openStatuses() []string {
	out := make([]string, len(domain.OpenStatuses))
	for i, s := range domain.OpenStatuses {
		out[i] = string(s)
	}
	return out
}

// escapeLike neutralises LIKE wildcards in user input (both databases accept ESCAPE-less
// backslash here only on PostgreSQL, so wildcards are simply replaced by '?' which a folded name never holds).
func escapeLike(s string) string {
	return strings.NewReplacer("%", "?", "_", "?", "\\", "?").Replace(s)
}
