package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Span is one stretch of working hours in a day, in minutes since local midnight: [Start, End).
type Span struct{ Start, End int }

// WorkHours are a day's working spans, sorted and non-overlapping, e.g. 07:00-11:00 and 13:00-17:00.
type WorkHours []Span

// DefaultWorkHours is 07:00-11:00,13:00-17:00: eight hours a day.
var DefaultWorkHours = WorkHours{{7 * 60, 11 * 60}, {13 * 60, 17 * 60}}

// calMaxSpans bounds how many spans a day may have.
const calMaxSpans = 24

// ParseWorkHours parses "HH:MM-HH:MM[,HH:MM-HH:MM...]" (24:00 allowed as an end).
// It returns EINVALID naming field "work_hours" and the wrong span: a bad time, an end not
// after its start, or spans out of order or overlapping.
func ParseWorkHours(s string) (WorkHours, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, Invalid("work_hours", "no working hours given (e.g. 07:00-11:00,13:00-17:00)")
	}
	parts := strings.Split(s, ",")
	if len(parts) > calMaxSpans {
		return nil, Invalid("work_hours", fmt.Sprintf("at most %d spans", calMaxSpans))
	}
	h := make(WorkHours, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		from, to, ok := strings.Cut(p, "-")
		if !ok {
			return nil, Invalid("work_hours", fmt.Sprintf("span %d %q: want HH:MM-HH:MM", i+1, p))
		}
		start, err1 := calParseClock(strings.TrimSpace(from))
		end, err2 := calParseClock(strings.TrimSpace(to))
		if err1 != nil || err2 != nil {
			return nil, Invalid("work_hours", fmt.Sprintf("span %d %q: want HH:MM-HH:MM between 00:00 and 24:00", i+1, p))
		}
		h = append(h, Span{start, end})
	}
	if err := h.validate(); err != nil {
		return nil, err
	}
	return h, nil
}

// calParseClock parses HH:MM (00:00..24:00) into minutes since midnight.
func calParseClock(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	h, err := strconv.Atoi(hh)
	if err != nil || h < 0 || h > 24 || hh[0] == '+' || hh[0] == '-' {
		return 0, fmt.Errorf("bad hour %q", s)
	}
	m, err := strconv.Atoi(mm)
	if err != nil || m < 0 || m > 59 || mm[0] == '+' || mm[0] == '-' {
		return 0, fmt.Errorf("bad minute %q", s)
	}
	if h == 24 && m != 0 {
		return 0, fmt.Errorf("after 24:00 %q", s)
	}
	return h*60 + m, nil
}

// validate checks spans are within a day, non-empty, sorted and non-overlapping.
func (h WorkHours) validate() error {
	if len(h) == 0 {
		return Invalid("work_hours", "no working hours given")
	}
	if len(h) > calMaxSpans {
		return Invalid("work_hours", fmt.Sprintf("at most %d spans", calMaxSpans))
	}
	for i, sp := range h {
		switch {
		case sp.Start < 0 || sp.End > 24*60:
			return Invalid("work_hours", fmt.Sprintf("span %d %s: outside the day", i+1, sp))
		case sp.End <= sp.Start:
			return Invalid("work_hours", fmt.Sprintf("span %d %s: end must be after start", i+1, sp))
		case i > 0 && sp.Start < h[i-1].End:
			return Invalid("work_hours", fmt.Sprintf("span %d %s: overlaps or precedes span %d %s", i+1, sp, i, h[i-1]))
		}
	}
	return nil
}

// String formats the span as HH:MM-HH:MM.
func (s Span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60)
}

// String formats the hours as ParseWorkHours reads them.
func (h WorkHours) String() string {
	parts := make([]string, len(h))
	for i, s := range h {
		parts[i] = s.String()
	}
	return strings.Join(parts, ",")
}

