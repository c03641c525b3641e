package domain_test

import (
	"encoding/json"
	"math/rand"
	"reflect"
	"testing"
	"testing/quick"
	"time"

	"motcua/domain"
)

// dlCase is a random dossier: a calendar, an intake time, a limit and clock events.
type dlCase struct {
	Hours    domain.WorkHours
	Years    []domain.CalendarYear
	Received time.Time
	Limit    domain.TimeLimit
	Events   []domain.ClockEvent
	Mode     domain.SupplementClock
	Holiday  domain.Date // a day to add as a holiday
}

var dlHourChoices = []string{"07:00-11:00,13:00-17:00", "07:30-11:30,13:00-16:30", "08:00-12:00", "00:00-24:00", "06:00-06:01,23:59-24:00"}

// Generate implements quick.Generator.
func (dlCase) Generate(r *rand.Rand, _ int) reflect.Value {
	var c dlCase
	c.Hours, _ = domain.ParseWorkHours(dlHourChoices[r.Intn(len(dlHourChoices))])
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, domain.Location)
	randDay := func(span int) domain.Date { return domain.DateOf(base.AddDate(0, 0, r.Intn(span))) }
	for y := 2024; y <= 2026; y++ {
		if r.Intn(4) == 0 {
			continue // a missing year
		}
		cy := domain.CalendarYear{Year: y}
		seen := map[domain.Date]bool{}
		for i := r.Intn(30); i > 0; i-- {
			d := domain.DateOf(time.Date(y, 1, 1+r.Intn(365), 12, 0, 0, 0, domain.Location))
			if !seen[d] {
				seen[d] = true
				cy.Holidays = append(cy.Holidays, d)
			}
		}
		for i := r.Intn(4); i > 0; i-- {
			d := domain.DateOf(time.Date(y, 1, 1+r.Intn(365), 12, 0, 0, 0, domain.Location))
			if wd := d.Weekday(); !seen[d] && (wd == time.Saturday || wd == time.Sunday) {
				seen[d] = true
				cy.ExtraWorkdays = append(cy.ExtraWorkdays, d)
			}
		}
		c.Years = append(c.Years, cy)
	}
	c.Received = base.Add(time.Duration(r.Int63n(int64(2 * 366 * 24 * time.Hour))))
	if r.Intn(3) == 0 {
		c.Received = c.Received.Truncate(time.Minute)
	}
	switch r.Intn(3) {
	case 0:
		c.Limit.Days = r.Intn(40)
	case 1:
		c.Limit.Hours = r.Intn(40)
	}
	kinds := []domain.ClockKind{domain.ClockSupplementRequested, domain.ClockSupplementReceived, domain.ClockPaused, domain.ClockResumed}
	at := c.Received.Add(-time.Duration(r.Intn(3)) * time.Hour)
	for i := r.Intn(7); i > 0; i-- {
		at = at.Add(time.Duration(r.Int63n(int64(10 * 24 * time.Hour))))
		c.Events = append(c.Events, domain.ClockEvent{At: at, Kind: kinds[r.Intn(len(kinds))]})
	}
	if r.Intn(2) == 0 {
		c.Mode = domain.SupplementPause
	}
	c.Holiday = randDay(3 * 366)
	return reflect.ValueOf(c)
}

func (c dlCase) calendar() *domain.Calendar { return domain.NewCalendar(c.Hours, c.Years) }

// withHoliday returns the calendar with c.Holiday added (loading its year if it was missing).
func (c dlCase) withHoliday() *domain.Calendar {
	years := append([]domain.CalendarYear(nil), c.Years...)
	for i := range years {
		if years[i].Year == c.Holiday.Year {
			years[i].Holidays = append(append([]domain.Date(nil), years[i].Holidays...), c.Holiday)
			// a holiday may not also be an extra workday
			var extras []domain.Date
			for _, d := range years[i].ExtraWorkdays {
				if d != c.Holiday {
					extras = append(extras, d)
				}
			}
			years[i].ExtraWorkdays = extras
			return domain.NewCalendar(c.Hours, years)
		}
	}
	years = append(years, domain.CalendarYear{Year: c.Holiday.Year, Holidays: []domain.Date{c.Holiday}})
	return domain.NewCalendar(c.Hours, years)
}

var calQuickConfig = &quick.Config{MaxCount: 400, Rand: rand.New(rand.NewSource(20240208))}

