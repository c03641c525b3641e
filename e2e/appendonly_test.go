package e2e

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"

	"gorm.io/gorm"

	"motcua/store"
	"motcua/store/storetest"
)

// TestHistoryIsAppendOnly shows, with the store's own database handle, that the database
// refuses to change or remove a dossier's events (the trigger of the first migration), inside
// a transaction or not, on SQLite and, with MOTCUA_TEST_DATABASE_URL, on PostgreSQL; that a
// dossier with a history cannot be deleted from under it; and that new events can still be added.
func TestHistoryIsAppendOnly(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			var st *store.Store
			if db == "sqlite" {
				var err error
				st, err = store.Open(context.Background(), store.Options{DataDir: t.TempDir()})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				if _, err := st.Migrate(context.Background()); err != nil {
					t.Fatal(err)
				}
			} else {
				if os.Getenv(storetest.EnvURL) == "" {
					t.Skip(storetest.EnvURL + " is not set")
				}
				st = storetest.MustOpen(t)
			}
			if st.Dialect() != db {
				t.Fatalf("opened %s, want %s", st.Dialect(), db)
			}
			h := newHarnessOn(t, st, store.Options{})
			h.mustProcedure()
			code := h.mustIntake(ward1Code, "Hồ Văn Lịch Sử")["code"].(string)
			h.must(200, request{Method: "POST", Path: "/api/v1/dossiers/" + code + "/actions/start", Token: h.token("ward1.specialist")})
			id := scalar(t, st, `SELECT id FROM dossiers WHERE code = ?`, code)
			snapshot := func() string {
				var rows []map[string]any
				if err := st.DB().Raw(`SELECT * FROM dossier_events WHERE dossier_id = ? ORDER BY seq`, id).Scan(&rows).Error; err != nil {
					t.Fatal(err)
				}
				if len(rows) != 2 {
					t.Fatalf("dossier %s has %d events, want 2", code, len(rows))
				}
				return formatRows(rows)
			}
			before := snapshot()
			db := st.DB()
			for _, stmt := range []struct{ name, sql string }{
				{"update one event", `UPDATE dossier_events SET note = 'sửa lén' WHERE dossier_id = ? AND seq = 1`},
				{"update every event", `UPDATE dossier_events SET actor = 'ai đó' WHERE dossier_id = ?`},
				{"move an event to another time", `UPDATE dossier_events SET at = recorded_at WHERE dossier_id = ? AND seq = 2`},
				{"delete one event", `DELETE FROM dossier_events WHERE dossier_id = ? AND seq = 2`},
				{"delete the history", `DELETE FROM dossier_events WHERE dossier_id = ?`},
				{"delete the dossier", `DELETE FROM dossiers WHERE id = ?`},
			} {
				if err := db.Exec(stmt.sql, id).Error; err == nil {
					t.Errorf("%s: the database allowed it", stmt.name)
				}
				err := db.Transaction(func(tx *gorm.DB) error { return tx.Exec(stmt.sql, id).Error })
				if err == nil {
					t.Errorf("%s in a transaction: the database allowed it", stmt.name)
				}
			}
			if after := snapshot(); after != before {
				t.Errorf("the history changed:\nbefore %s\nafter  %s", before, after)
			}
			// Appending still works.
			h.must(200, request{Method: "POST", Path: "/api/v1/dossiers/" + code + "/actions/resolve", Token: h.token("ward1.specialist"),
				Body: map[string]any{"outcome": "approved"}})
			if n := scalar(t, st, `SELECT COUNT(*) FROM dossier_events WHERE dossier_id = ?`, id); n != 3 {
				t.Errorf("events after one more action: %d, want 3", n)
			}
		})
	}
}

// formatRows prints rows in a stable form for comparison.
func formatRows(rows []map[string]any) string {
	var b []byte
	for _, r := range rows {
		keys := make([]string, 0, len(r))
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b = fmt.Appendf(b, "%s=%v ", k, r[k])
		}
		b = append(b, '\n')
	}
	return string(b)
}