// PerDay returns the working time of one full working day.
func (h WorkHours) PerDay() time.Duration {
	var total int
	for _, s := range h {
		total += s.End - s.Start
	}
	return time.Duration(total) * time.Minute
}

// Calendar years accepted by CalendarYear.Validate.
const (
	MinCalendarYear = 2000
	MaxCalendarYear = 2100
)

// CalendarYear is one year's days off (public holidays and the days off around them)
// and compensatory working days (ngày làm bù, usually Saturdays). Source names the notices
// the days come from, in words; Kind says whether they were announced, computed from the law
// or entered by an administrator ("" counts as CalendarCustom).
type CalendarYear struct {
	Year          int          `json:"year"`
	Holidays      []Date       `json:"holidays"`
	ExtraWorkdays []Date       `json:"extra_workdays"`
	Source        string       `json:"source,omitempty"`
	Kind          CalendarKind `json:"kind,omitempty"`
}

// Validate returns EINVALID listing every problem by field ("year", "holidays[2]",
// "extra_workdays[0]"): a year outside 2000..2100, a date not in the year, a duplicate, a
// day both a holiday and an extra workday, an extra workday that is not a Saturday or Sunday.
// A holiday on a weekend is allowed.
func (y CalendarYear) Validate() error {
	var p Problems
	if y.Year < MinCalendarYear || y.Year > MaxCalendarYear {
		p.Add("year", "must be between %d and %d", MinCalendarYear, MaxCalendarYear)
	}
	holidays := make(map[Date]int, len(y.Holidays))
	for i, d := range y.Holidays {
		field := fmt.Sprintf("holidays[%d]", i)
		if d.Year != y.Year {
			p.Add(field, "%s is not in %d", d, y.Year)
		} else if j, dup := holidays[d]; dup {
			p.Add(field, "%s is listed twice (also holidays[%d])", d, j)
		} else {
			holidays[d] = i
		}
	}
	extras := make(map[Date]int, len(y.ExtraWorkdays))
	for i, d := range y.ExtraWorkdays {
		field := fmt.Sprintf("extra_workdays[%d]", i)
		if d.Year != y.Year {
			p.Add(field, "%s is not in %d", d, y.Year)
		} else if j, dup := extras[d]; dup {
			p.Add(field, "%s is listed twice (also extra_workdays[%d])", d, j)
		} else if j, both := holidays[d]; both {
			p.Add(field, "%s is also a holiday (holidays[%d])", d, j)
		} else if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			p.Add(field, "%s is a %s, not a Saturday or Sunday", d, wd)
		} else {
			extras[d] = i
		}
	}
	return p.Err()
}

// calMaxWalkDays bounds every day-by-day walk of the calendar (about 40 years), so that no
// input can loop for long; a walk that reaches it stops where it got to.
const calMaxWalkDays = 40 * 366

// Calendar is the working calendar: working hours, and per loaded year its holidays and
// compensatory working days. A year not loaded has weekends off only (NewCalendar), or the
// days off the law fixes (NewStatutoryCalendar). A Calendar is immutable after it is made and
// safe for concurrent use.
type Calendar struct {
	hours     WorkHours
	perDay    time.Duration
	years     map[int]CalendarKind
	holidays  map[Date]bool
	extras    map[Date]bool
	statutory bool // a year not loaded counts with StatutoryYear
}

// NewStatutoryCalendar builds a calendar like NewCalendar in which every year not given
// counts with its statutory days off (StatutoryYear), computed when first needed: no year
// counts weekends only.
func NewStatutoryCalendar(h WorkHours, years []CalendarYear) *Calendar {
	c := NewCalendar(h, years)
	c.statutory = true
	return c
}

