package domain

import (
	"slices"
	"strings"
	"time"
)

// ImportColumns are the columns of the dossier CSV (API.md, bulk import), in the order the
// service writes them. A file may give them in any order (ParseImportHeader).
var ImportColumns = []string{"code", "agency_code", "procedure_code", "applicant_name", "applicant_id", "applicant_phone",
	"channel", "return_channel", "received_at", "due_at", "resolved_at", "outcome", "returned_at", "apologized_at",
	"new_appointment_at", "withdrawn_at"}

// ImportOptionalColumns may follow ImportColumns in a file: late_at, the moment a dossier
// became late (its running clock passed its due time), which a file of final times cannot
// otherwise show for a dossier whose clock stood or restarted after that.
var ImportOptionalColumns = []string{"late_at"}

// importFields names, for the problems of an intake, the CSV column of each JSON field that
// has one under another name.
var importFields = map[string]string{
	"applicant.name":      "applicant_name",
	"applicant.id_number": "applicant_id",
	"applicant.phone":     "applicant_phone",
}

// ImportField returns the CSV column that holds the intake's JSON field (itself when the
// names are the same).
func ImportField(jsonField string) string {
	if c, ok := importFields[jsonField]; ok {
		return c
	}
	return jsonField
}

// ImportHeader is where each column of ImportColumns is in a file's rows.
type ImportHeader struct {
	index map[string]int
	width int
}

// ParseImportHeader reads a header row: every column of ImportColumns once, in any order.
// EINVALID (field "header", line 1) lists what is missing, unknown or repeated.
func ParseImportHeader(header []string) (ImportHeader, error) {
	h := ImportHeader{index: map[string]int{}, width: len(header)}
	var problems []FieldError
	for i, name := range header {
		name = strings.TrimSpace(name)
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff")
		}
		switch _, dup := h.index[name]; {
		case !slices.Contains(ImportColumns, name) && !slices.Contains(ImportOptionalColumns, name):
			problems = append(problems, Problem("header", "unknown column %q", name).At(1, EINVALID))
		case dup:
			problems = append(problems, Problem("header", "column %q twice", name).At(1, EINVALID))
		default:
			h.index[name] = i
		}
	}
	for _, name := range ImportColumns {
		if _, ok := h.index[name]; !ok {
			problems = append(problems, Problem("header", "missing column %q", name).At(1, EINVALID))
		}
	}
	if len(problems) > 0 {
		e := Errorf(EINVALID, "The header row must name the columns: %s", strings.Join(ImportColumns, ","))
		e.Fields = problems
		return ImportHeader{}, e
	}
	return h, nil
}

// Width is how many fields every row must have.
func (h ImportHeader) Width() int { return h.width }

// ImportCatalogue answers what an import row refers to.
type ImportCatalogue interface {
	// Agency returns the agency with code, or nil.
	Agency(code string) *Agency
	// Procedure returns the version of procedure code in effect on day; when none is yet, one
	// that takes effect later; nil for an unknown code.
	Procedure(code string, day Date) *Procedure
}

// ImportedDossier is one valid row: the dossier as it stands and its history.
type ImportedDossier struct {
	Dossier *Dossier
	Events  []Event
}

// importTimes are the time columns of a row.
var importTimes = []string{"received_at", "due_at", "resolved_at", "returned_at", "apologized_at", "new_appointment_at",
	"withdrawn_at", "late_at"}

// importRow is one CSV record being checked: its fields by column name, and its problems.
type importRow struct {
	line  int
	h     ImportHeader
	rec   []string
	times map[string]*time.Time
	errs  []FieldError
}

