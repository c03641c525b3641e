package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/store"
)

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
	run, err := s.desk.PutCalendar(c.UserContext(), principal(c), y)
	if err != nil {
		return err
	}
	// The dossiers are judged again in the background; the answer tells how far it got.
	changed, rejudge := int64(0), any(nil)
	if run != nil {
		changed = run.Changed
		rejudge = rejudgeView(run)
	}
	return c.JSON(fiber.Map{"year": y.Year, "holidays": y.Holidays, "extra_workdays": y.ExtraWorkdays,
		"source": y.Source, "recomputed_dossiers": changed, "rejudge": rejudge})
}

// rejudgeView is a re-judgement's progress as the API shows it.
func rejudgeView(run *store.RejudgeRun) fiber.Map {
	return fiber.Map{"id": run.ID, "reason": run.Reason, "actor": run.Actor, "from": run.From, "to": run.To,
		"done": run.Done, "changed": run.Changed, "finished": run.FinishedAt != nil, "created_at": run.CreatedAt,
		"finished_at": run.FinishedAt}
}

// getRejudge shows how far a re-judgement after a calendar change has got.
func (s *Server) getRejudge(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return domain.Invalid("id", "must be a re-judgement id")
	}
	run, err := s.desk.RejudgeRun(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(rejudgeView(run))
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

// calendarReady reports, for /readyz, the years around today that have no calendar loaded.
func (s *Server) calendarReady(c *fiber.Ctx) (string, any) {
	rules, err := s.desk.Rules(c.UserContext())
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
