package calendars

import (
	"fmt"
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
	if want := []int{2024, 2025, 2026}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got years %v, want %v", got, want)
	}
	for _, y := range years {
		if y.Kind != domain.CalendarAnnounced {
			t.Errorf("%d: kind %q, want announced", y.Year, y.Kind)
		}
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
		{"2026-01-01", false}, {"2026-01-02", true},
		{"2026-02-13", true}, {"2026-02-16", false}, {"2026-02-20", false}, {"2026-02-23", true},
		{"2026-04-27", false}, {"2026-04-28", true}, {"2026-04-30", false}, {"2026-05-01", false},
		{"2026-08-22", true}, {"2026-08-31", false}, {"2026-09-01", false}, {"2026-09-02", false}, {"2026-09-03", true},
		{"2026-11-24", true}, // Ngày Văn hóa Việt Nam: not confirmed as a day off
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
		{"day without notice", "2024.json", `{"year":2024,"source":"x","holidays":[],"extra_workdays":[],"days":[{"date":"2024-03-05","off":true}]}`, "days[0] 2024-03-05: names no notice"},
		{"day neither off nor on", "2024.json", `{"year":2024,"source":"x","holidays":[],"extra_workdays":[],"days":[{"date":"2024-03-05","notice":"n"}]}`, "days[0]"},
		{"day listed twice", "2024.json", `{"year":2024,"source":"x","holidays":["2024-03-05"],"extra_workdays":[],"days":[{"date":"2024-03-05","off":true,"notice":"n"}]}`, "listed twice"},
		{"day of another year", "2024.json", `{"year":2024,"source":"x","holidays":[],"extra_workdays":[],"days":[{"date":"2025-03-05","off":true,"notice":"n"}]}`, "not in 2024"},
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

// TestLoad_Days: a file's days count as holidays or compensatory working days, except the
// unconfirmed ones; taking away the mark is all it takes to count one.
func TestLoad_Days(t *testing.T) {
	body := `{"year":2026,"source":"x","holidays":["2026-01-01"],"extra_workdays":[],"days":[
		{"date":"2026-08-22","off":false,"notice":"a"},
		{"date":"2026-08-31","off":true,"notice":"b"},
		{"date":"2026-11-24","off":true,"unconfirmed":true,"notice":"c"}]}`
	years, err := load(fstest.MapFS{"2026.json": {Data: []byte(body)}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(years[0].Holidays, years[0].ExtraWorkdays); got != "[2026-01-01 2026-08-31] [2026-08-22]" {
		t.Errorf("got %s", got)
	}
	confirmed := strings.Replace(body, `"unconfirmed":true,`, "", 1)
	years, err = load(fstest.MapFS{"2026.json": {Data: []byte(confirmed)}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(years[0].Holidays); got != "[2026-01-01 2026-08-31 2026-11-24]" {
		t.Errorf("confirmed: got %s", got)
	}
}

// TestYears_AgainstStatute compares each announced year with what the Labour Code alone gives
// (domain.StatutoryYear). What differs is listed here, year by year, as the announced swaps:
// days off the announcement adds (usually a day bridging to a weekend, made up on a
// Saturday), statutory days off it moves, and its compensatory working days.
func TestYears_AgainstStatute(t *testing.T) {
	swaps := map[int]struct{ added, moved, worked string }{
		// Thông báo 5015/TB-LĐTBXH: Tết 8–14/2 takes Thursday 8/2 (29 tháng Chạp) instead of
		// Thursday 15/2 (the second day in lieu of the weekend of mùng 1 and 2); Công văn
		// 2450/VPCP-KGVX: Monday 29/4 off, made up on Saturday 4/5.
		2024: {added: "[2024-02-08 2024-04-29]", moved: "[2024-02-15]", worked: "[2024-05-04]"},
		// Công văn 8726/VPCP-KGVX: Tết 25/1–2/2 takes Monday 27/1 (28 tháng Chạp) instead of
		// Monday 3/2 (in lieu of mùng 4 on Saturday 1/2); Friday 2/5 off, made up on Saturday 26/4.
		2025: {added: "[2025-01-27 2025-05-02]", moved: "[2025-02-03]", worked: "[2025-04-26]"},
		// The Ministry of Home Affairs' plan: Monday 31/8 off, made up on Saturday 22/8.
		2026: {added: "[2026-08-31]", moved: "[]", worked: "[2026-08-22]"},
	}
	years, err := Years()
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range years {
		want, ok := swaps[y.Year]
		if !ok {
			t.Errorf("%d: no swaps listed; list what the announcement changes from the statute", y.Year)
			continue
		}
		stat := domain.StatutoryYear(y.Year)
		announced := domain.NewCalendar(nil, []domain.CalendarYear{y})
		law := domain.NewCalendar(nil, []domain.CalendarYear{stat})
		var added, moved, worked []domain.Date
		for _, d := range domain.ChangedDays(announced, law, y.Year) {
			switch wd := d.Weekday(); {
			case announced.IsWorkday(d) && (wd == time.Saturday || wd == time.Sunday):
				worked = append(worked, d)
			case announced.IsWorkday(d):
				moved = append(moved, d)
			default:
				added = append(added, d)
			}
		}
		if got := fmt.Sprint(added); got != want.added {
			t.Errorf("%d: days off added %s, want %s", y.Year, got, want.added)
		}
		if got := fmt.Sprint(moved); got != want.moved {
			t.Errorf("%d: statutory days off moved %s, want %s", y.Year, got, want.moved)
		}
		if got := fmt.Sprint(worked); got != want.worked {
			t.Errorf("%d: compensatory working days %s, want %s", y.Year, got, want.worked)
		}
		// A swap keeps the count: one more day off for each Saturday worked or day moved.
		if len(added) != len(moved)+len(worked) {
			t.Errorf("%d: %d days added for %d moved and %d worked", y.Year, len(added), len(moved), len(worked))
		}
	}
}
