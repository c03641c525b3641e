package desk

import (
	"context"

	"motcua/domain"
)

// PutCalendar replaces a year's days off and compensatory working days, then recomputes the
// due time of every open dossier (each that moves gets an event); it returns how many moved.
// EINVALID (CalendarYear.Validate) for a bad year.
func (d *Desk) PutCalendar(ctx context.Context, who *domain.Principal, y domain.CalendarYear) (int, error) {
	if err := y.Validate(); err != nil {
		return 0, err
	}
	if err := d.store.PutCalendarYear(ctx, y); err != nil {
		return 0, err
	}
	d.forgetRules()
	return d.RecomputeOpenDossiers(ctx, who.Username)
}

// RecomputeOpenDossiers recomputes the due time of every open dossier with the current
// calendar, after a change to it; each one whose due time moves gets an event by actor.
// Resolved dossiers keep theirs. It returns how many moved.
func (d *Desk) RecomputeOpenDossiers(ctx context.Context, actor string) (int, error) {
	rules, err := d.Rules(ctx)
	if err != nil {
		return 0, err
	}
	return d.store.UpdateOpenDossiers(ctx, func(dossier *domain.Dossier, history []domain.Event) *domain.Event {
		return rules.Recompute(dossier, history, d.now(), actor)
	})
}
