package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"motcua/domain"
	"motcua/migrations"
	"motcua/store/storetest"
)

// TestPutCalendarYear_Kind: a year keeps its kind; no kind stores custom; a statutory year is
// never stored.
func TestPutCalendarYear_Kind(t *testing.T) {
	t.Parallel()
	s := storetest.MustOpen(t)
	ctx := context.Background()
	for _, y := range []domain.CalendarYear{{Year: 2024, Kind: domain.CalendarAnnounced}, {Year: 2025}} {
		if err := s.PutCalendarYear(ctx, y); err != nil {
			t.Fatal(err)
		}
	}
	err := s.PutCalendarYear(ctx, domain.StatutoryYear(2027))
	if domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("storing a statutory year: %v, want EINVALID", err)
	}
	years, err := s.CalendarYears(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%d %s %d %s %d", years[0].Year, years[0].Kind, years[1].Year, years[1].Kind, len(years)); got != "2024 announced 2025 custom 2" {
		t.Errorf("got %s", got)
	}
}

// TestMigrateCalendarKind: migration calendar_source takes the years stored before it as announced when
// their source names the notices as the shipped files do, as custom otherwise.
func TestMigrateCalendarKind(t *testing.T) {
	t.Parallel()
	s := storetest.MustOpen(t)
	ctx := context.Background()
	db := s.DB().WithContext(ctx)
	for _, q := range []string{
		"ALTER TABLE calendar_years DROP COLUMN kind",
		"INSERT INTO calendar_years (year, holidays, extra_workdays, source, updated_at) VALUES (2024, '[]', '[]', 'Bộ luật Lao động 2019 (45/2019/QH14) điều 111–112; Thông báo 5015/TB-LĐTBXH', CURRENT_TIMESTAMP)",
		"INSERT INTO calendar_years (year, holidays, extra_workdays, source, updated_at) VALUES (2031, '[]', '[]', 'test', CURRENT_TIMESTAMP)",
	} {
		if err := db.Exec(q).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	ms, err := migrations.For(s.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ms, func(m migrations.Migration) bool { return m.Name == "calendar_source" })
	if i < 0 {
		t.Fatal("no migration calendar_source")
	}
	if err := db.Exec(ms[i].SQL).Error; err != nil {
		t.Fatal(err)
	}
	years, err := s.CalendarYears(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%d %s %d %s", years[0].Year, years[0].Kind, years[1].Year, years[1].Kind); got != "2024 announced 2031 custom" {
		t.Errorf("got %s", got)
	}
}
