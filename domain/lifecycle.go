package domain

import (
	"slices"
	"time"
)

// ActionRequest is an action asked for by a member of staff, with its parameters.
type ActionRequest struct {
	Action           Action
	At               time.Time // when it happened: a past time given by an admin; zero = now (Authorize)
	Actor            string
	Note             string
	Reason           string
	Outcome          Outcome
	ResultDigitized  bool
	Channel          Channel
	NewAppointmentAt *time.Time
}

// AllowedTo returns nil when who may take the action: ENOTFOUND for an action that is not
// one of StaffActions, EFORBIDDEN for a role that may not take it.
func (a Action) AllowedTo(who *Principal) error {
	if !slices.Contains(StaffActions, a) {
		return Errorf(ENOTFOUND, "No such action.")
	}
	if !who.Has(a.Roles()...) {
		return Errorf(EFORBIDDEN, "Your role does not allow %s.", a)
	}
	return nil
}

// Authorize checks that who may ask for req at now and sets req.At to now, to the second,
// when no time was given. ENOTFOUND for an action that is not one of StaffActions;
// EFORBIDDEN for a role that may not take it, or a past time given by someone who is not an
// admin; EINVALID (field "at") for a time in the future.
func (req *ActionRequest) Authorize(who *Principal, now time.Time) error {
	if err := req.Action.AllowedTo(who); err != nil {
		return err
	}
	switch {
	case req.At.IsZero():
		req.At = now.Truncate(time.Second)
	case !who.Has(RoleAdmin):
		return Errorf(EFORBIDDEN, "Only an admin may record a past time for an action.")
	case req.At.After(now):
		return Invalid("at", "is in the future")
	}
	return nil
}

// Rules are the deployment's settings that decide deadlines.
type Rules struct {
	Calendar   *Calendar
	Supplement SupplementClock
}

// Intake completes a new dossier received at d.ReceivedAt: status, clock, due time and
// appointment; it returns the intake event. A DueAt already set (bulk import) is kept.
func (r Rules) Intake(d *Dossier, actor, note string) *Event {
	d.Status = StatusReceived
	dl := ComputeDeadline(r.Calendar, d.ReceivedAt, d.TimeLimit, nil, r.Supplement)
	d.ClockStart = dl.ClockStart
	if d.DueAt.IsZero() {
		d.DueAt = dl.Due
	}
	d.AppointmentAt = d.DueAt
	d.Version = 1
	return &Event{Seq: 1, At: d.ReceivedAt, Action: ActionIntake, ToStatus: StatusReceived, Actor: actor, Note: note,
		Details: map[string]any{"channel": d.Channel, "due_at": d.DueAt.In(Location)}}
}

// Deadline explains d's due time from its history.
func (r Rules) Deadline(d *Dossier, history []Event) Deadline {
	return ComputeDeadline(r.Calendar, d.ReceivedAt, d.TimeLimit, ClockEventsOf(history), r.Supplement)
}

// ClockEventsOf picks out of a dossier's history the events that stop or restart its clock.
func ClockEventsOf(history []Event) []ClockEvent {
	var out []ClockEvent
	for _, e := range history {
		var k ClockKind
		switch e.Action {
		case ActionRequestSupplement:
			k = ClockSupplementRequested
		case ActionSupplement:
			k = ClockSupplementReceived
		case ActionPause:
			k = ClockPaused
		case ActionResume:
			k = ClockResumed
		default:
			continue
		}
		out = append(out, ClockEvent{At: e.At, Kind: k})
	}
	return out
}

