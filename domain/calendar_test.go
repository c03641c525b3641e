package domain_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/domain"
)

// calDay parses YYYY-MM-DD or fails the test.
func calDay(tb testing.TB, s string) domain.Date {
	tb.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// calTime parses "YYYY-MM-DD HH:MM" in Vietnam or fails the test.
func calTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, domain.Location)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// calYear builds a CalendarYear from date strings.
func calYear(tb testing.TB, year int, holidays, extras []string) domain.CalendarYear {
	tb.Helper()
	y := domain.CalendarYear{Year: year, Holidays: []domain.Date{}, ExtraWorkdays: []domain.Date{}}
	for _, s := range holidays {
		y.Holidays = append(y.Holidays, calDay(tb, s))
	}
	for _, s := range extras {
		y.ExtraWorkdays = append(y.ExtraWorkdays, calDay(tb, s))
	}
	return y
}

// cal2024 is 2024 as shipped in calendars/2024.json (weekday days off only).
func cal2024(tb testing.TB) domain.CalendarYear {
	return calYear(tb, 2024, []string{
		"2024-01-01",
		"2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14",
		"2024-04-18",
		"2024-04-29", "2024-04-30", "2024-05-01",
		"2024-09-02", "2024-09-03",
	}, []string{"2024-05-04"})
}

// MustCalendar2024 returns the default hours with 2024 loaded.
func MustCalendar2024(tb testing.TB) *domain.Calendar {
	tb.Helper()
	y := cal2024(tb)
	if err := y.Validate(); err != nil {
		tb.Fatal(err)
	}
	return domain.NewCalendar(domain.DefaultWorkHours, []domain.CalendarYear{y})
}