func TestProperty_DueOnTheMinuteNotBeforeClockStart(t *testing.T) {
	f := func(c dlCase) bool {
		cal := c.calendar()
		dl := domain.ComputeDeadline(cal, c.Received, c.Limit, c.Events, c.Mode)
		open := len(dl.Stops) > 0 && dl.Stops[len(dl.Stops)-1].To == nil
		// The clock starts at the minute of the intake (or the next working moment after it):
		// due times carry no seconds.
		minute := c.Received.Truncate(time.Minute)
		ok := !dl.ClockStart.Before(minute) && !dl.Due.Before(dl.ClockStart) && dl.Remaining >= 0 &&
			dl.ClockStart.Equal(cal.NextWorkingMoment(minute)) && dl.Stopped == open && (dl.Stopped || dl.Remaining == 0) &&
			dl.Due.Equal(dl.Due.Truncate(time.Minute))
		if !ok {
			t.Logf("received %v limit %+v events %+v mode %q: start %v due %v stopped %v remaining %v",
				c.Received, c.Limit, c.Events, c.Mode, dl.ClockStart, dl.Due, dl.Stopped, dl.Remaining)
		}
		return ok
	}
	if err := quick.Check(f, calQuickConfig); err != nil {
		t.Error(err)
	}
}

func TestProperty_LongerLimitNeverEarlier(t *testing.T) {
	f := func(c dlCase, extra uint8, inHours bool) bool {
		cal := c.calendar()
		short, long := domain.TimeLimit{Days: c.Limit.Days}, domain.TimeLimit{Days: c.Limit.Days + int(extra%20)}
		if inHours { // hours: 0 is "immediate", not "no time", so start at 1
			short, long = domain.TimeLimit{Hours: 1 + c.Limit.Hours}, domain.TimeLimit{Hours: 1 + c.Limit.Hours + int(extra%20)}
		}
		a := domain.ComputeDeadline(cal, c.Received, short, c.Events, c.Mode)
		b := domain.ComputeDeadline(cal, c.Received, long, c.Events, c.Mode)
		if b.Due.Before(a.Due) {
			t.Logf("received %v events %+v mode %q: %+v due %v, %+v due %v", c.Received, c.Events, c.Mode, short, a.Due, long, b.Due)
			return false
		}
		return true
	}
	if err := quick.Check(f, calQuickConfig); err != nil {
		t.Error(err)
	}
}

func TestProperty_HolidayNeverMakesDueEarlier(t *testing.T) {
	f := func(c dlCase) bool {
		a := domain.ComputeDeadline(c.calendar(), c.Received, c.Limit, c.Events, c.Mode)
		b := domain.ComputeDeadline(c.withHoliday(), c.Received, c.Limit, c.Events, c.Mode)
		if b.Due.Before(a.Due) {
			t.Logf("holiday %v received %v limit %+v events %+v mode %q: due %v → %v", c.Holiday, c.Received, c.Limit, c.Events, c.Mode, a.Due, b.Due)
			return false
		}
		return true
	}
	if err := quick.Check(f, calQuickConfig); err != nil {
		t.Error(err)
	}
}

func TestProperty_AddSubtractBetween(t *testing.T) {
	f := func(c dlCase, minutes uint32) bool {
		cal := c.calendar()
		// up to MaxLimitDays working days, the longest accepted limit
		perDay := uint32(c.Hours.PerDay() / time.Minute)
		d := time.Duration(minutes%(perDay*domain.MaxLimitDays+1)) * time.Minute
		return calCheckAdd(t, cal, c.Received, d)
	}
	if err := quick.Check(f, calQuickConfig); err != nil {
		t.Error(err)
	}
}

// calCheckAdd checks AddWorkingTime against the other calendar operations for d >= 0.
func calCheckAdd(t *testing.T, cal *domain.Calendar, from time.Time, d time.Duration) bool {
	start := cal.NextWorkingMoment(from)
	to := cal.AddWorkingTime(from, d)
	ok := true
	fail := func(format string, args ...any) {
		t.Logf("from %v d %v: "+format, append([]any{from, d}, args...)...)
		ok = false
	}
	if start.Before(from) || !cal.NextWorkingMoment(start).Equal(start) {
		fail("NextWorkingMoment %v is before from or not a working moment", start)
	}
	if d == 0 {
		return ok
	}
	if to.Before(start) {
		fail("result %v before the clock start %v", to, start)
	}
	if got := cal.WorkingTimeBetween(from, to); got != d {
		fail("WorkingTimeBetween(from, result %v) = %v", to, got)
	}
	if got := cal.SubtractWorkingTime(to, d); !got.Equal(start) {
		fail("SubtractWorkingTime(%v) = %v, want %v", to, got, start)
	}
	if more := cal.AddWorkingTime(from, d+time.Minute); !more.After(to) {
		fail("adding a minute more gives %v, not after %v", more, to)
	}
	if end := cal.EndOfWorkingDay(to); end.Before(to) {
		fail("EndOfWorkingDay %v before %v", end, to)
	}
	return ok
}

// fuzzCalendar is the default hours with 2024 loaded.
func fuzzCalendar(tb testing.TB) *domain.Calendar { return MustCalendar2024(tb) }

// fuzzTime turns any int64 into a time, keeping sane values as they are.
func fuzzTime(unix int64) time.Time { return time.Unix(unix, 0).In(domain.Location) }

