package domain

import (
	"fmt"
	"slices"
	"strings"
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
	SupplementDueAt  *time.Time // request_supplement: by when the citizen is asked to bring it (optional)
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

// Intake completes a new dossier received at d.ReceivedAt (and recorded at d.RecordedAt, the
// same when not set): status, clock, due time, transfer deadline and appointment; it returns
// the intake event.
func (r Rules) Intake(d *Dossier, actor, note string) *Event {
	d.Status = StatusReceived
	if d.RecordedAt.IsZero() {
		d.RecordedAt = d.ReceivedAt
	}
	ev := &Event{Seq: 1, At: d.ReceivedAt, Action: ActionIntake, ToStatus: StatusReceived, Actor: actor, Note: note,
		Details: map[string]any{"channel": d.Channel}}
	if d.HandedOverAt != nil {
		ev.Details["recorded_at"] = d.RecordedAt.In(Location)
	}
	r.Judge(d, []Event{*ev})
	d.AppointmentAt = d.DueAt
	d.Version = 1
	ev.Details["due_at"] = d.DueAt.In(Location)
	return ev
}

// Deadline explains d's due time from its history, and when the desk had to pass it on.
func (r Rules) Deadline(d *Dossier, history []Event) Deadline {
	c := r.Calendar.or()
	dl := deadlineOf(c, r.clockOf(d, history, time.Time{}), d.TimeLimit)
	dl.TransferDue = c.TransferDue(dl.ClockStart)
	step := "Bộ phận một cửa chuyển hồ sơ cho cơ quan giải quyết chậm nhất lúc " + dlMoment(dl.TransferDue) + "."
	for _, e := range history {
		if e.Action == ActionStart {
			t := e.At.In(Location)
			dl.TransferredAt = &t
			step += " Đã chuyển lúc " + dlMoment(t) + "."
			if t.After(dl.TransferDue) {
				step += " (chuyển muộn)"
			}
			break
		}
	}
	dl.Steps = append(dl.Steps[:2:2], append([]string{step}, dl.Steps[2:]...)...)
	return dl
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
// transition and the parameters, updates d (status, times, and what the history judges: due
// time, lateness, timeliness, the apology's lateness) and returns the event to append. The
// first event at which the dossier is late says since when ("late_since"). On error d is
// unchanged: ETRANSITION for an action not allowed from d's status, ECONFLICT for a second
// apology, EINVALID naming a bad parameter.
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
	at := req.At
	switch req.Action {
	case ActionResolve:
		next.ResolvedAt, next.Outcome, next.ResultDigitized = &at, req.Outcome, req.ResultDigitized
		ev.Details["outcome"] = req.Outcome
	case ActionReturn:
		next.ReturnedAt, next.ReturnedChannel = &at, req.Channel
		ev.Details["channel"] = req.Channel
	case ActionWithdraw:
		next.WithdrawnAt = &at
	case ActionApologize:
		next.ApologizedAt, next.AppointmentAt = &at, *req.NewAppointmentAt
		ev.Details["new_appointment_at"] = req.NewAppointmentAt.In(Location)
	case ActionRequestSupplement:
		if req.SupplementDueAt != nil {
			ev.Details["supplement_due_at"] = req.SupplementDueAt.In(Location)
		}
	}
	all := append(history[:len(history):len(history)], *ev)
	r.Judge(&next, all)
	if next.ApologizedAt == nil && next.Status.Open() {
		next.AppointmentAt = next.DueAt
	}
	switch {
	case req.Action == ActionResolve:
		ev.Details["timeliness"] = next.Timeliness
	case req.Action == ActionApologize:
		ev.Details["apology_late"] = next.ApologyLate
	case !next.DueAt.Equal(d.DueAt):
		ev.Details["due_at"] = next.DueAt.In(Location)
	}
	if lateBy(next.LateAt, at) && !lateNoted(history) {
		ev.Details["late_since"] = next.LateAt.In(Location)
	}
	next.Version = d.Version + 1
	next.UpdatedAt = req.At
	*d = next
	return ev, nil
}

// lateNoted reports whether an event of history already says since when the dossier is late.
func lateNoted(history []Event) bool {
	for _, e := range history {
		if _, ok := e.Details["late_since"]; ok {
			return true
		}
	}
	return false
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
			return Errorf(ECONFLICT, "the appointment may be moved only once (%s)", LawAt(DateOf(d.ReceivedAt)).Cite("19.9"))
		}
		if req.NewAppointmentAt == nil {
			p.Add("new_appointment_at", "is required")
		} else if !req.NewAppointmentAt.After(req.At) || !req.NewAppointmentAt.After(d.DueAt) {
			p.Add("new_appointment_at", "must be after the current due time and after now")
		}
	}
	if req.SupplementDueAt != nil {
		if req.Action != ActionRequestSupplement {
			p.Add("supplement_due_at", "is given only when requesting a supplement")
		} else if !req.SupplementDueAt.After(req.At) {
			p.Add("supplement_due_at", "must be after the request")
		}
	}
	if len(history) > 0 && req.At.Before(history[len(history)-1].At) {
		p.Add("at", "is before the dossier's last event")
	}
	return p.Err()
}

