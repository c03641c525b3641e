package domain

import (
	"time"
)

// TransferCutoff is the time of day after which a dossier taken in goes to the resolving
// department the next working morning instead of the same day (DOMAIN.md, "Transfer").
const TransferCutoff = 15 * 60

// TransferDue is when the desk must have passed on a dossier whose clock starts at start: the
// end of that working day, or, when it starts after TransferCutoff, the start of the next
// working day's hours.
func (c *Calendar) TransferDue(start time.Time) time.Time {
	c = c.or()
	start = start.In(Location)
	end := c.EndOfWorkingDay(start)
	if start.Hour()*60+start.Minute() > TransferCutoff {
		return c.NextWorkingMoment(end)
	}
	return end
}

// Intake facts an import may give instead of letting the rules work them out (keys of the
// intake event's details).
const (
	detailDueGiven  = "due_at_given"  // true: the due time is the intake's due_at, as given
	detailLateGiven = "late_at_given" // the moment the dossier became late, as given
)

// clockOf replays d's clock through the clock events of history that happened before until
// (all of them when until is zero), starting from a due time the import gave, when it gave one.
func (r Rules) clockOf(d *Dossier, history []Event, until time.Time) clockRun {
	var events []ClockEvent
	for _, e := range ClockEventsOf(history) {
		if until.IsZero() || e.At.Before(until) {
			events = append(events, e)
		}
	}
	var given givenFacts
	if len(history) > 0 && history[0].Action == ActionIntake {
		given = givenOf(history[0])
	}
	return replayClockFrom(r.Calendar.or(), d.ReceivedAt, d.TimeLimit, events, r.Supplement, given)
}

// givenFacts are what an imported intake fixed: its due time and the moment it became late.
type givenFacts struct {
	due, late *time.Time
}

func givenOf(intake Event) givenFacts {
	var g givenFacts
	if intake.Details[detailDueGiven] == true {
		g.due = detailTime(intake.Details, "due_at")
	}
	g.late = detailTime(intake.Details, detailLateGiven)
	return g
}

// detailTime reads a time from event details: a time.Time as built, or its RFC 3339 text
// as stored.
func detailTime(details map[string]any, key string) *time.Time {
	switch v := details[key].(type) {
	case time.Time:
		return &v
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return &t
		}
	}
	return nil
}

// Judge derives, with the current rules, everything that follows from d's history (which
// holds every event so far, oldest first): the clock start, the due time and whether the clock
// stands, the transfer deadline, the moment d is (or will be) late, and, once it is resolved,
// its timeliness; when it was apologised for, whether the apology came too late. Lateness is
// judged once from the whole history: a dossier whose running clock passed its due time is
// late for good, whatever stopped or restarted the clock afterwards.
func (r Rules) Judge(d *Dossier, history []Event) {
	c := r.Calendar.or()
	run := r.clockOf(d, history, time.Time{})
	d.ClockStart, d.DueAt, d.ClockStopped = run.start, run.due, !run.running
	d.TransferDueAt = c.TransferDue(run.start)
	d.LateAt = run.lateAtNow()
	d.Timeliness = ""
	if d.ResolvedAt != nil {
		d.Timeliness = timeliness(run, *d.ResolvedAt)
	}
	d.ApologyLate = false
	if d.ApologizedAt != nil {
		at := *d.ApologizedAt
		then := r.clockOf(d, history, at)
		d.ApologyLate = ApologyLate(c, then.due, at) || lateBy(then.lateAtNow(), at)
	}
}

// lateAtNow is the moment the replayed dossier is late from, given no further event: when its
// running clock passed the due time, or else LateFrom(due) while the clock runs; nil while it
// stands before the due time.
func (run clockRun) lateAtNow() *time.Time {
	switch {
	case run.lateAt != nil:
		return run.lateAt
	case !run.running:
		return nil
	}
	l := LateFrom(run.due)
	return &l
}

// lateBy reports whether a dossier late from lateAt is late at t.
func lateBy(lateAt *time.Time, t time.Time) bool { return lateAt != nil && !t.Before(*lateAt) }

// timeliness classifies a resolution at t of the replayed dossier: late when it was late by
// then, else early on a calendar day before the due day, else on time.
func timeliness(run clockRun, t time.Time) Timeliness {
	if lateBy(run.lateAtNow(), t) {
		return TimelinessLate
	}
	return TimelinessOf(run.due, t)
}

// DossierState is where a dossier stood just before an instant, judged from its history.
type DossierState struct {
	Status  Status     // "" before the intake
	Running bool       // its clock ran
	Due     time.Time  // its due time as of then (while the clock stood: as it stood when it stopped)
	Late    bool       // its running clock had passed the due time by then: late for good
	LateAt  *time.Time // when it became late, when Late
}

// StateBefore returns where d stood just before t, from the events of history that happened
// before t: what a period that ends at t (exclusive) sees of it at its end. The report's
// pending figures count exactly this.
func (r Rules) StateBefore(d *Dossier, history []Event, t time.Time) DossierState {
	var st DossierState
	var prefix []Event
	for _, e := range history {
		if !e.At.Before(t) {
			break
		}
		prefix = append(prefix, e)
		st.Status = e.ToStatus
	}
	if st.Status == "" {
		return st
	}
	run := r.clockOf(d, prefix, time.Time{})
	st.Running, st.Due = run.running, run.due
	if l := run.lateAtNow(); l != nil && l.Before(t) {
		st.Late, st.LateAt = true, l
	}
	return st
}
