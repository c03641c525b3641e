package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"motcua/domain"
	"motcua/store"
	"motcua/store/storetest"
)

func TestMigrateIsIdempotentAndRefusesNewerSchema(t *testing.T) {
	s, opts := storetest.MustOpenURL(t)
	ctx := context.Background()
	st, err := s.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current != st.Latest || st.Current == 0 {
		t.Fatalf("schema = %+v, want current = latest > 0", st)
	}
	n, err := s.Migrate(ctx)
	if err != nil || n != 0 {
		t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
	}
	if err := s.DB().Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')", st.Latest+1).Error; err != nil {
		t.Fatal(err)
	}
	s2, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.Migrate(ctx); err == nil {
		t.Fatal("Migrate on a newer schema gave no error")
	}
}

func TestAgencyTree(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	city := &domain.Agency{Code: "000.00.24.H50", Name: "UBND thành phố", Level: domain.LevelDistrict}
	if err := s.CreateAgency(ctx, city); err != nil {
		t.Fatal(err)
	}
	ward := &domain.Agency{Code: "000.01.24.H50", Name: "UBND Phường 1", Level: domain.LevelCommune, ParentCode: city.Code}
	if err := s.CreateAgency(ctx, ward); err != nil {
		t.Fatal(err)
	}
	if got, want := ward.Path, "/000.00.24.H50/000.01.24.H50/"; got != want {
		t.Errorf("ward path = %q, want %q", got, want)
	}
	tests := []struct {
		name string
		a    domain.Agency
		code string
	}{
		{"duplicate", domain.Agency{Code: city.Code, Name: "x", Level: domain.LevelDistrict}, domain.ECONFLICT},
		{"unknown parent", domain.Agency{Code: "000.02.24.H50", Name: "x", Level: domain.LevelCommune, ParentCode: "999"}, domain.EINVALID},
		{"bad level", domain.Agency{Code: "000.03.24.H50", Name: "x", Level: "county"}, domain.EINVALID},
		{"bad code", domain.Agency{Code: "abc", Name: "x", Level: domain.LevelCommune}, domain.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := domain.ErrorCode(s.CreateAgency(ctx, &tt.a)); got != tt.code {
				t.Errorf("code = %q, want %q", got, tt.code)
			}
		})
	}
	all, err := s.ListAgencies(ctx, "")
	if err != nil || len(all) != 2 {
		t.Fatalf("ListAgencies = %d, %v; want 2", len(all), err)
	}
	sub, err := s.ListAgencies(ctx, ward.Path)
	if err != nil || len(sub) != 1 || sub[0].Code != ward.Code {
		t.Fatalf("ListAgencies(ward) = %v, %v; want the ward", sub, err)
	}
}

func TestEventsCannotBeTruncated(t *testing.T) {
	s := storetest.MustOpen(t)
	if s.Dialect() != store.Postgres {
		t.Skip("TRUNCATE is PostgreSQL's; SQLite's DELETE is covered by the e2e append-only test")
	}
	if err := s.DB().Exec("TRUNCATE dossier_events").Error; err == nil {
		t.Fatal("TRUNCATE dossier_events succeeded")
	}
}