// Recompute judges d again from its history with the current calendar, after a change to it:
// open, resolved and withdrawn dossiers alike (a closed dossier's lateness still counts in
// the periods it was pending in). When its due time, clock, lateness, timeliness or the
// apology's lateness change, d is updated and the event that records what changed is returned;
// otherwise nil. An open dossier's appointment follows its due time (unless an apology moved
// it); a resolved dossier's stays as it was printed. The event's note says why (reason, e.g.
// "Lịch năm 2024 thay đổi") and what changed, in words.
func (r Rules) Recompute(d *Dossier, history []Event, now time.Time, actor, reason string) *Event {
	if len(history) == 0 {
		return nil
	}
	next := *d
	r.Judge(&next, history)
	details := map[string]any{}
	if !next.DueAt.Equal(d.DueAt) {
		details["old_due_at"], details["due_at"] = d.DueAt.In(Location), next.DueAt.In(Location)
	}
	if next.Timeliness != d.Timeliness {
		details["old_timeliness"], details["timeliness"] = d.Timeliness, next.Timeliness
	}
	if next.ApologyLate != d.ApologyLate {
		details["apology_late"] = next.ApologyLate
	}
	if was, is := d.LateSince(now), next.LateSince(now); !sameTime(was, is) {
		details["late_since"] = optTime(is)
	}
	if len(details) == 0 && next.ClockStopped == d.ClockStopped && next.TransferDueAt.Equal(d.TransferDueAt) && sameTime(next.LateAt, d.LateAt) {
		return nil
	}
	if next.Status.Open() && next.ApologizedAt == nil {
		next.AppointmentAt = next.DueAt
	}
	note := recomputeNote(d, &next, now, reason)
	*d = next
	return &Event{Seq: len(history) + 1, At: now, Action: ActionRecompute, FromStatus: d.Status, ToStatus: d.Status, Actor: actor,
		Note: note, Details: details}
}

// timelinessWords names a timeliness as the appendix does.
var timelinessWords = map[Timeliness]string{TimelinessEarly: "trước hạn", TimelinessOnTime: "đúng hạn", TimelinessLate: "trễ hạn"}

// recomputeNote says why d is judged again (reason; "Lịch làm việc thay đổi" when empty) and
// what changed from was to is: "Lịch năm 2024 thay đổi: hạn mới 09:00 thứ Năm, 22/02/2024
// (trước: 09:00 thứ Năm, 15/02/2024); trước trễ hạn, nay trước hạn".
func recomputeNote(was, is *Dossier, now time.Time, reason string) string {
	if reason == "" {
		reason = "Lịch làm việc thay đổi"
	}
	var parts []string
	if !is.DueAt.Equal(was.DueAt) {
		parts = append(parts, fmt.Sprintf("hạn mới %s (trước: %s)", dlMoment(is.DueAt), dlMoment(was.DueAt)))
	}
	if is.Timeliness != was.Timeliness && was.Timeliness != "" && is.Timeliness != "" {
		parts = append(parts, fmt.Sprintf("trước %s, nay %s", timelinessWords[was.Timeliness], timelinessWords[is.Timeliness]))
	}
	if w, i := was.LateSince(now), is.LateSince(now); !sameTime(w, i) && is.Status.Open() {
		if i == nil {
			parts = append(parts, "nay không quá hạn")
		} else {
			parts = append(parts, "quá hạn từ "+dlMoment(*i))
		}
	}
	if is.ApologyLate != was.ApologyLate {
		if is.ApologyLate {
			parts = append(parts, "văn bản xin lỗi nay là muộn")
		} else {
			parts = append(parts, "văn bản xin lỗi nay là kịp thời")
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "tính lại thời hạn")
	}
	return reason + ": " + strings.Join(parts, "; ")
}

// sameTime reports whether a and b are both nil or the same moment.
func sameTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

// optTime is t in Location for event details, or nil.
func optTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.In(Location)
}
