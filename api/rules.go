package api

import (
	"context"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
)

// rulesCache keeps the working calendar built from the database. Every few seconds it asks
// the database whether the calendar changed, so that replicas see a change made on another.
type rulesCache struct {
	mu        sync.Mutex
	rules     domain.Rules
	stamp     string
	checkedAt time.Time
}

const rulesRecheck = 5 * time.Second

// rules returns the deadline rules with the current calendar.
func (s *Server) rules(ctx context.Context) (domain.Rules, error) {
	c := &s.rulesCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rules.Calendar != nil && time.Since(c.checkedAt) < rulesRecheck {
		return c.rules, nil
	}
	stamp, err := s.store.CalendarStamp(ctx)
	if err != nil {
		return domain.Rules{}, err
	}
	if c.rules.Calendar == nil || stamp != c.stamp {
		years, err := s.store.CalendarYears(ctx)
		if err != nil {
			return domain.Rules{}, err
		}
		c.rules = domain.Rules{Calendar: domain.NewCalendar(s.cfg.WorkHours, years), Supplement: s.cfg.SupplementClock}
		c.stamp = stamp
	}
	c.checkedAt = time.Now()
	return c.rules, nil
}

// invalidateRules makes the next rules call reload the calendar.
func (s *Server) invalidateRules() {
	s.rulesCache.mu.Lock()
	s.rulesCache.rules.Calendar = nil
	s.rulesCache.mu.Unlock()
}

type calendarBody struct {
	Holidays      []string `json:"holidays"`
	ExtraWorkdays []string `json:"extra_workdays"`
	Source        string   `json:"source"`
}

func parseDates(field string, in []string, p *domain.Problems) []domain.Date {
	out := make([]domain.Date, 0, len(in))
	for i, s := range in {
		d, err := domain.ParseDate(s)
		if err != nil {
			p.Add(indexed(field, i), "is not a date (YYYY-MM-DD)")
			continue
		}
		out = append(out, d)
	}
	return out
}

func (s *Server) putCalendar(c *fiber.Ctx) error {
	year, err := c.ParamsInt("year")
	if err != nil {
		return domain.Invalid("year", "must be a year")
	}
	var req calendarBody
	if err := decode(c, &req, false); err != nil {
		return err
	}
	var p domain.Problems
	if len(req.Source) > 500 {
		p.Add("source", "is longer than 500 bytes")
	}
	y := domain.CalendarYear{Year: year, Source: req.Source,
		Holidays: parseDates("holidays", req.Holidays, &p), ExtraWorkdays: parseDates("extra_workdays", req.ExtraWorkdays, &p)}
	if err := p.Err(); err != nil {
		return err
	}
	if err := y.Validate(); err != nil {
		return err
	}
	if err := s.store.PutCalendarYear(c.UserContext(), y); err != nil {
		return err
	}
	s.invalidateRules()
	changed, err := s.recomputeOpenDossiers(c.UserContext(), principal(c).Username)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"year": y.Year, "holidays": y.Holidays, "extra_workdays": y.ExtraWorkdays,
		"source": y.Source, "recomputed_dossiers": changed})
}

func (s *Server) getCalendar(c *fiber.Ctx) error {
	year, err := c.ParamsInt("year")
	if err != nil {
		return domain.Invalid("year", "must be a year")
	}
	years, err := s.store.CalendarYears(c.UserContext())
	if err != nil {
		return err
	}
	for _, y := range years {
		if y.Year == year {
			return c.JSON(fiber.Map{"year": y.Year, "holidays": y.Holidays, "extra_workdays": y.ExtraWorkdays,
				"source": y.Source, "loaded": true})
		}
	}
	return c.JSON(fiber.Map{"year": year, "holidays": []string{}, "extra_workdays": []string{}, "loaded": false})
}

// recomputeOpenDossiers recomputes the due time of every open dossier after a calendar change;
// each one whose due time moves gets an event saying so. Resolved dossiers keep theirs.
func (s *Server) recomputeOpenDossiers(ctx context.Context, actor string) (int, error) {
	rules, err := s.rules(ctx)
	if err != nil {
		return 0, err
	}
	return s.store.UpdateOpenDossiers(ctx, func(d *domain.Dossier, history []domain.Event) *domain.Event {
		return rules.Recompute(d, history, s.now(), actor)
	})
}

// calendarReady reports, for /readyz, the years around today that have no calendar loaded.
func (s *Server) calendarReady(c *fiber.Ctx) (string, any) {
	rules, err := s.rules(c.UserContext())
	if err != nil {
		return "calendar", "unavailable"
	}
	var missing []int
	y := domain.DateOf(s.now()).Year
	for _, year := range []int{y, y + 1} {
		if !rules.Calendar.HasYear(year) {
			missing = append(missing, year)
		}
	}
	if len(missing) == 0 {
		return "calendar", "ok"
	}
	return "calendar", fiber.Map{"status": "weekends only", "years_without_calendar": missing}
}
