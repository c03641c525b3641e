package calendars

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"motcua/domain"
)

func TestYears(t *testing.T) {
	years, err := Years()
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, y := range years {
		got = append(got, y.Year)
		if !strings.Contains(y.Source, "Bộ luật Lao động") {
			t.Errorf("%d: source %q does not name the Labour Code", y.Year, y.Source)
		}
	}
	if want := []int{2024, 2025}; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got years %v, want %v", got, want)
	}
}

// TestYears_FixedHolidays checks that every fixed-date holiday of the Labour Code 2019
// art. 112 (1/1, 30/4, 1/5, 2/9) that falls on a weekday is a day off in each shipped year.
func TestYears_FixedHolidays(t *testing.T) {
	years, err := Years()
	if err != nil {
		t.Fatal(err)
	}
	c := domain.NewCalendar(nil, years)
	for _, y := range years {
		for _, md := range []struct {
			m time.Month
			d int
		}{{1, 1}, {4, 30}, {5, 1}, {9, 2}} {
			d := domain.Date{Year: y.Year, Month: md.m, Day: md.d}
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && c.IsWorkday(d) {
				t.Errorf("%s is a working day", d)
			}
		}
		// Art. 112 gives 11 days off a year; a day falling on a weekend is made up on a
		// weekday, and each make-up Saturday stands for one more weekday off.
		if n, want := len(y.Holidays), 11+len(y.ExtraWorkdays); n != want {
			t.Errorf("%d: %d weekday holidays, want %d", y.Year, n, want)
		}
	}
}

func TestYears_KnownDays(t *testing.T) {
	years, err := Years()
	if err != nil {
		t.Fatal(err)
	}
	c := domain.NewCalendar(nil, years)
	tests := []struct {
		day  string
		want bool
	}{
		{"2024-02-07", true}, {"2024-02-08", false}, {"2024-02-14", false}, {"2024-02-15", true},
		{"2024-04-18", false}, {"2024-04-29", false}, {"2024-05-02", true}, {"2024-05-04", true},
		{"2024-09-02", false}, {"2024-09-03", false}, {"2024-09-04", true},
		{"2025-01-24", true}, {"2025-01-27", false}, {"2025-01-31", false}, {"2025-02-03", true},
		{"2025-04-07", false}, {"2025-04-26", true}, {"2025-05-02", false}, {"2025-05-05", true},
		{"2025-09-01", false}, {"2025-09-02", false}, {"2025-09-03", true},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			d, err := domain.ParseDate(tt.day)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.IsWorkday(d); got != tt.want {
				t.Errorf("IsWorkday: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoad_Invalid(t *testing.T) {
	tests := []struct {
		name, file, body, wantIn string
	}{
		{"not JSON", "2024.json", `{`, "2024.json"},
		{"unknown field", "2024.json", `{"year":2024,"source":"x","holidays":[],"extra_workdays":[],"note":""}`, "unknown field"},
		{"bad date", "2024.json", `{"year":2024,"source":"x","holidays":["2024-02-30"],"extra_workdays":[]}`, "not a date"},
		{"name and year differ", "2024.json", `{"year":2025,"source":"x","holidays":[],"extra_workdays":[]}`, "holds year 2025"},
		{"no source", "2024.json", `{"year":2024,"holidays":[],"extra_workdays":[]}`, "names no source"},
		{"fails Validate", "2024.json", `{"year":2024,"source":"x","holidays":[],"extra_workdays":["2024-05-06"]}`, "extra_workdays[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(fstest.MapFS{tt.file: {Data: []byte(tt.body)}})
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("got %v, want an error saying %q", err, tt.wantIn)
			}
		})
	}
}

func TestLoad_Sorted(t *testing.T) {
	fsys := fstest.MapFS{
		"2031.json": {Data: []byte(`{"year":2031,"source":"x","holidays":[],"extra_workdays":[]}`)},
		"2030.json": {Data: []byte(`{"year":2030,"source":"x","holidays":[],"extra_workdays":[]}`)},
	}
	years, err := load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(years) != 2 || years[0].Year != 2030 || years[1].Year != 2031 {
		t.Errorf("got %+v", years)
	}
}
