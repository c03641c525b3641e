package domain_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"motcua/domain"
)

func mustDate(tb testing.TB, s string) domain.Date {
	tb.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func TestNewPeriod(t *testing.T) {
	tests := []struct {
		kind     domain.PeriodKind
		year     int
		number   int
		cutoff   domain.Cutoff
		from, to string
	}{
		// calendar
		{"month", 2024, 1, "calendar", "2024-01-01", "2024-01-31"},
		{"month", 2024, 2, "calendar", "2024-02-01", "2024-02-29"}, // leap year
		{"month", 2023, 2, "calendar", "2023-02-01", "2023-02-28"},
		{"month", 2100, 2, "calendar", "2100-02-01", "2100-02-28"}, // not a leap year
		{"month", 2000, 2, "calendar", "2000-02-01", "2000-02-29"}, // leap year
		{"month", 2024, 4, "calendar", "2024-04-01", "2024-04-30"},
		{"month", 2024, 12, "calendar", "2024-12-01", "2024-12-31"},
		{"quarter", 2024, 1, "calendar", "2024-01-01", "2024-03-31"},
		{"quarter", 2024, 2, "calendar", "2024-04-01", "2024-06-30"},
		{"quarter", 2024, 3, "calendar", "2024-07-01", "2024-09-30"},
		{"quarter", 2024, 4, "calendar", "2024-10-01", "2024-12-31"},
		{"half", 2024, 0, "calendar", "2024-01-01", "2024-06-30"},
		{"half", 2024, 1, "calendar", "2024-01-01", "2024-06-30"},
		{"half", 2024, 2, "calendar", "2024-07-01", "2024-12-31"},
		{"nine_months", 2024, 0, "calendar", "2024-01-01", "2024-09-30"},
		{"year", 2024, 0, "calendar", "2024-01-01", "2024-12-31"},
		// decree09
		{"month", 2024, 1, "decree09", "2023-12-15", "2024-01-14"},
		{"month", 2024, 2, "decree09", "2024-01-15", "2024-02-14"},
		{"month", 2024, 3, "decree09", "2024-02-15", "2024-03-14"}, // holds 29 February
		{"month", 2024, 12, "decree09", "2024-11-15", "2024-12-14"},
		{"quarter", 2024, 1, "decree09", "2023-12-15", "2024-03-14"},
		{"quarter", 2024, 2, "decree09", "2024-03-15", "2024-06-14"},
		{"quarter", 2024, 3, "decree09", "2024-06-15", "2024-09-14"},
		{"quarter", 2024, 4, "decree09", "2024-09-15", "2024-12-14"},
		{"half", 2024, 0, "decree09", "2023-12-15", "2024-06-14"},
		{"half", 2024, 1, "decree09", "2023-12-15", "2024-06-14"},
		{"half", 2024, 2, "decree09", "2024-06-15", "2024-12-14"},
		{"nine_months", 2024, 0, "decree09", "2023-12-15", "2024-09-14"},
		{"year", 2024, 0, "decree09", "2023-12-15", "2024-12-14"},
		{"year", 2025, 0, "decree09", "2024-12-15", "2025-12-14"},
	}
	for _, tt := range tests {
		t.Run(domain.Period{Kind: tt.kind, Year: tt.year, Number: tt.number, Cutoff: tt.cutoff}.Key(), func(t *testing.T) {
			p, err := domain.NewPeriod(tt.kind, tt.year, tt.number, tt.cutoff)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := p.From, mustDate(t, tt.from); got != want {
				t.Errorf("From = %s, want %s", got, want)
			}
			if got, want := p.To, mustDate(t, tt.to); got != want {
				t.Errorf("To = %s, want %s", got, want)
			}
			if p.Kind != tt.kind || p.Year != tt.year || p.Cutoff != tt.cutoff {
				t.Errorf("got %+v", p)
			}
		})
	}
}

func TestNewPeriod_LeapYearLength(t *testing.T) {
	tests := []struct {
		kind   domain.PeriodKind
		year   int
		number int
		cutoff domain.Cutoff
		days   int
	}{
		{"year", 2024, 0, "calendar", 366},
		{"year", 2023, 0, "calendar", 365},
		{"year", 2024, 0, "decree09", 366}, // 2023-12-15..2024-12-14 holds 29 February 2024
		{"year", 2025, 0, "decree09", 365},
		{"quarter", 2024, 1, "calendar", 91},
		{"quarter", 2023, 1, "calendar", 90},
		{"quarter", 2024, 1, "decree09", 91},
		{"month", 2024, 3, "decree09", 29},
		{"month", 2023, 3, "decree09", 28},
	}
	for _, tt := range tests {
		p, err := domain.NewPeriod(tt.kind, tt.year, tt.number, tt.cutoff)
		if err != nil {
			t.Fatal(err)
		}
		if got := int(p.To.Start().Sub(p.From.Start()).Hours()/24) + 1; got != tt.days {
			t.Errorf("%s: %d days, want %d", p.Key(), got, tt.days)
		}
	}
}

func TestNewPeriod_Invalid(t *testing.T) {
	tests := []struct {
		name   string
		kind   domain.PeriodKind
		year   int
		number int
		cutoff domain.Cutoff
		fields []string
	}{
		{"unknown kind", "week", 2024, 1, "calendar", []string{"kind"}},
		{"empty kind", "", 2024, 0, "calendar", []string{"kind"}},
		{"unknown cutoff", "year", 2024, 0, "fiscal", []string{"cutoff"}},
		{"empty cutoff", "year", 2024, 0, "", []string{"cutoff"}},
		{"year too small", "year", 1899, 0, "calendar", []string{"period"}},
		{"year too large", "year", 10000, 0, "decree09", []string{"period"}},
		{"month 0", "month", 2024, 0, "calendar", []string{"number"}},
		{"month 13", "month", 2024, 13, "decree09", []string{"number"}},
		{"month negative", "month", 2024, -1, "calendar", []string{"number"}},
		{"quarter 0", "quarter", 2024, 0, "calendar", []string{"number"}},
		{"quarter 5", "quarter", 2024, 5, "calendar", []string{"number"}},
		{"half 3", "half", 2024, 3, "calendar", []string{"number"}},
		{"nine months with number", "nine_months", 2024, 1, "calendar", []string{"number"}},
		{"year with number", "year", 2024, 1, "decree09", []string{"number"}},
		{"several", "quarter", 0, 9, "x", []string{"cutoff", "period", "number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := domain.NewPeriod(tt.kind, tt.year, tt.number, tt.cutoff)
			var e *domain.Error
			if !errors.As(err, &e) || e.Code != domain.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			var got []string
			for _, f := range e.Fields {
				got = append(got, f.Field)
			}
			if len(got) != len(tt.fields) {
				t.Fatalf("fields = %v, want %v", got, tt.fields)
			}
			for i := range got {
				if got[i] != tt.fields[i] {
					t.Fatalf("fields = %v, want %v", got, tt.fields)
				}
			}
		})
	}
}

func TestPeriod_StartEnd(t *testing.T) {
	p, err := domain.NewPeriod(domain.PeriodYear, 2024, 0, domain.CutoffDecree09)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Start(), time.Date(2023, 12, 14, 17, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Start = %s, want %s", got, want)
	}
	if got, want := p.End(), time.Date(2024, 12, 14, 17, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("End = %s, want %s", got, want)
	}
	if got := p.Start().In(domain.Location).Format(time.RFC3339); got != "2023-12-15T00:00:00+07:00" {
		t.Errorf("Start in Vietnam = %s", got)
	}
	if got := p.End().In(domain.Location).Format(time.RFC3339); got != "2024-12-15T00:00:00+07:00" {
		t.Errorf("End in Vietnam = %s", got)
	}

	// A moment late on the last day is inside; midnight after it is not.
	last := time.Date(2024, 12, 14, 23, 59, 59, 0, domain.Location)
	if !last.Before(p.End()) {
		t.Error("the last second of To is outside the period")
	}
	if domain.DateOf(p.End()) != mustDate(t, "2024-12-15") {
		t.Error("End is not the start of the day after To")
	}

	c, err := domain.NewPeriod(domain.PeriodMonth, 2024, 12, domain.CutoffCalendar)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.End().In(domain.Location).Format(time.RFC3339); got != "2025-01-01T00:00:00+07:00" {
		t.Errorf("End of December = %s", got)
	}
}

func TestPeriod_KeyAndJSON(t *testing.T) {
	q, _ := domain.NewPeriod(domain.PeriodQuarter, 2024, 4, domain.CutoffDecree09)
	if got := q.Key(); got != "decree09/quarter/2024/4" {
		t.Errorf("Key = %q", got)
	}
	y, _ := domain.NewPeriod(domain.PeriodYear, 2024, 0, domain.CutoffCalendar)
	if got := y.Key(); got != "calendar/year/2024" {
		t.Errorf("Key = %q", got)
	}
	h, _ := domain.NewPeriod(domain.PeriodHalf, 2024, 0, domain.CutoffCalendar)
	if got := h.Key(); got != "calendar/half/2024/1" {
		t.Errorf("Key = %q", got)
	}

	b, err := json.Marshal(y)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"kind":"year","year":2024,"cutoff":"calendar","from":"2024-01-01","to":"2024-12-31"}`; got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
	b, _ = json.Marshal(q)
	var back domain.Period
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back != q {
		t.Errorf("round trip = %+v, want %+v", back, q)
	}
}

func TestPeriodsEndedBetween(t *testing.T) {
	all := []domain.PeriodKind{"month", "quarter", "half", "nine_months", "year"}
	tests := []struct {
		name        string
		after, upTo string
		cutoffs     []domain.Cutoff
		kinds       []domain.PeriodKind
		want        []string
	}{
		{
			name: "calendar, crossing the year end", after: "2024-12-30", upTo: "2025-01-31",
			cutoffs: []domain.Cutoff{"calendar"}, kinds: all,
			want: []string{"calendar/month/2024/12", "calendar/quarter/2024/4", "calendar/half/2024/2",
				"calendar/year/2024", "calendar/month/2025/1"},
		},
		{
			name: "decree09, crossing the year end", after: "2024-12-01", upTo: "2025-01-20",
			cutoffs: []domain.Cutoff{"decree09"}, kinds: all,
			want: []string{"decree09/month/2024/12", "decree09/quarter/2024/4", "decree09/half/2024/2",
				"decree09/year/2024", "decree09/month/2025/1"},
		},
		{
			name: "both cut-offs over a quarter end", after: "2024-09-13", upTo: "2024-10-01",
			cutoffs: []domain.Cutoff{"decree09", "calendar"}, kinds: all,
			want: []string{"decree09/month/2024/9", "decree09/quarter/2024/3", "decree09/nine_months/2024",
				"calendar/month/2024/9", "calendar/quarter/2024/3", "calendar/nine_months/2024"},
		},
		{
			name: "after is exclusive, upTo inclusive", after: "2024-01-14", upTo: "2024-02-14",
			cutoffs: []domain.Cutoff{"decree09"}, kinds: []domain.PeriodKind{"month"},
			want: []string{"decree09/month/2024/2"},
		},
		{
			name: "nothing when upTo is not after after", after: "2024-03-31", upTo: "2024-03-31",
			cutoffs: []domain.Cutoff{"calendar"}, kinds: all,
		},
		{
			name: "unknown kinds and duplicates", after: "2024-02-28", upTo: "2024-03-31",
			cutoffs: []domain.Cutoff{"calendar", "calendar", "bogus"}, kinds: []domain.PeriodKind{"week", "quarter"},
			want: []string{"calendar/quarter/2024/1"},
		},
		{
			name: "a long catch-up", after: "2022-12-31", upTo: "2024-12-31",
			cutoffs: []domain.Cutoff{"calendar"}, kinds: []domain.PeriodKind{"year"},
			want: []string{"calendar/year/2023", "calendar/year/2024"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := domain.PeriodsEndedBetween(mustDate(t, tt.after), mustDate(t, tt.upTo), tt.cutoffs, tt.kinds)
			var keys []string
			for _, p := range got {
				keys = append(keys, p.Key())
			}
			if len(keys) != len(tt.want) {
				t.Fatalf("got %v, want %v", keys, tt.want)
			}
			for i := range keys {
				if keys[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", keys, tt.want)
				}
			}
		})
	}

	// Every month of a year under both rules: 24 periods, none missed at the boundaries.
	got := domain.PeriodsEndedBetween(mustDate(t, "2023-12-31"), mustDate(t, "2024-12-31"),
		[]domain.Cutoff{"calendar", "decree09"}, []domain.PeriodKind{"month"})
	if len(got) != 24 {
		t.Errorf("got %d monthly periods in 2024, want 24", len(got))
	}
}

func TestPeriod_SoFar(t *testing.T) {
	june, _ := domain.NewPeriod(domain.PeriodMonth, 2024, 6, domain.CutoffCalendar)
	year, _ := domain.NewPeriod(domain.PeriodYear, 2024, 0, domain.CutoffDecree09)
	tests := []struct {
		name   string
		p      domain.Period
		today  string
		wantTo string
	}{
		{"running month", june, "2024-06-03", "2024-06-03"},
		{"first day", june, "2024-06-01", "2024-06-01"},
		{"last day", june, "2024-06-30", "2024-06-30"},
		{"over", june, "2024-07-01", "2024-06-30"},
		{"not begun", june, "2024-05-31", "2024-06-30"},
		{"decree 09 year, begun the year before", year, "2023-12-20", "2023-12-20"},
		{"decree 09 year, over on its 14/12", year, "2024-12-15", "2024-12-14"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.p.SoFar(mustDate(t, tt.today))
			if got.To.String() != tt.wantTo || got.From != tt.p.From || got.Key() != tt.p.Key() {
				t.Errorf("SoFar(%s) = %s..%s (%s), want %s..%s", tt.today, got.From, got.To, got.Key(), tt.p.From, tt.wantTo)
			}
		})
	}
}