// NewCalendar builds a calendar. Hours that are empty or invalid (see ParseWorkHours) are
// replaced by DefaultWorkHours. Years should be validated first; dates outside their year are
// ignored, and a later entry for the same year replaces an earlier one.
func NewCalendar(h WorkHours, years []CalendarYear) *Calendar {
	if h.validate() != nil {
		h = DefaultWorkHours
	}
	c := &Calendar{
		hours:    append(WorkHours(nil), h...),
		years:    make(map[int]CalendarKind),
		holidays: make(map[Date]bool),
		extras:   make(map[Date]bool),
	}
	c.perDay = c.hours.PerDay()
	last := make(map[int]int, len(years))
	for i, y := range years {
		last[y.Year] = i
	}
	for i, y := range years {
		if last[y.Year] != i {
			continue
		}
		c.years[y.Year] = y.Kind
		if y.Kind == "" {
			c.years[y.Year] = CalendarCustom
		}
		for _, d := range y.Holidays {
			if d.Year == y.Year {
				c.holidays[d] = true
			}
		}
		for _, d := range y.ExtraWorkdays {
			if d.Year == y.Year {
				c.extras[d] = true
			}
		}
	}
	return c
}

// calDefault stands in for a nil or zero Calendar: default hours, no years loaded.
var calDefault = NewCalendar(DefaultWorkHours, nil)

// or returns c, or the default calendar when c is nil or was not made by NewCalendar.
func (c *Calendar) or() *Calendar {
	if c == nil || len(c.hours) == 0 {
		return calDefault
	}
	return c
}

// WorkHours returns the calendar's working hours.
func (c *Calendar) WorkHours() WorkHours { return append(WorkHours(nil), c.or().hours...) }

// HasYear reports whether the year's holidays are loaded; if not, the year counts with its
// statutory days off (NewStatutoryCalendar) or weekends only (NewCalendar).
func (c *Calendar) HasYear(year int) bool {
	_, ok := c.or().years[year]
	return ok
}

// YearKind says what the calendar counts the year with: the loaded year's kind,
// CalendarStatutory for a year computed from the law, or "" for a year counting weekends only.
func (c *Calendar) YearKind(year int) CalendarKind {
	c = c.or()
	if k, ok := c.years[year]; ok {
		return k
	}
	if c.statutory {
		return CalendarStatutory
	}
	return ""
}

