package domain

import (
	"strings"
	"time"
)

// ImportColumns are the columns of the dossier CSV (API.md, bulk import), in order.
var ImportColumns = []string{"code", "agency_code", "procedure_code", "applicant_name", "applicant_id", "applicant_phone",
	"channel", "return_channel", "received_at", "due_at", "resolved_at", "outcome", "returned_at", "apologized_at",
	"new_appointment_at", "withdrawn_at"}

// ImportCatalogue answers what an import row refers to.
type ImportCatalogue interface {
	// Agency returns the agency with code, or nil.
	Agency(code string) *Agency
	// Procedure returns the version of procedure code in effect on day, or nil.
	Procedure(code string, day Date) *Procedure
}

// ImportedDossier is one valid row: the dossier as it stands and its history.
type ImportedDossier struct {
	Dossier *Dossier
	Events  []Event
}

// ImportRow turns one CSV record (columns as ImportColumns) into a dossier whose status
// follows from its timestamps, with an event for each of them. Problems name the line and
// column; the dossier is nil when there are any. now bounds the timestamps (none in the future).
func (r Rules) ImportRow(line int, rec []string, cat ImportCatalogue, actor string, now time.Time) (*ImportedDossier, []FieldError) {
	var errs []FieldError
	bad := func(field, msg string) { errs = append(errs, FieldError{Line: line, Field: field, Message: msg}) }
	col := func(i int) string { return strings.TrimSpace(rec[i]) }
	times := map[string]*time.Time{}
	for _, name := range []string{"received_at", "due_at", "resolved_at", "returned_at", "apologized_at", "new_appointment_at", "withdrawn_at"} {
		v := col(indexOf(ImportColumns, name))
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			bad(name, "must be an RFC 3339 time, e.g. 2024-12-12T10:05:00+07:00")
			continue
		}
		t = t.Truncate(time.Second)
		times[name] = &t
	}
	d := &Dossier{Code: strings.ToUpper(col(0)), Channel: Channel(col(6)), ReturnChannel: Channel(col(7)),
		Applicant: Applicant{Name: col(3), IDNumber: col(4), Phone: col(5)}}
	var p Problems
	d.Applicant.Validate("applicant_", &p)
	for _, f := range p {
		bad(strings.Replace(f.Field, "applicant_id_number", "applicant_id", 1), f.Message)
	}
	if d.Code != "" {
		if agency, _, _, err := ParseCode(d.Code); err != nil {
			bad("code", "is not a dossier code (agency-YYMMDD-NNNN)")
		} else if agency != col(1) {
			bad("code", "does not start with agency_code")
		}
	}
	if !d.Channel.Valid() {
		bad("channel", "must be direct, online or postal")
	}
	if d.ReturnChannel == "" {
		d.ReturnChannel = ChannelDirect
	} else if !d.ReturnChannel.Valid() {
		bad("return_channel", "must be direct, online or postal")
	}
	received := times["received_at"]
	if received == nil {
		if col(8) == "" {
			bad("received_at", "is required")
		}
		return nil, errs
	}
	agency := cat.Agency(col(1))
	if agency == nil {
		bad("agency_code", "no such agency")
	}
	proc := cat.Procedure(col(2), DateOf(*received))
	if proc == nil || !proc.InForce(DateOf(*received)) {
		bad("procedure_code", "not in force on the intake date")
	} else if !proc.Postal && (d.Channel == ChannelPostal || d.ReturnChannel == ChannelPostal) {
		bad("channel", "postal is not offered for this procedure")
	}
	for name, t := range times {
		if name != "due_at" && name != "new_appointment_at" && t.After(now) {
			bad(name, "is in the future")
		} else if t.Before(*received) {
			bad(name, "is before received_at")
		}
	}
	outcome := Outcome(col(11))
	resolved, returned, withdrawn := times["resolved_at"], times["returned_at"], times["withdrawn_at"]
	apologized, newAppt := times["apologized_at"], times["new_appointment_at"]
	switch {
	case resolved != nil && !outcome.Valid():
		bad("outcome", "must be approved or refused when resolved_at is given")
	case resolved == nil && outcome != "":
		bad("outcome", "needs resolved_at")
	}
	if returned != nil && (resolved == nil || returned.Before(*resolved)) {
		bad("returned_at", "needs resolved_at on or before it")
	}
	if withdrawn != nil && resolved != nil {
		bad("withdrawn_at", "a withdrawn dossier cannot also be resolved")
	}
	if (apologized == nil) != (newAppt == nil) {
		bad("new_appointment_at", "apologized_at and new_appointment_at go together")
	}
	if apologized != nil && (resolved != nil && apologized.After(*resolved) || withdrawn != nil && apologized.After(*withdrawn)) {
		bad("apologized_at", "is after the dossier was closed")
	}
	if len(errs) > 0 || agency == nil || proc == nil {
		return nil, errs
	}

	d.AgencyCode, d.AgencyPath, d.AgencyLevel = agency.Code, agency.Path, agency.Level
	d.ProcedureCode, d.ProcedureName, d.Field, d.TimeLimit = proc.Code, proc.Name, proc.Field, proc.Limit()
	d.ReceivedAt = *received
	if due := times["due_at"]; due != nil {
		d.DueAt = *due
	}
	intake := r.Intake(d, actor, "")
	if times["due_at"] != nil {
		intake.Details["due_at_given"] = true
	}
	intake.Details["imported"] = true
	events := []Event{*intake}
	add := func(req ActionRequest) bool {
		ev, err := r.Apply(d, events, req)
		if err != nil {
			e, _ := err.(*Error)
			field := string(req.Action)
			msg := "cannot be applied"
			if e != nil && len(e.Fields) > 0 {
				field, msg = e.Fields[0].Field, e.Fields[0].Message
			} else if e != nil {
				msg = e.Message
			}
			bad(field, msg)
			return false
		}
		events = append(events, *ev)
		return true
	}
	// The events in time order; an apology comes before the resolution it announced.
	if apologized != nil && !add(ActionRequest{Action: ActionApologize, At: *apologized, Actor: actor, Reason: "Nhập từ tệp", NewAppointmentAt: newAppt}) {
		return nil, errs
	}
	if resolved != nil && !add(ActionRequest{Action: ActionResolve, At: *resolved, Actor: actor, Outcome: outcome}) {
		return nil, errs
	}
	if returned != nil && !add(ActionRequest{Action: ActionReturn, At: *returned, Actor: actor, Channel: d.ReturnChannel}) {
		return nil, errs
	}
	if withdrawn != nil && !add(ActionRequest{Action: ActionWithdraw, At: *withdrawn, Actor: actor, Reason: "Nhập từ tệp"}) {
		return nil, errs
	}
	d.UpdatedAt = events[len(events)-1].At
	return &ImportedDossier{Dossier: d, Events: events}, nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
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