// col is the row's field in the column name; "" for an optional column the file does not have.
func (r *importRow) col(name string) string {
	i, ok := r.h.index[name]
	if !ok {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

func (r *importRow) bad(code, field, format string, args ...any) {
	r.errs = append(r.errs, Problem(field, format, args...).At(r.line, code))
}

// badErr records err's problems under their CSV columns, with err's code; a problem that
// names no field is recorded under field.
func (r *importRow) badErr(field string, err error) {
	e, ok := err.(*Error)
	if !ok {
		r.bad(EINTERNAL, field, "cannot be imported")
		return
	}
	if len(e.Fields) == 0 {
		r.errs = append(r.errs, FieldError{Field: field, Message: e.Message, format: e.format, args: e.args}.At(r.line, e.Code))
	}
	for _, f := range e.Fields {
		f.Field = ImportField(f.Field)
		r.errs = append(r.errs, f.At(r.line, e.Code))
	}
}

// ImportRow turns one CSV record into a dossier whose status follows from its timestamps, with
// an event for each of them. The intake is checked by Admit, as every intake is, for who (the
// importing admin) at now; the problems name the line and the CSV column, with the code the
// same problem has through the API. The dossier is nil when there are any. now also bounds
// the other timestamps (none in the future).
func (r Rules) ImportRow(line int, h ImportHeader, rec []string, cat ImportCatalogue, who *Principal, now time.Time) (*ImportedDossier, []FieldError) {
	row := &importRow{line: line, h: h, rec: rec, times: map[string]*time.Time{}}
	row.parseTimes()
	d, intake := row.intake(r, cat, who, now)
	if d == nil {
		return nil, row.errs
	}
	events := row.history(r, d, *intake, who.Username, now)
	if len(row.errs) > 0 {
		return nil, row.errs
	}
	d.UpdatedAt = events[len(events)-1].At
	return &ImportedDossier{Dossier: d, Events: events}, nil
}

func (r *importRow) parseTimes() {
	for _, name := range importTimes {
		v := r.col(name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			r.bad(EINVALID, name, "must be an RFC 3339 time, e.g. 2024-12-12T10:05:00+07:00")
			continue
		}
		t = t.Truncate(time.Second)
		r.times[name] = &t
	}
}

// intake checks the row's intake as Admit does and returns the dossier taken in, with its
// given code and due time, and its intake event; nil when the intake itself is bad.
func (r *importRow) intake(rules Rules, cat ImportCatalogue, who *Principal, now time.Time) (*Dossier, *Event) {
	code := strings.ToUpper(r.col("code"))
	if code != "" {
		if agency, _, _, err := ParseCode(code); err != nil {
			r.bad(EINVALID, "code", "is not a dossier code (agency-YYMMDD-NNNN)")
		} else if agency != r.col("agency_code") {
			r.bad(EINVALID, "code", "does not start with agency_code")
		}
	}
	received := r.times["received_at"]
	if received == nil && r.col("received_at") == "" {
		r.bad(EINVALID, "received_at", "is required")
	}
	in := IntakeRequest{AgencyCode: r.col("agency_code"), ProcedureCode: r.col("procedure_code"),
		Applicant: Applicant{Name: r.col("applicant_name"), IDNumber: r.col("applicant_id"), Phone: r.col("applicant_phone")},
		Channel:   Channel(r.col("channel")), ReturnChannel: Channel(r.col("return_channel")), ReceivedAt: received}
	if received == nil {
		var p Problems
		in.CheckFields(now, &p) // the row's other intake problems, beside the missing time
		r.badErr("row", p.Err())
		return nil, nil
	}
	c := IntakeContext{Who: who, Now: now, Agency: cat.Agency(in.AgencyCode)}
	if in.ProcedureCode != "" {
		c.Procedure = cat.Procedure(in.ProcedureCode, DateOf(*received))
	}
	d, intake, err := rules.Admit(in, c)
	if err != nil {
		r.badErr("row", err)
		return nil, nil
	}
	d.Code = code
	intake.Details["imported"] = true
	due, late := r.times["due_at"], r.times["late_at"]
	if due != nil {
		intake.Details["due_at"] = due.In(Location)
		intake.Details[detailDueGiven] = true
	}
	if late != nil {
		intake.Details[detailLateGiven] = late.In(Location)
	}
	if due != nil || late != nil {
		rules.Judge(d, []Event{*intake})
		d.AppointmentAt = d.DueAt
	}
	return d, intake
}

// history checks the row's other times against each other and replays them on d, after its
// intake event, as the actions they record; the events in time order (an apology comes before
// the resolution it announced).
func (r *importRow) history(rules Rules, d *Dossier, intake Event, actor string, now time.Time) []Event {
	received := d.ReceivedAt
	for _, name := range importTimes {
		t := r.times[name]
		if t == nil {
			continue
		}
		if name != "due_at" && name != "new_appointment_at" && t.After(now) {
			r.bad(EINVALID, name, "is in the future")
		} else if t.Before(received) {
			r.bad(EINVALID, name, "is before received_at")
		}
	}
	outcome := Outcome(r.col("outcome"))
	resolved, returned, withdrawn := r.times["resolved_at"], r.times["returned_at"], r.times["withdrawn_at"]
	apologized, newAppt := r.times["apologized_at"], r.times["new_appointment_at"]
	switch {
	case resolved != nil && !outcome.Valid():
		r.bad(EINVALID, "outcome", "must be approved or refused when resolved_at is given")
	case resolved == nil && outcome != "":
		r.bad(EINVALID, "outcome", "needs resolved_at")
	}
	if returned != nil && (resolved == nil || returned.Before(*resolved)) {
		r.bad(EINVALID, "returned_at", "needs resolved_at on or before it")
	}
	if withdrawn != nil && resolved != nil {
		r.bad(EINVALID, "withdrawn_at", "a withdrawn dossier cannot also be resolved")
	}
	if (apologized == nil) != (newAppt == nil) {
		r.bad(EINVALID, "new_appointment_at", "apologized_at and new_appointment_at go together")
	}
	if apologized != nil && (resolved != nil && apologized.After(*resolved) || withdrawn != nil && apologized.After(*withdrawn)) {
		r.bad(EINVALID, "apologized_at", "is after the dossier was closed")
	}
	if len(r.errs) > 0 {
		return nil
	}
	events := []Event{intake}
	for _, req := range []ActionRequest{
		{Action: ActionApologize, At: deref(apologized), Reason: "Nhập từ tệp", NewAppointmentAt: newAppt},
		{Action: ActionResolve, At: deref(resolved), Outcome: outcome},
		{Action: ActionReturn, At: deref(returned), Channel: d.ReturnChannel},
		{Action: ActionWithdraw, At: deref(withdrawn), Reason: "Nhập từ tệp"},
	} {
		if req.At.IsZero() {
			continue
		}
		req.Actor = actor
		ev, err := rules.Apply(d, events, req)
		if err != nil {
			r.badErr(string(req.Action), err)
			return nil
		}
		events = append(events, *ev)
	}
	return events
}

// deref returns *t, or the zero time for nil.
func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// SameImport reports whether an existing dossier holds what an import row says, so that a
// re-import of the same file can skip it.
func SameImport(a, b *Dossier) bool {
	eqT := func(x, y *time.Time) bool { return x == nil && y == nil || x != nil && y != nil && x.Equal(*y) }
	return a.Code == b.Code && a.AgencyCode == b.AgencyCode && a.ProcedureCode == b.ProcedureCode &&
		a.Applicant.Name == b.Applicant.Name && a.Applicant.IDNumber == b.Applicant.IDNumber &&
		a.Applicant.Phone == b.Applicant.Phone && a.Channel == b.Channel && a.ReturnChannel == b.ReturnChannel &&
		a.ReceivedAt.Equal(b.ReceivedAt) && a.DueAt.Equal(b.DueAt) && eqT(a.ResolvedAt, b.ResolvedAt) &&
		a.Outcome == b.Outcome && eqT(a.ReturnedAt, b.ReturnedAt) && eqT(a.ApologizedAt, b.ApologizedAt) &&
		eqT(a.WithdrawnAt, b.WithdrawnAt) && a.AppointmentAt.Equal(b.AppointmentAt)
}
