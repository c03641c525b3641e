package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"motcua/migrations"
	"motcua/store"
	"motcua/store/storetest"
)

func TestNamePairs(t *testing.T) {
	tests := []struct{ folded, want string }{
		{"", ""},
		{"an", ""},
		{"van an", "van0an"},
		{"nguyen van an", "nguyen0van van0an"},
		{"ton nu thi ha", "ton0nu nu0thi thi0ha"},
		{" nguyen  van ", "nguyen0van"},
	}
	for _, tt := range tests {
		if got := store.NamePairs(tt.folded); got != tt.want {
			t.Errorf("NamePairs(%q) = %q, want %q", tt.folded, got, tt.want)
		}
	}
}

// TestNamePairsMigration: the dossiers stored before migration 0006 keep no written pairs,
// and the name index gives them the same terms as the service's pairs would; name search
// finds them.
func TestNamePairsMigration(t *testing.T) {
	opts := storetest.NewOptions(t)
	if opts.URL == "" {
		t.Skip("migration 0006 fills the pairs on PostgreSQL only; the embedded database does not read them")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms, err := migrations.For(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	db := st.DB()
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
	for _, m := range ms {
		if m.Version >= 6 {
			break
		}
		exec(m.SQL)
		exec("INSERT INTO schema_migrations VALUES (?, ?, '')", m.Version, m.Name)
	}
	exec(`INSERT INTO agencies (code, name, level, path, created_at) VALUES ('000.01.24.H50', 'UBND Phường 1', 'commune', '/000.01.24.H50/', now())`)
	names := []string{"an", "nguyen van an", "ton nu thi ha", "tran van an", "le an"}
	for i, name := range names {
		exec(`INSERT INTO dossiers (code, lookup_id, agency_code, agency_path, agency_level, procedure_code, procedure_name,
			field, channel, return_channel, applicant_name, applicant_name_norm, status, received_at, clock_start, due_at,
			appointment_at, version, created_at, updated_at)
			VALUES (?, ?, '000.01.24.H50', '/000.01.24.H50/', 'commune', '1.001', 'Thủ tục', 'Hộ tịch', 'direct', 'direct',
			?, ?, 'received', now(), now(), now(), now(), 1, now(), now())`,
			fmt.Sprintf("000.01.24.H50-240101-%04d", i+1), fmt.Sprintf("lookup%d", i), name, name)
	}
	if n, err := st.Migrate(ctx); err != nil || n != len(ms)-5 {
		t.Fatalf("Migrate = %d, %v; want the %d after 0005", n, err, len(ms)-5)
	}
	for _, name := range names {
		var stored, written, pairs string
		err := db.Raw(`SELECT dossier_name_terms(applicant_name_norm, applicant_name_pairs)::text,
			dossier_name_terms(applicant_name_norm, ?)::text, applicant_name_pairs FROM dossiers WHERE applicant_name_norm = ?`,
			store.NamePairs(name), name).Row().Scan(&stored, &written, &pairs)
		if err != nil {
			t.Fatal(err)
		}
		if pairs != "" || stored != written {
			t.Errorf("%q: pairs %q, terms %s; want no pairs and the terms of written pairs, %s", name, pairs, stored, written)
		}
	}
	tests := []struct {
		q    string
		want []string
	}{
		{"van an", []string{"tran van an", "nguyen van an"}},
		{"nguyen van a", []string{"nguyen van an"}},
		{"thi", []string{"ton nu thi ha"}},
		{"an", []string{"le an", "tran van an", "nguyen van an", "an"}},
	}
	for _, tt := range tests {
		list, _, err := st.ListDossiers(ctx, store.DossierFilter{Query: tt.q, Limit: 10, Now: time.Now()})
		if err != nil {
			t.Fatalf("search %q: %v", tt.q, err)
		}
		var got []string
		for _, d := range list {
			got = append(got, d.Applicant.Name)
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("search %q = %v, want %v", tt.q, got, tt.want)
		}
	}
}
