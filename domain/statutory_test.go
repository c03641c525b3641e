package domain_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"motcua/domain"
)

func mustDates(tb testing.TB, ss ...string) []domain.Date {
	tb.Helper()
	out := make([]domain.Date, len(ss))
	for i, s := range ss {
		d, err := domain.ParseDate(s)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = d
	}
	return out
}

func TestStatutoryYear(t *testing.T) {
	t.Parallel()
	tests := []struct {
		year int
		want []string
	}{
		// Tết Đinh Mùi: mùng 1 Saturday 6/2/2027; Friday 5/2 (the last day of Bính Ngọ), Monday
		// 8/2 and Tuesday 9/2 off, Saturday 6/2 and Sunday 7/2 made up on Wednesday 10/2 and
		// Thursday 11/2. 10/3 lunar Friday 16/4; 30/4 Friday; 1/5 Saturday → Monday 3/5; 1/9
		// Wednesday and 2/9 Thursday.
		{2027, []string{"2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11",
			"2027-04-16", "2027-04-30", "2027-05-03", "2027-09-01", "2027-09-02"}},
		// 1/1 Saturday → Monday 3/1; Tết mùng 1 Wednesday 26/1 (25/1 to 29/1, 29 Saturday → 31/1);
		// 10/3 Tuesday 4/4; 30/4 Sunday → Tuesday 2/5 (1/5 is the Monday); 1/9 Friday, 2/9
		// Saturday → Monday 4/9.
		{2028, []string{"2028-01-03", "2028-01-25", "2028-01-26", "2028-01-27", "2028-01-28", "2028-01-31",
			"2028-04-04", "2028-05-01", "2028-05-02", "2028-09-01", "2028-09-04"}},
		// As the law alone gives 2026: the announced year adds only the National Day swap.
		{2026, []string{"2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
			"2026-04-27", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			y := domain.StatutoryYear(tt.year)
			if got, want := fmt.Sprint(y.Holidays), fmt.Sprint(mustDates(t, tt.want...)); got != want {
				t.Errorf("holidays:\n got %s\nwant %s", got, want)
			}
			if len(y.ExtraWorkdays) != 0 || y.Kind != domain.CalendarStatutory || !y.Kind.Provisional() {
				t.Errorf("extra workdays %v, kind %q", y.ExtraWorkdays, y.Kind)
			}
			if !strings.Contains(y.Source, "điều 112") {
				t.Errorf("source %q does not name art. 112", y.Source)
			}
			if err := y.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestStatutoryYear_EveryYear: every year of 2000–2100 has the 11 days of art. 112.1, each a
// weekday of the year, none twice, and each day of art. 112.1 is off.
func TestStatutoryYear_EveryYear(t *testing.T) {
	t.Parallel()
	for year := domain.MinCalendarYear; year <= domain.MaxCalendarYear; year++ {
		y := domain.StatutoryYear(year)
		if len(y.Holidays) != 11 {
			t.Errorf("%d: %d days off, want 11: %v", year, len(y.Holidays), y.Holidays)
		}
		if err := y.Validate(); err != nil {
			t.Errorf("%d: %v", year, err)
		}
		c := domain.NewCalendar(nil, []domain.CalendarYear{y})
		for _, d := range y.Holidays {
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Errorf("%d: %s is a %s", year, d, wd)
			}
		}
		for _, h := range domain.StatutoryHolidays(year) {
			if c.IsWorkday(h.Date) {
				t.Errorf("%d: %s (%s) is a working day", year, h.Date, h.Name)
			}
		}
	}
}

// TestStatutoryCalendar: a year not loaded counts with the law's days off and says so; a
// loaded year counts as loaded, even with fewer days off.
func TestStatutoryCalendar(t *testing.T) {
	t.Parallel()
	loaded := domain.CalendarYear{Year: 2026, Holidays: mustDates(t, "2026-01-01"), Kind: domain.CalendarAnnounced}
	c := domain.NewStatutoryCalendar(nil, []domain.CalendarYear{loaded})
	plain := domain.NewCalendar(nil, []domain.CalendarYear{loaded})
	tests := []struct {
		day         string
		want, plain bool
	}{
		{"2026-02-17", true, true}, // 2026 is loaded without Tết
		{"2026-01-01", false, false},
		{"2027-02-05", false, true}, {"2027-02-11", false, true}, {"2027-02-12", true, true},
		{"2027-05-03", false, true}, {"2027-05-04", true, true},
		{"2093-09-02", false, true}, // a far year, computed when first asked
	}
	for _, tt := range tests {
		d := mustDates(t, tt.day)[0]
		if got := c.IsWorkday(d); got != tt.want {
			t.Errorf("statutory IsWorkday(%s) = %v, want %v", d, got, tt.want)
		}
		if got := plain.IsWorkday(d); got != tt.plain {
			t.Errorf("plain IsWorkday(%s) = %v, want %v", d, got, tt.plain)
		}
	}
	for year, want := range map[int]domain.CalendarKind{2026: domain.CalendarAnnounced, 2027: domain.CalendarStatutory} {
		if got := c.YearKind(year); got != want {
			t.Errorf("YearKind(%d) = %q, want %q", year, got, want)
		}
	}
	if got := plain.YearKind(2027); got != "" {
		t.Errorf("plain YearKind(2027) = %q, want none", got)
	}
	if got := domain.NewCalendar(nil, []domain.CalendarYear{{Year: 2024}}).YearKind(2024); got != domain.CalendarCustom {
		t.Errorf("a year of no kind: %q, want custom", got)
	}
}

// TestComputeDeadline_YearSources: the explanation names the calendar of every year a
// deadline counts through.
func TestComputeDeadline_YearSources(t *testing.T) {
	t.Parallel()
	y2026 := domain.CalendarYear{Year: 2026, Holidays: mustDates(t, "2026-12-31"), Kind: domain.CalendarAnnounced}
	c := domain.NewStatutoryCalendar(nil, []domain.CalendarYear{y2026})
	received := time.Date(2026, 12, 30, 10, 0, 0, 0, domain.Location)
	dl := domain.ComputeDeadline(c, received, domain.TimeLimit{Days: 3}, nil, "")
	// Wednesday 30/12 10:00 + 3 days: Thursday 31/12 off (announced), Friday 1/1 off (statutory),
	// so Monday 4/1, Tuesday 5/1 and Wednesday 6/1 10:00.
	if want := time.Date(2027, 1, 6, 10, 0, 0, 0, domain.Location); !dl.Due.Equal(want) {
		t.Errorf("due %s, want %s", dl.Due, want)
	}
	if got, want := fmt.Sprint(dl.CalendarYears), "[{2026 announced false} {2027 statutory true}]"; got != want {
		t.Errorf("calendar years %s, want %s", got, want)
	}
	steps := strings.Join(dl.Steps, "\n")
	for _, want := range []string{"Năm 2026: tính theo lịch nghỉ lễ, Tết đã công bố", "Năm 2027: chưa có lịch nghỉ lễ công bố, tạm tính"} {
		if !strings.Contains(steps, want) {
			t.Errorf("steps do not say %q:\n%s", want, steps)
		}
	}
	if len(dl.MissingYears) != 0 {
		t.Errorf("missing years %v", dl.MissingYears)
	}
}
