// Package calendars ships the official days off and compensatory working days (ngày làm
// bù) for civil servants, one JSON file per year, each naming its legal source. A year is
// shipped only when it has been checked against the published notices.
//
// A file holds "year", "source" (the notices, in words), "holidays" and "extra_workdays"
// (dates), and may list its days one by one in "days", each with the notice it comes from:
// {"date": "2026-09-01", "off": true, "notice": "…"} is a day off, "off": false a
// compensatory working day. A day marked "unconfirmed": true is kept in the file with its
// notice but not counted; removing the mark (one line) makes it count.
package calendars

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"motcua/domain"
)

//go:embed *.json
var files embed.FS

// Years returns every shipped year, oldest first, each validated. It returns an error naming
// the file when one cannot be read, has unknown fields, does not match its file name
// (2024.json holds year 2024) or fails domain.CalendarYear.Validate.
func Years() ([]domain.CalendarYear, error) {
	return load(files)
}

// load reads and validates every *.json file of fsys.
func load(fsys fs.FS) ([]domain.CalendarYear, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	years := make([]domain.CalendarYear, 0, len(names))
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("calendars: %s: %w", name, err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var f file
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("calendars: %s: %w", name, err)
		}
		y, err := f.year()
		if err != nil {
			return nil, fmt.Errorf("calendars: %s: %w", name, err)
		}
		if want := strings.TrimSuffix(path.Base(name), ".json"); want != strconv.Itoa(y.Year) {
			return nil, fmt.Errorf("calendars: %s holds year %d", name, y.Year)
		}
		if y.Source == "" {
			return nil, fmt.Errorf("calendars: %s names no source", name)
		}
		if err := y.Validate(); err != nil {
			return nil, fmt.Errorf("calendars: %s: %w", name, err)
		}
		years = append(years, y)
	}
	slices.SortFunc(years, func(a, b domain.CalendarYear) int { return a.Year - b.Year })
	return years, nil
}

// file is one shipped year as written.
type file struct {
	Year          int           `json:"year"`
	Source        string        `json:"source"`
	Holidays      []domain.Date `json:"holidays"`
	ExtraWorkdays []domain.Date `json:"extra_workdays"`
	Days          []fileDay     `json:"days"`
}

// fileDay is one day of a file's "days", with the notice it comes from.
type fileDay struct {
	Date        domain.Date `json:"date"`
	Off         *bool       `json:"off"`
	Notice      string      `json:"notice"`
	Unconfirmed bool        `json:"unconfirmed"`
}

// year returns the calendar year the file gives, announced: its holidays and extra workdays
// with those of its confirmed days after them.
func (f file) year() (domain.CalendarYear, error) {
	y := domain.CalendarYear{Year: f.Year, Source: f.Source, Kind: domain.CalendarAnnounced,
		Holidays: append([]domain.Date{}, f.Holidays...), ExtraWorkdays: append([]domain.Date{}, f.ExtraWorkdays...)}
	for i, d := range f.Days {
		switch {
		case d.Off == nil:
			return y, fmt.Errorf("days[%d] %s: says neither \"off\": true nor false", i, d.Date)
		case strings.TrimSpace(d.Notice) == "":
			return y, fmt.Errorf("days[%d] %s: names no notice", i, d.Date)
		case d.Unconfirmed:
		case *d.Off:
			y.Holidays = append(y.Holidays, d.Date)
		default:
			y.ExtraWorkdays = append(y.ExtraWorkdays, d.Date)
		}
	}
	return y, nil
}
