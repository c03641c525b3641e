package domain

import (
	"fmt"
	"sort"
	"time"
)

// PeriodKind is the length of a report period.
type PeriodKind string

// Period kinds.
const (
	PeriodMonth      PeriodKind = "month"
	PeriodQuarter    PeriodKind = "quarter"
	PeriodHalf       PeriodKind = "half"
	PeriodNineMonths PeriodKind = "nine_months"
	PeriodYear       PeriodKind = "year"
)

// Valid reports whether k is a known period kind.
func (k PeriodKind) Valid() bool {
	switch k {
	case PeriodMonth, PeriodQuarter, PeriodHalf, PeriodNineMonths, PeriodYear:
		return true
	}
	return false
}

// Cutoff is the rule that fixes the first and last day of a period.
type Cutoff string

// Cut-off rules: CutoffCalendar runs from the 1st to the last day of the months;
// CutoffDecree09 is Nghị định 09/2019/NĐ-CP art. 12 (the 15th of the month before to the 14th).
const (
	CutoffCalendar Cutoff = "calendar"
	CutoffDecree09 Cutoff = "decree09"
)

// Valid reports whether c is a known cut-off rule.
func (c Cutoff) Valid() bool { return c == CutoffCalendar || c == CutoffDecree09 }

// Years accepted by NewPeriod.
const (
	MinPeriodYear = 1900
	MaxPeriodYear = 9999
)

// periodNumbers is how many periods of a kind a year has, for the kinds that take a number.
var periodNumbers = map[PeriodKind]int{PeriodMonth: 12, PeriodQuarter: 4, PeriodHalf: 2}

// Period is a report period: From and To are inclusive civil dates in Vietnam.
type Period struct {
	Kind   PeriodKind `json:"kind"`
	Year   int        `json:"year"`
	Number int        `json:"number,omitempty"`
	Cutoff Cutoff     `json:"cutoff"`
	From   Date       `json:"from"`
	To     Date       `json:"to"`
}

// NewPeriod returns the period of the given kind, year and number under the cut-off rule.
// number is the month (1–12), quarter (1–4) or half (1–2; 0 means 1); nine months and
// the year take 0. It returns EINVALID naming "kind", "period" (the year), "number" or "cutoff".
func NewPeriod(kind PeriodKind, year, number int, cutoff Cutoff) (Period, error) {
	var problems Problems
	if !kind.Valid() {
		problems.Add("kind", "must be one of month, quarter, half, nine_months, year")
	}
	if !cutoff.Valid() {
		problems.Add("cutoff", "must be calendar or decree09")
	}
	if year < MinPeriodYear || year > MaxPeriodYear {
		problems.Add("period", "year must be between %d and %d", MinPeriodYear, MaxPeriodYear)
	}
	if kind == PeriodHalf && number == 0 {
		number = 1
	}
	count := periodNumbers[kind]
	switch {
	case !kind.Valid():
	case count == 0 && number != 0:
		problems.Add("number", "%s takes no number", kind)
	case count > 0 && (number < 1 || number > count):
		problems.Add("number", "%s number must be between 1 and %d", kind, count)
	}
	if err := problems.Err(); err != nil {
		return Period{}, err
	}

	var first, last int // months of year, 1-12
	switch kind {
	case PeriodMonth:
		first, last = number, number
	case PeriodQuarter:
		first, last = 3*number-2, 3*number
	case PeriodHalf:
		first, last = 6*number-5, 6*number
	case PeriodNineMonths:
		first, last = 1, 9
	case PeriodYear:
		first, last = 1, 12
	}
	p := Period{Kind: kind, Year: year, Number: number, Cutoff: cutoff}
	if cutoff == CutoffCalendar {
		p.From = periodDate(year, time.Month(first), 1)
		p.To = periodDate(year, time.Month(last)+1, 0) // day 0: the last day of month `last`
	} else {
		p.From = periodDate(year, time.Month(first)-1, 15)
		p.To = periodDate(year, time.Month(last), 14)
	}
	return p, nil
}

// periodDate returns the date, carrying out-of-range months and days as time.Date does.
func periodDate(year int, month time.Month, day int) Date {
	t := time.Date(year, month, day, 12, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

// Start returns the first moment of the period: From at 00:00 in Vietnam.
func (p Period) Start() time.Time { return p.From.Start() }

// End returns the moment just after the period: the day after To at 00:00 in Vietnam (exclusive).
func (p Period) End() time.Time { return p.To.AddDays(1).Start() }

// SoFar returns p as it stands on day today: up to and including today when p began but has
// not ended, else p itself. A report of a running period counts what has happened so far;
// judged at the period's future end, a dossier still within its time would count as overdue.
func (p Period) SoFar(today Date) Period {
	if p.To.After(today) && !p.From.After(today) {
		p.To = today
	}
	return p
}

// Key returns a stable identifier such as "decree09/quarter/2024/4" or "calendar/year/2024".
func (p Period) Key() string {
	if p.Number == 0 {
		return fmt.Sprintf("%s/%s/%d", p.Cutoff, p.Kind, p.Year)
	}
	return fmt.Sprintf("%s/%s/%d/%d", p.Cutoff, p.Kind, p.Year, p.Number)
}

// PeriodsEndedBetween returns every period of the given cut-offs and kinds whose last day
// lies in (after, upTo], ordered by last day, then as the cut-offs and kinds are listed.
// Unknown cut-offs and kinds are ignored; duplicates are returned once.
func PeriodsEndedBetween(after, upTo Date, cutoffs []Cutoff, kinds []PeriodKind) []Period {
	if !upTo.After(after) {
		return nil
	}
	from, to := max(after.Year, MinPeriodYear), min(upTo.Year, MaxPeriodYear)
	var out []Period
	seen := make(map[string]bool)
	for _, c := range cutoffs {
		for _, k := range kinds {
			n := periodNumbers[k]
			for y := from; y <= to; y++ {
				for i := min(n, 1); i <= n; i++ {
					p, err := NewPeriod(k, y, i, c)
					if err != nil || !p.To.After(after) || p.To.After(upTo) || seen[p.Key()] {
						continue
					}
					seen[p.Key()] = true
					out = append(out, p)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].To.Before(out[j].To) })
	return out
}
