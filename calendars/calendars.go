// Package calendars ships the official days off and compensatory working days (ngày làm
// bù) for civil servants, one JSON file per year, each naming its legal source. A year is
// shipped only when it has been checked against the published notices.
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
		var y domain.CalendarYear
		if err := dec.Decode(&y); err != nil {
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
