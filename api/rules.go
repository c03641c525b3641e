package api

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/store"
)

type calendarBody struct {
	Holidays      []string `json:"holidays"`
	ExtraWorkdays []string `json:"extra_workdays"`
	Notice        string   `json:"notice"`
	Source        string   `json:"source"` // former name of notice, still read
}

// calendarAnswer is a year as GET and PUT /calendar/{year} show it: source is announced,
// statutory (provisional) or custom; notice names where the days come from, in words.
func calendarAnswer(y domain.CalendarYear) fiber.Map {
	return fiber.Map{"year": y.Year, "holidays": nonNil(y.Holidays), "extra_workdays": nonNil(y.ExtraWorkdays),
		"source": y.Kind, "provisional": y.Kind.Provisional(), "notice": y.Source}
}

func nonNil(ds []domain.Date) []domain.Date {
	if ds == nil {
		return []domain.Date{}
	}
	return ds
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
	notice, field := req.Notice, "notice"
	if notice == "" && req.Source != string(domain.CalendarCustom) {
		notice, field = req.Source, "source"
	}
	if len(notice) > 500 {
		p.Add(field, "is longer than 500 bytes")
	}
	y := domain.CalendarYear{Year: year, Source: notice, Kind: domain.CalendarCustom,
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
	out := calendarAnswer(y)
	out["recomputed_dossiers"] = changed
	out["rejudge"] = rejudge
	return c.JSON(out)
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

// getCalendar answers the calendar a year counts with: stored (announced or custom), or
// computed from the law (statutory, provisional).
func (s *Server) getCalendar(c *fiber.Ctx) error {
	year, err := c.ParamsInt("year")
	if err != nil {
		return domain.Invalid("year", "must be a year")
	}
	y, err := s.desk.CalendarYear(c.UserContext(), year)
	if err != nil {
		return err
	}
	return c.JSON(calendarAnswer(y))
}

// calendarYearsInUse are the years /readyz reports on: this year and the next.
func (s *Server) calendarYearsInUse() []int {
	y := domain.DateOf(s.now()).Year
	return []int{y, y + 1}
}

// calendarReady reports, for /readyz, the calendar each year in use counts with.
func (s *Server) calendarReady(c *fiber.Ctx) (string, any) {
	rules, err := s.desk.Rules(c.UserContext())
	if err != nil {
		return "calendar", "unavailable"
	}
	years := []fiber.Map{}
	for _, year := range s.calendarYearsInUse() {
		k := rules.Calendar.YearKind(year)
		years = append(years, fiber.Map{"year": year, "source": k, "provisional": k.Provisional()})
	}
	return "calendar", fiber.Map{"years": years}
}

// calendarWarnings warns, for /readyz, of each year in use that counts with its statutory
// days only: the government's swaps are missing until its calendar is entered. The service
// stays ready.
func (s *Server) calendarWarnings(c *fiber.Ctx) (string, any) {
	rules, err := s.desk.Rules(c.UserContext())
	if err != nil {
		return "warnings", []string{}
	}
	warnings := []string{}
	for _, year := range s.calendarYearsInUse() {
		if rules.Calendar.YearKind(year) == domain.CalendarStatutory {
			warnings = append(warnings, fmt.Sprintf("calendar %d: statutory holidays only (computed from the Labour Code art. 112, provisional); "+
				"enter the announced days with PUT /api/v1/calendar/%d once they are published", year, year))
		}
	}
	return "warnings", warnings
}
