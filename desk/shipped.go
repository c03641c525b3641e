package desk

import (
	"context"
	"slices"

	"motcua/calendars"
	"motcua/domain"
	"motcua/store"
)

// CalendarYear returns the calendar the deadlines count year with: the stored year
// (announced or custom), or, for a year not stored, the statutory one computed from the law
// (Kind CalendarStatutory, provisional). EINVALID for a year outside
// MinCalendarYear..MaxCalendarYear.
func (d *Desk) CalendarYear(ctx context.Context, year int) (domain.CalendarYear, error) {
	if year < domain.MinCalendarYear || year > domain.MaxCalendarYear {
		return domain.CalendarYear{}, domain.Invalidf("year", "must be between %d and %d", domain.MinCalendarYear, domain.MaxCalendarYear)
	}
	years, err := d.store.CalendarYears(ctx)
	if err != nil {
		return domain.CalendarYear{}, err
	}
	for _, y := range years {
		if y.Year == year {
			if y.Kind == "" {
				y.Kind = domain.CalendarCustom
			}
			return y, nil
		}
	}
	return domain.StatutoryYear(year), nil
}

// ShippedLoad is what LoadShippedCalendars did: the years it stored, the years it left
// because an administrator set them, and the re-judgement it recorded (nil when no working
// day changed).
type ShippedLoad struct {
	Loaded  []int
	KeptSet []int
	Rejudge *store.RejudgeRun
}

// LoadShippedCalendars stores every year shipped in package calendars that the database does
// not hold as shipped: a year not stored (counted until then with its statutory days), or an
// announced year whose days a later release corrected. A year an administrator set (custom)
// is left as it is; `motcua calendar load` can still replace it. The years are stored with
// the re-judgement of the dossiers whose clock ran through a changed day, by actor
// (RecordCalendars), which is not started: the caller starts it (StartRejudges) so that the
// start does not wait for it, and the scheduler finishes it in any case. Several replicas
// starting at once store the same days: the last write changes nothing.
func (d *Desk) LoadShippedCalendars(ctx context.Context, actor string) (ShippedLoad, error) {
	var out ShippedLoad
	shipped, err := calendars.Years()
	if err != nil {
		return out, err
	}
	stored, err := d.store.CalendarYears(ctx)
	if err != nil {
		return out, err
	}
	have := make(map[int]domain.CalendarYear, len(stored))
	for _, y := range stored {
		have[y.Year] = y
	}
	var load []domain.CalendarYear
	for _, y := range shipped {
		cur, ok := have[y.Year]
		switch {
		case !ok:
		case cur.Kind != domain.CalendarAnnounced:
			out.KeptSet = append(out.KeptSet, y.Year)
			continue
		case sameDays(cur, y) && cur.Source == y.Source:
			continue
		}
		load = append(load, y)
		out.Loaded = append(out.Loaded, y.Year)
	}
	if len(load) == 0 {
		return out, nil
	}
	out.Rejudge, err = d.RecordCalendars(ctx, actor, load...)
	return out, err
}

// sameDays reports whether two years list the same holidays and compensatory working days.
func sameDays(a, b domain.CalendarYear) bool {
	return sameDates(a.Holidays, b.Holidays) && sameDates(a.ExtraWorkdays, b.ExtraWorkdays)
}

func sameDates(a, b []domain.Date) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.SortFunc(a, domain.Date.Compare)
	slices.SortFunc(b, domain.Date.Compare)
	return slices.Equal(a, b)
}