// calFields returns the field names of an EINVALID error, or fails.
func calFields(tb testing.TB, err error) []string {
	tb.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.EINVALID {
		tb.Fatalf("got %v, want an EINVALID *domain.Error", err)
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	return fields
}

func TestParseWorkHours(t *testing.T) {
	tests := []struct {
		in   string
		want domain.WorkHours
	}{
		{"07:00-11:00,13:00-17:00", domain.DefaultWorkHours},
		{" 07:30-11:30 , 13:00-16:30 ", domain.WorkHours{{450, 690}, {780, 990}}},
		{"8:00-12:00", domain.WorkHours{{480, 720}}},
		{"00:00-24:00", domain.WorkHours{{0, 1440}}},
		{"07:00-11:00,11:00-12:00", domain.WorkHours{{420, 660}, {660, 720}}}, // touching spans
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := domain.ParseWorkHours(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseWorkHours_Invalid(t *testing.T) {
	tests := []struct{ in, wantIn string }{
		{"", "no working hours"},
		{"   ", "no working hours"},
		{"07:00", "span 1"},
		{"7-11", "span 1"},
		{"07:00-11:00,25:00-26:00", "span 2"},
		{"07:60-08:00", "span 1"},
		{"24:30-24:45", "span 1"},
		{"+7:00-11:00", "span 1"},
		{"07:00-0x:00", "span 1"},
		{"11:00-07:00", "end must be after start"},
		{"07:00-07:00", "end must be after start"},
		{"13:00-17:00,07:00-11:00", "overlaps or precedes"},
		{"07:00-12:00,11:00-17:00", "overlaps or precedes"},
		{"07:00-11:00,", "span 2"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := domain.ParseWorkHours(tt.in)
			if got := calFields(t, err); len(got) != 1 || got[0] != "work_hours" {
				t.Fatalf("fields %v, want [work_hours]", got)
			}
			var e *domain.Error
			errors.As(err, &e)
			if msg := e.Fields[0].Message; !strings.Contains(msg, tt.wantIn) {
				t.Errorf("message %q does not say %q", msg, tt.wantIn)
			}
		})
	}
}

func TestWorkHours_PerDayAndString(t *testing.T) {
	tests := []struct {
		in      string
		perDay  time.Duration
		formats string
	}{
		{"07:00-11:00,13:00-17:00", 8 * time.Hour, "07:00-11:00,13:00-17:00"},
		{"7:30-11:30,13:00-16:30", 7*time.Hour + 30*time.Minute, "07:30-11:30,13:00-16:30"},
		{"00:00-24:00", 24 * time.Hour, "00:00-24:00"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h, err := domain.ParseWorkHours(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := h.PerDay(); got != tt.perDay {
				t.Errorf("PerDay: got %v, want %v", got, tt.perDay)
			}
			if got := h.String(); got != tt.formats {
				t.Errorf("String: got %q, want %q", got, tt.formats)
			}
		})
	}
}

func TestCalendarYear_Validate(t *testing.T) {
	tests := []struct {
		name string
		y    domain.CalendarYear
		want []string
	}{
		{"valid", cal2024(t), nil},
		{"empty year is valid", calYear(t, 2030, nil, nil), nil},
		{"holiday on a weekend allowed", calYear(t, 2024, []string{"2024-02-10"}, nil), nil},
		{"year too early", calYear(t, 1999, nil, nil), []string{"year"}},
		{"year too late", calYear(t, 2101, nil, nil), []string{"year"}},
		{"holiday in another year", calYear(t, 2024, []string{"2024-01-01", "2025-01-01"}, nil), []string{"holidays[1]"}},
		{"zero date", domain.CalendarYear{Year: 2024, Holidays: []domain.Date{{}}}, []string{"holidays[0]"}},
		{"duplicate holiday", calYear(t, 2024, []string{"2024-01-01", "2024-04-18", "2024-01-01"}, nil), []string{"holidays[2]"}},
		{"extra workday in another year", calYear(t, 2024, nil, []string{"2023-12-30"}), []string{"extra_workdays[0]"}},
		{"extra workday on a weekday", calYear(t, 2024, nil, []string{"2024-05-04", "2024-05-06"}), []string{"extra_workdays[1]"}},
		{"duplicate extra workday", calYear(t, 2024, nil, []string{"2024-05-04", "2024-05-04"}), []string{"extra_workdays[1]"}},
		{"both holiday and extra workday", calYear(t, 2024, []string{"2024-02-10"}, []string{"2024-02-10"}), []string{"extra_workdays[0]"}},
		{"every problem listed", calYear(t, 1999, []string{"2024-01-01"}, []string{"1999-01-04"}), []string{"year", "holidays[0]", "extra_workdays[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.y.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			if got := calFields(t, err); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got fields %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCalendar_IsWorkday(t *testing.T) {
	c := MustCalendar2024(t)
	tests := []struct {
		day  string
		want bool
	}{
		{"2024-01-02", true},  // Tuesday
		{"2024-01-01", false}, // New Year
		{"2024-01-06", false}, // Saturday
		{"2024-01-07", false}, // Sunday
		{"2024-02-08", false}, // Tết
		{"2024-02-15", true},  // back after Tết
		{"2024-04-29", false}, // swapped Monday
		{"2024-05-04", true},  // make-up Saturday
		{"2024-05-05", false}, // Sunday after
		{"2025-01-01", true},  // 2025 not loaded: weekends only
		{"2025-01-04", false}, // a Saturday of a missing year
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			if got := c.IsWorkday(calDay(t, tt.day)); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if !c.HasYear(2024) || c.HasYear(2025) {
		t.Errorf("HasYear: got 2024=%v 2025=%v, want true false", c.HasYear(2024), c.HasYear(2025))
	}
}

func TestNewCalendar(t *testing.T) {
	t.Run("invalid hours fall back to the default", func(t *testing.T) {
		for _, h := range []domain.WorkHours{nil, {}, {{600, 500}}, {{-5, 10}}, {{0, 2000}}, {{780, 1020}, {420, 660}}} {
			if got := domain.NewCalendar(h, nil).WorkHours(); got.String() != domain.DefaultWorkHours.String() {
				t.Errorf("%v: got %v, want the default", h, got)
			}
		}
	})
	t.Run("later entry for a year wins", func(t *testing.T) {
		c := domain.NewCalendar(nil, []domain.CalendarYear{
			calYear(t, 2024, []string{"2024-03-11"}, nil),
			calYear(t, 2024, []string{"2024-03-12"}, nil),
		})
		if !c.IsWorkday(calDay(t, "2024-03-11")) || c.IsWorkday(calDay(t, "2024-03-12")) {
			t.Error("the first 2024 entry was not replaced")
		}
	})
	t.Run("dates outside their year are ignored", func(t *testing.T) {
		c := domain.NewCalendar(nil, []domain.CalendarYear{calYear(t, 2024, []string{"2025-03-11"}, nil)})
		if !c.IsWorkday(calDay(t, "2025-03-11")) {
			t.Error("a 2025 date listed under 2024 was used")
		}
	})
	t.Run("input not shared", func(t *testing.T) {
		h := domain.WorkHours{{420, 660}, {780, 1020}}
		y := cal2024(t)
		c := domain.NewCalendar(h, []domain.CalendarYear{y})
		h[0].Start = 0
		y.Holidays[0] = calDay(t, "2024-03-11")
		if c.WorkHours()[0].Start != 420 || c.IsWorkday(calDay(t, "2024-01-01")) || !c.IsWorkday(calDay(t, "2024-03-11")) {
			t.Error("the calendar changed when its inputs did")
		}
		c.WorkHours()[0].Start = 1
		if c.WorkHours()[0].Start != 420 {
			t.Error("WorkHours exposes the calendar's own slice")
		}
	})
	t.Run("nil calendar is the default one", func(t *testing.T) {
		var c *domain.Calendar
		from := calTime(t, "2024-01-15 10:00")
		if got, want := c.AddWorkingTime(from, 24*time.Hour), calTime(t, "2024-01-18 10:00"); !got.Equal(want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if got, want := (&domain.Calendar{}).EndOfWorkingDay(from), calTime(t, "2024-01-15 17:00"); !got.Equal(want) {
			t.Errorf("zero Calendar: got %v, want %v", got, want)
		}
	})
}

func TestCalendar_NextWorkingMoment(t *testing.T) {
	c := MustCalendar2024(t)
	tests := []struct{ name, at, want string }{
		{"inside the morning", "2024-01-15 09:12", "2024-01-15 09:12"},
		{"at opening", "2024-01-15 07:00", "2024-01-15 07:00"},
		{"before opening", "2024-01-15 05:30", "2024-01-15 07:00"},
		{"at lunch", "2024-01-15 12:15", "2024-01-15 13:00"},
		{"at the end of the morning", "2024-01-15 11:00", "2024-01-15 13:00"},
		{"at closing", "2024-01-15 17:00", "2024-01-16 07:00"},
		{"evening", "2024-01-15 21:00", "2024-01-16 07:00"},
		{"Friday evening", "2024-01-19 18:00", "2024-01-22 07:00"},
		{"Saturday night online", "2024-01-20 23:40", "2024-01-22 07:00"},
		{"New Year's Eve", "2023-12-31 20:00", "2024-01-02 07:00"},
		{"Tết", "2024-02-07 17:30", "2024-02-15 07:00"},
		{"before the make-up Saturday", "2024-05-03 18:00", "2024-05-04 07:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.NextWorkingMoment(calTime(t, tt.at))
			if want := calTime(t, tt.want); !got.Equal(want) || got.Location() != domain.Location {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	t.Run("keeps seconds inside working hours", func(t *testing.T) {
		at := calTime(t, "2024-01-15 09:12").Add(1500 * time.Millisecond)
		if got := c.NextWorkingMoment(at.UTC()); !got.Equal(at) {
			t.Errorf("got %v, want %v", got, at)
		}
	})
}

func TestCalendar_AddWorkingTime(t *testing.T) {
	c := MustCalendar2024(t)
	tests := []struct {
		name string
		from string
		d    time.Duration
		want string
	}{
		{"3 days from Monday 10:00", "2024-01-15 10:00", 24 * time.Hour, "2024-01-18 10:00"},
		{"lands on the end of the morning", "2024-01-15 10:00", time.Hour, "2024-01-15 11:00"},
		{"lands on closing", "2024-01-15 16:00", time.Hour, "2024-01-15 17:00"},
		{"one minute past closing", "2024-01-15 16:00", time.Hour + time.Minute, "2024-01-16 07:01"},
		{"over lunch", "2024-01-15 10:30", time.Hour, "2024-01-15 13:30"},
		{"from lunch", "2024-01-15 12:00", 2 * time.Hour, "2024-01-15 15:00"},
		{"from Saturday", "2024-01-20 22:00", 8 * time.Hour, "2024-01-22 17:00"},
		{"over a weekend", "2024-01-19 15:00", 4 * time.Hour, "2024-01-22 09:00"},
		{"across Tết", "2024-02-07 10:00", 24 * time.Hour, "2024-02-19 10:00"},
		{"across 30/4 onto the make-up Saturday", "2024-04-26 10:00", 24 * time.Hour, "2024-05-04 10:00"},
		{"into a year not loaded", "2024-12-31 10:00", 16 * time.Hour, "2025-01-02 10:00"},
		{"zero", "2024-01-20 22:00", 0, "2024-01-20 22:00"},
		{"negative subtracts", "2024-01-18 10:00", -24 * time.Hour, "2024-01-15 10:00"},
		{"fraction of a minute", "2024-01-15 10:59", 90 * time.Second, "2024-01-15 13:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddWorkingTime(calTime(t, tt.from), tt.d)
			want := calTime(t, tt.want)
			if tt.name == "fraction of a minute" {
				want = want.Add(30 * time.Second)
			}
			if !got.Equal(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestCalendar_SubtractWorkingTime(t *testing.T) {
	c := MustCalendar2024(t)
	tests := []struct {
		name string
		to   string
		d    time.Duration
		want string
	}{
		{"3 days back", "2024-01-18 10:00", 24 * time.Hour, "2024-01-15 10:00"},
		{"lands on opening", "2024-01-18 17:00", 8 * time.Hour, "2024-01-18 07:00"},
		{"lands on the start of the afternoon", "2024-01-18 15:00", 2 * time.Hour, "2024-01-18 13:00"},
		{"over lunch", "2024-01-18 13:30", time.Hour, "2024-01-18 10:30"},
		{"from an evening", "2024-01-18 20:00", time.Hour, "2024-01-18 16:00"},
		{"over a weekend", "2024-01-22 09:00", 4 * time.Hour, "2024-01-19 15:00"},
		{"back across Tết", "2024-02-15 10:00", 8 * time.Hour, "2024-02-07 10:00"},
		{"back across the make-up Saturday", "2024-05-06 10:00", 8 * time.Hour, "2024-05-04 10:00"},
		{"zero", "2024-01-20 22:00", 0, "2024-01-20 22:00"},
		{"negative adds", "2024-01-15 10:00", -24 * time.Hour, "2024-01-18 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := c.SubtractWorkingTime(calTime(t, tt.to), tt.d), calTime(t, tt.want); !got.Equal(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestCalendar_WorkingTimeBetween(t *testing.T) {
	c := MustCalendar2024(t)
	tests := []struct {
		name string
		a, b string
		want time.Duration
	}{
		{"same moment", "2024-01-15 10:00", "2024-01-15 10:00", 0},
		{"within the morning", "2024-01-15 08:00", "2024-01-15 10:30", 150 * time.Minute},
		{"over lunch", "2024-01-15 10:00", "2024-01-15 14:00", 2 * time.Hour},
		{"a whole day", "2024-01-15 00:00", "2024-01-16 00:00", 8 * time.Hour},
		{"a week", "2024-01-15 00:00", "2024-01-22 00:00", 40 * time.Hour},
		{"Tết week", "2024-02-05 00:00", "2024-02-19 00:00", 40 * time.Hour},
		{"30/4 week with make-up Saturday", "2024-04-29 00:00", "2024-05-06 00:00", 24 * time.Hour},
		{"Saturday to Sunday", "2024-01-20 08:00", "2024-01-21 16:00", 0},
		{"reversed is negative", "2024-01-15 14:00", "2024-01-15 10:00", -2 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.WorkingTimeBetween(calTime(t, tt.a), calTime(t, tt.b)); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCalendar_EndOfWorkingDay(t *testing.T) {
	c := MustCalendar2024(t)
	tests := []struct{ name, at, want string }{
		{"morning", "2024-01-15 08:00", "2024-01-15 17:00"},
		{"before opening", "2024-01-15 06:00", "2024-01-15 17:00"},
		{"at closing", "2024-01-15 17:00", "2024-01-15 17:00"},
		{"after closing", "2024-01-15 17:01", "2024-01-16 17:00"},
		{"Saturday", "2024-01-20 10:00", "2024-01-22 17:00"},
		{"holiday", "2024-01-01 10:00", "2024-01-02 17:00"},
		{"make-up Saturday", "2024-05-04 10:00", "2024-05-04 17:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := c.EndOfWorkingDay(calTime(t, tt.at)), calTime(t, tt.want); !got.Equal(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestCalendar_OtherWorkHours(t *testing.T) {
	h, err := domain.ParseWorkHours("07:30-11:30,13:00-16:30")
	if err != nil {
		t.Fatal(err)
	}
	c := domain.NewCalendar(h, nil)
	from := calTime(t, "2024-01-15 10:00")
	// 7.5 h a day: Monday 10:00 → 1.5 + 3.5 = 5 h, Tuesday 7.5 h, Wednesday 7.5 h, Thursday 2.5 h.
	if got, want := c.AddWorkingTime(from, 3*h.PerDay()), calTime(t, "2024-01-18 10:00"); !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got, want := c.EndOfWorkingDay(from), calTime(t, "2024-01-15 16:30"); !got.Equal(want) {
		t.Errorf("EndOfWorkingDay: got %v, want %v", got, want)
	}
}

func TestCalendar_Concurrent(t *testing.T) {
	c := MustCalendar2024(t)
	from := calTime(t, "2024-02-07 10:00")
	want := c.AddWorkingTime(from, 24*time.Hour)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				if got := c.AddWorkingTime(from, 24*time.Hour); !got.Equal(want) {
					t.Errorf("got %v, want %v", got, want)
					return
				}
				_ = domain.ComputeDeadline(c, from, domain.TimeLimit{Days: 3}, nil, domain.SupplementRestart)
			}
		}()
	}
	wg.Wait()
}

func TestCalendar_Bounded(t *testing.T) {
	// Every day of 2000..2100 off: the walk must stop, not loop, and not panic.
	var years []domain.CalendarYear
	for y := 2000; y <= 2100; y++ {
		cy := domain.CalendarYear{Year: y}
		for d := (domain.Date{Year: y, Month: 1, Day: 1}); d.Year == y; d = d.AddDays(1) {
			cy.Holidays = append(cy.Holidays, d)
		}
		years = append(years, cy)
	}
	c := domain.NewCalendar(nil, years)
	from := calTime(t, "2024-01-15 10:00")
	start := time.Now()
	got := c.AddWorkingTime(from, time.Hour)
	_ = c.NextWorkingMoment(from)
	_ = c.EndOfWorkingDay(from)
	_ = c.SubtractWorkingTime(from, time.Hour)
	_ = domain.ComputeDeadline(c, from, domain.TimeLimit{Days: 3}, nil, "")
	if got.Before(from) {
		t.Errorf("got %v, before %v", got, from)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v", el)
	}
	// The longest accepted limit still ends.
	far := domain.NewCalendar(nil, nil).AddWorkingTime(from, domain.TimeLimit{Days: domain.MaxLimitDays}.Duration(domain.DefaultWorkHours))
	if far.Year() < 2037 || far.Year() > 2040 {
		t.Errorf("3650 working days from 2024 end in %d", far.Year())
	}
}