// IsWorkday reports whether d is a working day: a compensatory working day, or a Monday to
// Friday that is not a holiday.
func (c *Calendar) IsWorkday(d Date) bool {
	c = c.or()
	if c.extras[d] {
		return true
	}
	if c.isHoliday(d) {
		return false
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// isHoliday reports whether d is a listed holiday (weekend or not), or a statutory day off of
// a year not loaded.
func (c *Calendar) isHoliday(d Date) bool {
	c = c.or()
	if c.holidays[d] {
		return true
	}
	if !c.statutory {
		return false
	}
	if _, loaded := c.years[d.Year]; loaded {
		return false
	}
	return statutoryDaysOff(d.Year)[d]
}

// NextWorkingMoment returns t itself when t is within the working hours of a working day,
// otherwise the start of the next working span (lunch → 13:00, Saturday night → Monday 07:00).
// The result is in Location.
func (c *Calendar) NextWorkingMoment(t time.Time) time.Time {
	c = c.or()
	t = t.In(Location)
	d := DateOf(t)
	for i := 0; i < calMaxWalkDays; i, d = i+1, d.AddDays(1) {
		if !c.IsWorkday(d) {
			continue
		}
		for _, sp := range c.hours {
			s, e := d.At(sp.Start), d.At(sp.End)
			if t.Before(e) {
				if t.Before(s) {
					return s
				}
				return t
			}
		}
	}
	return d.Start()
}

// AddWorkingTime returns the moment when d of working time has passed from `from`
// (counting from NextWorkingMoment(from)). Landing exactly on the end of a span gives that end
// (17:00, not 07:00 the next day). d <= 0 gives from itself for 0 and SubtractWorkingTime for
// negative d. A result more than about 40 years away is cut off there.
func (c *Calendar) AddWorkingTime(from time.Time, d time.Duration) time.Time {
	c = c.or()
	t := from.In(Location)
	if d < 0 {
		return c.SubtractWorkingTime(t, calNeg(d))
	}
	if d == 0 {
		return t
	}
	rem := d
	day := DateOf(t)
	for i := 0; i < calMaxWalkDays; i, day = i+1, day.AddDays(1) {
		if !c.IsWorkday(day) {
			continue
		}
		for _, sp := range c.hours {
			s, e := day.At(sp.Start), day.At(sp.End)
			if !t.Before(e) {
				continue
			}
			if t.Before(s) {
				t = s
			}
			avail := e.Sub(t)
			if rem <= avail {
				return t.Add(rem)
			}
			rem -= avail
			t = e
		}
	}
	return t
}

// SubtractWorkingTime returns the latest moment from which d of working time runs until `to`.
// Landing exactly on the start of a span gives that start (07:00, not 17:00 the day before).
// Negative d adds. A result more than about 40 years away is cut off there.
func (c *Calendar) SubtractWorkingTime(to time.Time, d time.Duration) time.Time {
	c = c.or()
	t := to.In(Location)
	if d < 0 {
		return c.AddWorkingTime(t, calNeg(d))
	}
	if d == 0 {
		return t
	}
	rem := d
	day := DateOf(t)
	for i := 0; i < calMaxWalkDays; i, day = i+1, day.AddDays(-1) {
		if !c.IsWorkday(day) {
			continue
		}
		for j := len(c.hours) - 1; j >= 0; j-- {
			s, e := day.At(c.hours[j].Start), day.At(c.hours[j].End)
			if !t.After(s) {
				continue
			}
			if t.After(e) {
				t = e
			}
			avail := t.Sub(s)
			if rem <= avail {
				return t.Add(-rem)
			}
			rem -= avail
			t = s
		}
	}
	return t
}

// calNeg returns -d, saturating for the smallest Duration.
func calNeg(d time.Duration) time.Duration {
	if d == time.Duration(-1<<63) {
		return 1<<63 - 1
	}
	return -d
}

// WorkingTimeBetween returns the working time in [a, b); negative when b is before a.
// At most about 40 years are counted.
func (c *Calendar) WorkingTimeBetween(a, b time.Time) time.Duration {
	c = c.or()
	if b.Before(a) {
		return -c.WorkingTimeBetween(b, a)
	}
	a, b = a.In(Location), b.In(Location)
	var total time.Duration
	last := DateOf(b)
	day := DateOf(a)
	for i := 0; i < calMaxWalkDays && !day.After(last); i, day = i+1, day.AddDays(1) {
		if !c.IsWorkday(day) {
			continue
		}
		for _, sp := range c.hours {
			s, e := day.At(sp.Start), day.At(sp.End)
			if s.Before(a) {
				s = a
			}
			if e.After(b) {
				e = b
			}
			if s.Before(e) {
				total += e.Sub(s)
			}
		}
	}
	return total
}

// EndOfWorkingDay returns the closing time of the first working day whose closing is at or
// after t: the same day's closing during or before working hours, the next working day's
// after closing.
func (c *Calendar) EndOfWorkingDay(t time.Time) time.Time {
	c = c.or()
	t = t.In(Location)
	closing := c.hours[len(c.hours)-1].End
	d := DateOf(t)
	for i := 0; i < calMaxWalkDays; i, d = i+1, d.AddDays(1) {
		if !c.IsWorkday(d) {
			continue
		}
		if e := d.At(closing); !e.Before(t) {
			return e
		}
	}
	return t
}

// ChangedDays returns the days of year, in order, that are working days in one calendar and
// not in the other.
func ChangedDays(a, b *Calendar, year int) []Date {
	var out []Date
	for d := (Date{year, time.January, 1}); d.Year == year; d = d.AddDays(1) {
		if a.IsWorkday(d) != b.IsWorkday(d) {
			out = append(out, d)
		}
	}
	return out
}
