package domain

import (
	"slices"
	"time"
)

// LateFrom is the first moment at which a dossier due at due is late. Receipts print the due
// time to the minute, so a dossier resolved within that minute is on time.
func LateFrom(due time.Time) time.Time { return due.Add(time.Minute) }

// clockEffect is what one clock event did.
type clockEffect int

const (
	effectIgnored         clockEffect = iota // a stop while stopped, a start while running
	effectStopped                            // the clock stopped with working time left
	effectStoppedLate                        // the clock stopped after the due time had passed
	effectRestarted                          // a complete supplement: the limit counts again from the start
	effectResumed                            // the clock resumed; the due time moved by the time stopped
	effectResumedAfterDue                    // the clock resumed; the limit had run out before it stopped
)

// clockStep is one clock event as the replay saw it, for the explanation.
type clockStep struct {
	kind      ClockKind
	at        time.Time     // the event, to the minute
	resume    time.Time     // a start: when the clock runs again
	remaining time.Duration // a stop: the working time then left
	added     time.Duration // a resume: how far the due time moved
	effect    clockEffect
}

// clockRun is the replay of a dossier's clock from its intake through its clock events: the
// arithmetic of ComputeDeadline, apart from its explanation.
type clockRun struct {
	received, start time.Time
	workingTime     time.Duration // what the limit grants from start
	due             time.Time
	running         bool
	remaining       time.Duration // while stopped: the working time left
	lateAt          *time.Time    // the moment the running clock passed due, before a later event
	stops           []ClockStop
	restarts        []time.Time
	steps           []clockStep
	last            time.Time // the latest of the due times and events seen
}

// replayClockFrom runs the clock. The clock starts at NextWorkingMoment of the intake, to the
// minute. A stop (supplement_requested, paused) freezes the remaining working time and the due
// time as it stood; a start (supplement_received, resumed) continues from the next working
// moment, the due time moving by the working time stopped — except that with SupplementRestart
// a supplement_received after a supplement_requested grants the full limit again. Events are
// taken in time order, to the minute; one before the intake counts as at the intake; a stop
// while stopped or a start while running is ignored, as are unknown kinds. An event at or after
// LateFrom(due) while the clock runs finds the dossier late: lateAt records when, and no later
// event takes it back. What an import gave (given) stands in for what the rules would work
// out: its due time replaces the first one (and the working time it leaves), its lateness is
// fixed.
func replayClockFrom(c *Calendar, receivedAt time.Time, limit TimeLimit, events []ClockEvent, mode SupplementClock, given givenFacts) clockRun {
	if mode != SupplementPause {
		mode = SupplementRestart
	}
	received := receivedAt.In(Location)
	run := clockRun{received: received, start: c.NextWorkingMoment(received.Truncate(time.Minute)), running: true,
		stops: []ClockStop{}, restarts: []time.Time{}}
	budget := func(from time.Time) time.Duration {
		if limit.Immediate() {
			return c.WorkingTimeBetween(from, c.EndOfWorkingDay(from))
		}
		return limit.Duration(c.hours)
	}
	run.workingTime = budget(run.start)
	run.due = c.AddWorkingTime(run.start, run.workingTime)
	if given.due != nil {
		run.due = given.due.In(Location)
		run.workingTime = max(0, c.WorkingTimeBetween(run.start, run.due))
	}
	run.lateAt = given.late
	run.last = run.due

	evs := slices.Clone(events)
	slices.SortStableFunc(evs, func(a, b ClockEvent) int { return a.At.Compare(b.At) })
	runFrom, remaining := run.start, run.workingTime
	var stopKind ClockKind
	var stopAt time.Time
	for _, ev := range evs {
		if !ev.Kind.Valid() {
			continue
		}
		at := ev.At.In(Location).Truncate(time.Minute)
		if at.Before(received) {
			at = received
		}
		run.noteLate(at)
		step := clockStep{kind: ev.Kind, at: at}
		switch {
		case ev.Kind.stops() && run.running:
			remaining = max(0, remaining-max(0, c.WorkingTimeBetween(runFrom, at)))
			run.running, stopKind, stopAt = false, ev.Kind, at
			run.stops = append(run.stops, ClockStop{From: at, Kind: ev.Kind})
			step.remaining, step.effect = remaining, effectStopped
			if remaining == 0 {
				step.effect = effectStoppedLate
			}
		case !ev.Kind.stops() && !run.running:
			step.resume = c.NextWorkingMoment(at)
			stop := &run.stops[len(run.stops)-1]
			to := at
			stop.To = &to
			switch {
			case mode == SupplementRestart && stopKind == ClockSupplementRequested && ev.Kind == ClockSupplementReceived:
				remaining = budget(step.resume)
				run.due = c.AddWorkingTime(step.resume, remaining)
				run.restarts = append(run.restarts, step.resume)
				step.effect = effectRestarted
			case remaining > 0:
				stop.WorkingTimeAdded = max(0, c.WorkingTimeBetween(later(stopAt, runFrom), at))
				run.due = c.AddWorkingTime(step.resume, remaining)
				step.added, step.effect = stop.WorkingTimeAdded, effectResumed
			default:
				step.effect = effectResumedAfterDue
			}
			runFrom, run.running = step.resume, true
		}
		run.steps = append(run.steps, step)
		run.last = later(run.last, at)
	}
	if !run.running {
		run.remaining = remaining
	}
	run.last = later(run.last, run.due)
	return run
}

// noteLate records that the dossier is late at t when its clock runs past the due time.
func (run *clockRun) noteLate(t time.Time) {
	if run.lateAt == nil && run.running && !t.Before(LateFrom(run.due)) {
		l := LateFrom(run.due)
		run.lateAt = &l
	}
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// ComputeDeadline computes a dossier's due time from its intake time, time limit and clock
// events (replayClock), and explains it. A nil calendar is the default one. Times are returned
// in Location.
func ComputeDeadline(c *Calendar, receivedAt time.Time, limit TimeLimit, events []ClockEvent, mode SupplementClock) Deadline {
	c = c.or()
	return deadlineOf(c, replayClockFrom(c, receivedAt, limit, events, mode, givenFacts{}), limit)
}

// deadlineOf is the deadline a replay reached, explained.
func deadlineOf(c *Calendar, run clockRun, limit TimeLimit) Deadline {
	dl := Deadline{
		ReceivedAt: run.received, ClockStart: run.start, Limit: limit, LimitText: limit.clamped().String(),
		WorkingTime: run.workingTime, Due: run.due, Stopped: !run.running, Remaining: run.remaining,
		Stops: run.stops, Restarts: run.restarts, LateSince: run.lateAt,
		TransferDue: c.TransferDue(run.start),
	}
	dl.Steps = explain(c, run, limit, &dl)
	return dl
}

// LateAt returns the moment the dossier is late from, given no further event: when its
// running clock passed the due time (LateSince), or else LateFrom(Due) while the clock runs;
// nil while it is stopped before the due time (a stopped dossier is not overdue).
func (dl Deadline) LateAt() *time.Time {
	switch {
	case dl.LateSince != nil:
		return dl.LateSince
	case dl.Stopped:
		return nil
	}
	l := LateFrom(dl.Due)
	return &l
}

// LateAtTime reports whether the dossier is late at t (see LateAt).
func (dl Deadline) LateAtTime(t time.Time) bool {
	l := dl.LateAt()
	return l != nil && !t.Before(*l)
}
