package desk

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"motcua/domain"
	"motcua/store"
)

// Defaults of a re-judgement's work (Config.RejudgeBatch, RejudgeLease, RejudgeWait).
const (
	rejudgeBatch = 500             // dossiers in one transaction
	rejudgeLease = 2 * time.Minute // how long a worker holds a batch before another may take it over
	rejudgeWait  = 3 * time.Second // how long a PUT waits for its re-judgement before it answers
)

// PutCalendar replaces a year's days off and compensatory working days for who, records the
// re-judgement of every dossier whose clock ran through a day that changed (RecordCalendars)
// and starts it in the background; it answers when it is over or after Config.RejudgeWait,
// with the run as it stands then (nil when no working day changed). The scheduler finishes
// what is left (ProcessRejudges).
func (d *Desk) PutCalendar(ctx context.Context, who *domain.Principal, y domain.CalendarYear) (*store.RejudgeRun, error) {
	run, err := d.RecordCalendars(ctx, who.Username, y)
	if err != nil || run == nil {
		return run, err
	}
	done := d.goRejudge()
	if d.cfg.RejudgeWait > 0 {
		timer := time.NewTimer(d.cfg.RejudgeWait)
		defer timer.Stop()
		select {
		case <-done:
		case <-timer.C:
		case <-ctx.Done():
		}
	}
	return d.store.FindRejudgeRun(ctx, run.ID)
}