// TestIntakeNumbersPastTenThousand: generated codes follow domain.FormatCode on both
// databases, also past the four digits, and continue after a code given explicitly.
func TestIntakeNumbersPastTenThousand(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	ward := &domain.Agency{Code: "000.01.24.H50", Name: "UBND Phường 1", Level: domain.LevelCommune}
	if err := s.CreateAgency(ctx, ward); err != nil {
		t.Fatal(err)
	}
	received := time.Date(2024, 3, 4, 9, 0, 0, 0, domain.Location)
	day := domain.DateOf(received)
	intake := func(code string) *domain.Dossier {
		t.Helper()
		d := &domain.Dossier{Code: code, LookupID: fmt.Sprintf("lookup-%s-%d", code, time.Now().UnixNano()), AgencyCode: ward.Code,
			AgencyPath: ward.Path, AgencyLevel: ward.Level, ProcedureCode: "1.001", ProcedureName: "Đăng ký khai sinh",
			Channel: domain.ChannelDirect, ReturnChannel: domain.ChannelDirect, Applicant: domain.Applicant{Name: "Lê Văn Tám"},
			Status: domain.StatusReceived, ReceivedAt: received, ClockStart: received, DueAt: received, AppointmentAt: received, Version: 1}
		ev := &domain.Event{Seq: 1, At: received, Action: domain.ActionIntake, ToStatus: domain.StatusReceived, Actor: "test"}
		if err := s.CreateDossier(ctx, d, ev); err != nil {
			t.Fatal(err)
		}
		return d
	}
	intake(domain.FormatCode(ward.Code, day, 9998))
	for _, seq := range []int{9999, 10000, 10001} {
		d := intake("")
		if want := domain.FormatCode(ward.Code, day, seq); d.Code != want || d.ID == 0 {
			t.Errorf("code = %q (id %d), want %q", d.Code, d.ID, want)
		}
		got, err := s.FindDossierByCode(ctx, d.Code)
		if err != nil || got.ID != d.ID || got.LookupID != d.LookupID || !got.ReceivedAt.Equal(received) {
			t.Fatalf("stored %+v, %v", got, err)
		}
		if evs, err := s.DossierEvents(ctx, d.ID); err != nil || len(evs) != 1 || evs[0].Action != domain.ActionIntake {
			t.Errorf("history %+v, %v; want the intake", evs, err)
		}
	}
}

// TestCatalogueChangeReachesEveryReplica: a new version of a procedure, added through one
// store, is what every other store sharing the database finds next, although each keeps
// the catalogue in memory (PostgreSQL; the embedded database keeps nothing).
func TestCatalogueChangeReachesEveryReplica(t *testing.T) {
	a, opts := storetest.MustOpenURL(t)
	ctx := context.Background()
	b, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	days := func(n int) *int { return &n }
	v1 := &domain.Procedure{Code: "1.001", Name: "Đăng ký khai sinh", Field: "Hộ tịch", Level: domain.LevelCommune,
		TimeLimitDays: days(3), OnlineEligible: domain.OnlineFull, OnlineProvided: domain.OnlineFull,
		PublishedOn: domain.Date{Year: 2023, Month: 1, Day: 1}}
	if err := a.CreateProcedure(ctx, v1); err != nil {
		t.Fatal(err)
	}
	asOf := domain.Date{Year: 2024, Month: 6, Day: 1}
	limit := func(s *store.Store) int {
		t.Helper()
		p, err := s.FindProcedure(ctx, "1.001", asOf)
		if err != nil {
			t.Fatal(err)
		}
		return *p.TimeLimitDays
	}
	// Both stores read the first version until each keeps it (its listener is up).
	deadline := time.Now().Add(5 * time.Second)
	for _, s := range []*store.Store{a, b} {
		for limit(s) == 3 && !store.CataloguePeek(s, "1.001") && s.Dialect() == store.Postgres {
			if time.Now().After(deadline) {
				t.Fatal("the catalogue was never kept on PostgreSQL")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	v2 := *v1
	v2.TimeLimitDays, v2.EffectiveOn = days(5), domain.Date{Year: 2024, Month: 1, Day: 1}
	if err := b.AddProcedureVersion(ctx, &v2); err != nil {
		t.Fatal(err)
	}
	if got := limit(b); got != 5 {
		t.Errorf("the store that changed the catalogue finds a limit of %d days, want 5", got)
	}
	for got := limit(a); got != 5; got = limit(a) {
		if time.Now().After(deadline.Add(5 * time.Second)) {
			t.Fatalf("the other store still finds a limit of %d days, want 5", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if p, err := a.FindProcedure(ctx, "1.001", domain.Date{Year: 2023, Month: 6, Day: 1}); err != nil || *p.TimeLimitDays != 3 {
		t.Errorf("as of 2023-06-01: %+v, %v; want the first version", p, err)
	}
	if _, err := a.FindProcedure(ctx, "1.001", domain.Date{Year: 2022, Month: 6, Day: 1}); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("before its publication: %v, want ENOTFOUND", err)
	}
}