// Apply carries out req on d, whose history so far is history (oldest first). It checks the
// transition and the parameters, updates d (status, times, due time, timeliness) and returns
// the event to append. On error d is unchanged: ETRANSITION for an action not allowed from
// d's status, ECONFLICT for a second apology, EINVALID naming a bad parameter.
func (r Rules) Apply(d *Dossier, history []Event, req ActionRequest) (*Event, error) {
	to, err := Transition(d.Status, req.Action)
	if err != nil {
		return nil, err
	}
	if err := r.check(d, history, req); err != nil {
		return nil, err
	}
	next := *d
	ev := &Event{Seq: len(history) + 1, At: req.At, Action: req.Action, FromStatus: d.Status, ToStatus: to,
		Actor: req.Actor, Note: req.Note, Details: map[string]any{}}
	if req.Reason != "" {
		ev.Details["reason"] = req.Reason
	}
	next.Status = to
	switch req.Action {
	case ActionResolve:
		at := req.At
		next.ResolvedAt, next.Outcome, next.ResultDigitized = &at, req.Outcome, req.ResultDigitized
		next.Timeliness = TimelinessOf(d.DueAt, at)
		ev.Details["outcome"], ev.Details["timeliness"] = req.Outcome, next.Timeliness
	case ActionReturn:
		at := req.At
		next.ReturnedAt, next.ReturnedChannel = &at, req.Channel
		ev.Details["channel"] = req.Channel
	case ActionWithdraw:
		at := req.At
		next.WithdrawnAt = &at
	case ActionApologize:
		at := req.At
		next.ApologizedAt, next.AppointmentAt = &at, *req.NewAppointmentAt
		next.ApologyLate = ApologyLate(r.Calendar, d.DueAt, at)
		ev.Details["new_appointment_at"] = req.NewAppointmentAt.In(Location)
		ev.Details["apology_late"] = next.ApologyLate
	case ActionRequestSupplement, ActionSupplement, ActionPause, ActionResume:
		dl := ComputeDeadline(r.Calendar, d.ReceivedAt, d.TimeLimit, ClockEventsOf(append(history[:len(history):len(history)], *ev)), r.Supplement)
		next.DueAt, next.ClockStopped = dl.Due, dl.Stopped
		if next.ApologizedAt == nil {
			next.AppointmentAt = next.DueAt
		}
		if !next.DueAt.Equal(d.DueAt) {
			ev.Details["due_at"] = next.DueAt.In(Location)
		}
	}
	next.Version = d.Version + 1
	next.UpdatedAt = req.At
	*d = next
	return ev, nil
}

func (r Rules) check(d *Dossier, history []Event, req ActionRequest) error {
	var p Problems
	CheckText(&p, "note", req.Note, 2000, false)
	switch req.Action {
	case ActionRequestSupplement, ActionPause, ActionWithdraw, ActionApologize:
		CheckText(&p, "reason", req.Reason, 2000, true)
	default:
		CheckText(&p, "reason", req.Reason, 2000, false)
	}
	switch req.Action {
	case ActionResolve:
		if !req.Outcome.Valid() {
			p.Add("outcome", "must be approved or refused")
		}
	case ActionReturn:
		if !req.Channel.Valid() {
			p.Add("channel", "must be direct, online or postal")
		}
	case ActionApologize:
		if d.ApologizedAt != nil {
			return Errorf(ECONFLICT, "the appointment may be moved only once (NĐ 61/2018 art. 19.9)")
		}
		if req.NewAppointmentAt == nil {
			p.Add("new_appointment_at", "is required")
		} else if !req.NewAppointmentAt.After(req.At) || !req.NewAppointmentAt.After(d.DueAt) {
			p.Add("new_appointment_at", "must be after the current due time and after now")
		}
	}
	if len(history) > 0 && req.At.Before(history[len(history)-1].At) {
		p.Add("at", "is before the dossier's last event")
	}
	return p.Err()
}

// Recompute derives an open dossier's due time again from its history with the current
// calendar (after a calendar change). When it moves, d is updated and the event that records
// the change is returned; otherwise nil. Resolved dossiers, and those whose due time was
// given by an import, keep theirs.
func (r Rules) Recompute(d *Dossier, history []Event, now time.Time, actor string) *Event {
	if !d.Status.Open() || len(history) == 0 || history[0].Details["due_at_given"] == true {
		return nil
	}
	dl := r.Deadline(d, history)
	if dl.Due.Equal(d.DueAt) && dl.Stopped == d.ClockStopped {
		return nil
	}
	ev := &Event{Seq: len(history) + 1, At: now, Action: ActionRecompute, FromStatus: d.Status, ToStatus: d.Status, Actor: actor,
		Note: "Lịch làm việc thay đổi: tính lại thời hạn", Details: map[string]any{"old_due_at": d.DueAt.In(Location), "due_at": dl.Due.In(Location)}}
	d.DueAt, d.ClockStopped = dl.Due, dl.Stopped
	if d.ApologizedAt == nil {
		d.AppointmentAt = d.DueAt
	}
	return ev
}
