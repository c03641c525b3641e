package jobs

import (
	"context"
	"errors"
	"fmt"

	"motcua/domain"
)

// Names of the service's jobs.
const (
	JobPeriodSnapshots  = "period-snapshots"
	JobDashboardRefresh = "dashboard-refresh"
)

// SnapshotCreator is who the scheduler's snapshots are created by.
const SnapshotCreator = "scheduler"

// ToDatePrefix starts the period key of the nightly year-to-date snapshots
// ("todate/2024-03-04": the calendar year up to and including that day).
const ToDatePrefix = "todate/"

// Periods the scheduler freezes when they end: every kind under both cut-off rules.
var (
	snapshotCutoffs = []domain.Cutoff{domain.CutoffCalendar, domain.CutoffDecree09}
	snapshotKinds   = []domain.PeriodKind{domain.PeriodMonth, domain.PeriodQuarter, domain.PeriodHalf,
		domain.PeriodNineMonths, domain.PeriodYear}
)

// periodSnapshots freezes revision 1 of every agency's appendix for each period that ended
// since the last successful run, up to yesterday; on the first run, the periods that ended
// yesterday. Revisions that exist are left alone, so a repeated or overlapping run adds
// nothing. It goes on past a failing agency and returns every failure.
func (s *Scheduler) periodSnapshots(ctx context.Context) error {
	upTo := domain.DateOf(s.now()).AddDays(-1)
	after := upTo.AddDays(-1)
	last, ok, err := s.store.LastSucceededJobRun(ctx, JobPeriodSnapshots)
	if err != nil {
		return err
	}
	if ok {
		// A run on day D covered the periods that ended up to D-1.
		d, err := domain.ParseDate(last)
		if err != nil {
			return fmt.Errorf("job run key %q: %w", last, err)
		}
		after = d.AddDays(-1)
	}
	periods := domain.PeriodsEndedBetween(after, upTo, snapshotCutoffs, snapshotKinds)
	if len(periods) == 0 {
		return nil
	}
	agencies, err := s.store.ListAgencies(ctx, "")
	if err != nil {
		return err
	}
	var errs []error
	created := 0
	for _, p := range periods {
		for _, a := range agencies {
			ok, err := s.snapshotOnce(ctx, a, p, p.Key())
			if err != nil {
				errs = append(errs, fmt.Errorf("%s %s: %w", a.Code, p.Key(), err))
			} else if ok {
				created++
			}
			if ctx.Err() != nil {
				return errors.Join(append(errs, ctx.Err())...)
			}
		}
	}
	s.log.Info("period snapshots", "after", after.String(), "up_to", upTo.String(), "periods", len(periods),
		"agencies", len(agencies), "created", created)
	return errors.Join(errs...)
}

// snapshotOnce freezes revision 1 of agency a's appendix for p under key unless it exists;
// created reports whether this call stored it.
func (s *Scheduler) snapshotOnce(ctx context.Context, a *domain.Agency, p domain.Period, key string) (created bool, err error) {
	_, created, err = s.desk.Freeze(ctx, a, p, key, SnapshotCreator, true)
	return created, err
}

// ToDatePeriod is the calendar year of day up to and including day, as the nightly
// dashboard snapshot covers it, and its snapshot key.
func ToDatePeriod(day domain.Date) (domain.Period, string) {
	p, _ := domain.NewPeriod(domain.PeriodYear, day.Year, 0, domain.CutoffCalendar)
	p.To = day
	return p, ToDatePrefix + day.String()
}

// dashboardRefresh freezes, for every top-level agency, the appendix of the year so far
// (through yesterday) under the key todate/<yesterday>; earlier nights' stay as they are.
func (s *Scheduler) dashboardRefresh(ctx context.Context) error {
	day := domain.DateOf(s.now()).AddDays(-1)
	p, key := ToDatePeriod(day)
	agencies, err := s.store.ListAgencies(ctx, "")
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range agencies {
		if a.ParentCode != "" {
			continue
		}
		if _, err := s.snapshotOnce(ctx, a, p, key); err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", a.Code, key, err))
		}
	}
	return errors.Join(errs...)
}
