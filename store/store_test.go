package store_test

import (
	"context"
	"testing"

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