func FuzzAddWorkingTime(f *testing.F) {
	f.Add(int64(1705287600), int64(24*time.Hour)) // Monday 2024-01-15 10:00, 3 days
	f.Add(int64(1707274800), int64(24*time.Hour)) // across Tết 2024
	f.Add(int64(1705759200), int64(time.Hour))    // Saturday night
	f.Add(int64(0), int64(-1))                    // 1970, negative
	f.Add(int64(-62135596800), int64(1<<63-1))    // year 1, the longest duration
	f.Add(int64(1<<62), int64(-1<<63))            // far future, the shortest duration
	cal := fuzzCalendar(f)
	sane := func(t time.Time) bool { return t.Year() >= 1971 && t.Year() <= 2100 }
	f.Fuzz(func(t *testing.T, unix int64, nanos int64) {
		from := fuzzTime(unix)
		d := time.Duration(nanos)
		// Nothing may panic or run for long, whatever the input.
		to := cal.AddWorkingTime(from, d)
		_ = cal.SubtractWorkingTime(from, d)
		_ = cal.WorkingTimeBetween(from, to)
		_ = cal.EndOfWorkingDay(from)
		next := cal.NextWorkingMoment(from)
		if !sane(from) {
			return
		}
		if next.Before(from) {
			t.Fatalf("NextWorkingMoment(%v) = %v", from, next)
		}
		if d < 0 {
			if to.After(from) {
				t.Fatalf("AddWorkingTime(%v, %v) = %v, after from", from, d, to)
			}
			return
		}
		if d > 10*365*8*time.Hour { // beyond any accepted limit: only monotony is promised
			if to.Before(next) {
				t.Fatalf("AddWorkingTime(%v, %v) = %v, before %v", from, d, to, next)
			}
			return
		}
		if !calCheckAdd(t, cal, from, d) {
			t.FailNow()
		}
	})
}

func FuzzParseWorkHours(f *testing.F) {
	for _, s := range []string{"07:00-11:00,13:00-17:00", "00:00-24:00", "7:30-11:30, 13:00-16:30", "", "24:00-24:00", "11:00-07:00", "07:00-11:00,10:00-12:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := domain.ParseWorkHours(s)
		if err != nil {
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if len(h) == 0 || h.PerDay() <= 0 || h.PerDay() > 24*time.Hour {
			t.Fatalf("%q: hours %v, per day %v", s, h, h.PerDay())
		}
		for i, sp := range h {
			if sp.Start < 0 || sp.End > 1440 || sp.End <= sp.Start || (i > 0 && sp.Start < h[i-1].End) {
				t.Fatalf("%q: bad span %d %v", s, i, sp)
			}
		}
		again, err := domain.ParseWorkHours(h.String())
		if err != nil || again.String() != h.String() {
			t.Fatalf("%q: String %q parses to %v, %v", s, h.String(), again, err)
		}
		if got := domain.NewCalendar(h, nil).WorkHours().String(); got != h.String() {
			t.Fatalf("%q: the calendar uses %q", s, got)
		}
	})
}

func FuzzComputeDeadline(f *testing.F) {
	f.Add(int64(1705287600), 3, 0, false, []byte{2, 0, 30, 3, 0, 200})
	f.Add(int64(1705759800), 0, 0, true, []byte{0, 1, 0, 1, 10, 0})
	f.Add(int64(1707274800), 0, 4, false, []byte{})
	f.Add(int64(-1), -5, 1<<40, false, []byte{0, 255, 255, 1, 255, 255, 4, 0, 0})
	cal := fuzzCalendar(f)
	kinds := []domain.ClockKind{domain.ClockSupplementRequested, domain.ClockSupplementReceived, domain.ClockPaused, domain.ClockResumed, "bogus"}
	f.Fuzz(func(t *testing.T, unix int64, days, hours int, pause bool, data []byte) {
		received := fuzzTime(unix)
		var events []domain.ClockEvent
		at := received
		for i := 0; i+2 < len(data) && len(events) < 32; i += 3 {
			at = at.Add(time.Duration(int16(uint16(data[i+1])<<8|uint16(data[i+2]))) * 10 * time.Minute)
			events = append(events, domain.ClockEvent{At: at, Kind: kinds[int(data[i])%len(kinds)]})
		}
		mode := domain.SupplementRestart
		if pause {
			mode = domain.SupplementPause
		}
		limit := domain.TimeLimit{Days: days, Hours: hours}
		dl := domain.ComputeDeadline(cal, received, limit, events, mode)
		if _, err := json.Marshal(dl); err != nil {
			t.Fatal(err)
		}
		if received.Year() < 1971 || received.Year() > 2100 {
			return
		}
		if dl.Due.Before(dl.ClockStart) || dl.ClockStart.Before(received) || dl.Remaining < 0 {
			t.Fatalf("received %v: start %v due %v remaining %v", received, dl.ClockStart, dl.Due, dl.Remaining)
		}
	})
}
