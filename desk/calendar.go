package desk

import (
	"context"
	"time"

	"motcua/domain"
	"motcua/store"
)

// rejudgeBatch is how many dossiers one transaction of a re-judgement holds.
const rejudgeBatch = 500

// PutCalendar replaces a year's days off and compensatory working days for who (see
// PutCalendars).
func (d *Desk) PutCalendar(ctx context.Context, who *domain.Principal, y domain.CalendarYear) (int, error) {
	return d.PutCalendars(ctx, who.Username, y)
}

// PutCalendars replaces the days off and compensatory working days of each year given, then
// judges again every dossier whose clock may have run through a day that changed (Rejudge),
// with actor as who did it; it returns how many dossiers changed. EINVALID
// (CalendarYear.Validate) for a bad year, before anything is stored.
func (d *Desk) PutCalendars(ctx context.Context, actor string, years ...domain.CalendarYear) (int, error) {
	for _, y := range years {
		if err := y.Validate(); err != nil {
			return 0, err
		}
	}
	before, err := d.Rules(ctx)
	if err != nil {
		return 0, err
	}
	for _, y := range years {
		if err := d.store.PutCalendarYear(ctx, y); err != nil {
			return 0, err
		}
	}
	d.forgetRules()
	after, err := d.Rules(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, y := range years {
		changed := domain.ChangedDays(before.Calendar, after.Calendar, y.Year)
		if len(changed) == 0 {
			continue
		}
		n, err := d.Rejudge(ctx, changed[0], changed[len(changed)-1], actor)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Rejudge judges again, with the current calendar, every dossier whose clock may have run
// between the start of day from and the end of day to — open, resolved and withdrawn alike
// (domain.Rules.Recompute) — in batches of short transactions; each that changes gets an
// event by actor. It returns how many changed.
func (d *Desk) Rejudge(ctx context.Context, from, to domain.Date, actor string) (int, error) {
	rules, err := d.Rules(ctx)
	if err != nil {
		return 0, err
	}
	w := store.RejudgeWindow{From: from.Start(), To: to.AddDays(1).Start()}
	now := d.now().Truncate(time.Second)
	total := 0
	for after := int64(0); ; {
		last, n, err := d.store.RejudgeBatch(ctx, w, after, rejudgeBatch, func(dossier *domain.Dossier, history []domain.Event) *domain.Event {
			return rules.Recompute(dossier, history, now, actor)
		})
		total += n
		if err != nil || last == 0 {
			return total, err
		}
		after = last
	}
}