// PutCalendars replaces the days off and compensatory working days of each year given, then
// judges again every dossier whose clock may have run through a day that changed, with actor
// as who did it, and waits until that is done (by this call or by another worker); it returns
// how many dossiers changed. EINVALID (CalendarYear.Validate) for a bad year, before anything
// is stored.
func (d *Desk) PutCalendars(ctx context.Context, actor string, years ...domain.CalendarYear) (int, error) {
	run, err := d.RecordCalendars(ctx, actor, years...)
	if err != nil || run == nil {
		return 0, err
	}
	for {
		if err := d.ProcessRejudges(ctx); err != nil {
			return 0, err
		}
		run, err = d.store.FindRejudgeRun(ctx, run.ID)
		if err != nil {
			return 0, err
		}
		if run.FinishedAt != nil {
			return int(run.Changed), nil
		}
		select { // another worker holds it: wait for it, or for its lease to run out
		case <-ctx.Done():
			return int(run.Changed), ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// RecordCalendars replaces the calendars of years and, in the same transaction, records the
// re-judgement (by actor) of every dossier whose clock may have run between the first and the
// last working day that changed, so that a crash after the change never loses it; it returns
// the run (nil when no working day changed), not started. EINVALID for a bad year.
func (d *Desk) RecordCalendars(ctx context.Context, actor string, years ...domain.CalendarYear) (*store.RejudgeRun, error) {
	for _, y := range years {
		if err := y.Validate(); err != nil {
			return nil, err
		}
	}
	run, err := d.store.PutCalendarYears(ctx, years, func(before []domain.CalendarYear) *store.RejudgeRun {
		after := map[int]domain.CalendarYear{}
		for _, y := range before {
			after[y.Year] = y
		}
		for _, y := range years {
			after[y.Year] = y
		}
		merged := make([]domain.CalendarYear, 0, len(after))
		for _, y := range after {
			merged = append(merged, y)
		}
		sort.Slice(merged, func(i, j int) bool { return merged[i].Year < merged[j].Year })
		was, is := d.calendarOf(before), d.calendarOf(merged)
		var first, last domain.Date
		var changed []string
		for _, y := range years {
			days := domain.ChangedDays(was, is, y.Year)
			if len(days) == 0 {
				continue
			}
			changed = append(changed, fmt.Sprint(y.Year))
			if first.IsZero() || days[0].Before(first) {
				first = days[0]
			}
			if l := days[len(days)-1]; l.After(last) {
				last = l
			}
		}
		if len(changed) == 0 {
			return nil
		}
		return &store.RejudgeRun{From: first.Start(), To: last.AddDays(1).Start(), Actor: actor, CreatedAt: d.now(),
			Reason: "Lịch năm " + strings.Join(changed, ", ") + " thay đổi"}
	})
	d.forgetRules()
	return run, err
}

// RejudgeRun returns the re-judgement with id as it stands; ENOTFOUND when there is none.
func (d *Desk) RejudgeRun(ctx context.Context, id int64) (*store.RejudgeRun, error) {
	return d.store.FindRejudgeRun(ctx, id)
}

// ProcessRejudges works through every re-judgement not finished yet, batch after batch, each
// batch held under a lease (Config.RejudgeLease) so that workers of several replicas never
// do the same one and a crashed worker's batch is taken over once its lease runs out. It
// returns when no run is left that it may take, or when ctx is done. The scheduler calls it
// every minute; PutCalendar calls it at once.
func (d *Desk) ProcessRejudges(ctx context.Context) error {
	ids, err := d.store.PendingRejudgeRuns(ctx)
	if err != nil {
		return err
	}
	worker := fmt.Sprintf("%s#%d", d.id, d.workers.Add(1))
	for _, id := range ids {
		if err := d.processRejudge(ctx, id, worker); err != nil {
			return err
		}
	}
	return nil
}

// processRejudge does the batches of run id as worker until the run is finished or another
// worker holds it.
func (d *Desk) processRejudge(ctx context.Context, id int64, worker string) error {
	run, err := d.store.FindRejudgeRun(ctx, id)
	if err != nil {
		return err
	}
	defer func() { // let another worker go on at once if this one stops half-way
		if run.FinishedAt == nil {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			d.store.ReleaseRejudgeRun(rctx, id, worker)
		}
	}()
	started := time.Now()
	for run.FinishedAt == nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		claimed, err := d.store.ClaimRejudgeRun(ctx, id, worker, d.now(), d.cfg.RejudgeLease)
		if err != nil || !claimed {
			return err
		}
		d.forgetRules() // the calendar of the last change, whichever replica made it
		rules, err := d.Rules(ctx)
		if err != nil {
			return err
		}
		now := d.now().Truncate(time.Second)
		next, err := d.store.RejudgeRunBatch(ctx, id, worker, d.cfg.RejudgeBatch, now,
			func(dossier *domain.Dossier, history []domain.Event) *domain.Event {
				return rules.Recompute(dossier, history, now, run.Actor, run.Reason)
			})
		if domain.ErrorCode(err) == domain.ECONFLICT {
			d.log.Info("re-judgement batch left to another worker", "run", id, "worker", worker, "err", err)
			return nil
		} else if err != nil {
			return err
		}
		run = next
	}
	d.log.Info("re-judgement finished", "run", id, "reason", run.Reason, "done", run.Done, "changed", run.Changed,
		"worker", worker, "duration", time.Since(started))
	return nil
}

// StartRejudges goes on, in the background, with every re-judgement recorded and not
// finished, as the scheduler's job does every minute; Close stops it.
func (d *Desk) StartRejudges() { d.goRejudge() }

// goRejudge starts ProcessRejudges in the background, unless the desk is closed; the channel
// is closed when it returns.
func (d *Desk) goRejudge() <-chan struct{} {
	done := make(chan struct{})
	d.bgMu.Lock()
	defer d.bgMu.Unlock()
	if d.closed {
		close(done)
		return done
	}
	d.bgWork.Add(1)
	go func() {
		defer d.bgWork.Done()
		defer close(done)
		if err := d.ProcessRejudges(d.bg); err != nil && d.bg.Err() == nil {
			d.log.Error("re-judgement stopped; the scheduler goes on with it", "err", err)
		}
	}()
	return done
}

// Close stops the desk's background work (a re-judgement a PUT started; the scheduler takes
// over what is left) and waits for it to stop.
func (d *Desk) Close() {
	d.bgMu.Lock()
	d.closed = true
	d.bgMu.Unlock()
	d.stop()
	d.bgWork.Wait()
}
