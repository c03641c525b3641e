package e2e

import (
	"crypto/rand"
	"encoding/base64"
	"testing"
)

// TestInternalLeak holds internalLeak to both of its jobs: it catches internals planted in
// every kind of answer, and it does not mistake a generated identifier for them.
func TestInternalLeak(t *testing.T) {
	for _, tc := range []struct {
		name, body, sent, want string
	}{
		{"driver error in a problem", `{"type":"about:blank","title":"Internal","status":500,"detail":"failed to connect: pgx: conn closed","code":"internal","errors":[]}`, "", "pgx"},
		{"SQL state in a problem", `{"detail":"ERROR: duplicate key value violates unique constraint \"dossiers_code_key\" (SQLSTATE 23505)"}`, "", "SQLSTATE"},
		{"stack trace in an HTML page", "<html><body><pre>panic: runtime error\ngoroutine 1 [running]:\nmotcua/api.(*Server).view(...)\n\t/src/api/dossiers.go:31 +0x1d</pre></body></html>", "", "goroutine "},
		{"file and line", `{"detail":"store.go:120: no rows"}`, "", ".go:"},
		{"ORM name", `{"detail":"gorm: record not found"}`, "", "gorm"},
		{"package path", `{"detail":"github.com/jackc/pgx/v5/pgconn: timeout"}`, "", "pgx"},
		{"embedded database", `{"detail":"sqlite: database is locked"}`, "", "sqlite"},
		{"a word the request carried comes back", `{"note":"pgx"}`, `{"note":"pgx"}`, ""},
		{"a token holding the words", `{"lookup_url":"http://localhost:8080/t/Ab3pgxQz9_gormK-sqliteW2xYz8Lm"}`, "", ""},
		{"a cursor holding the words", `{"items":[],"next_cursor":"eyJpZCI6MTIzpgxLCJrIjoiYSJ9gorm"}`, "", ""},
		{"a form token in a page", `<input type="hidden" name="csrf" value="pgxSQLSTATE0gorm1sqliteAAAA">`, "", ""},
		{"a leak beside a token", `{"lookup_url":"/t/Ab3pgxQz9_gormK-sqliteW2xYz8Lm","detail":"pq: bad connection"}`, "", "pq: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := internalLeak([]byte(tc.body), tc.sent); got != tc.want {
				t.Errorf("internalLeak(%s) = %q, want %q", tc.body, got, tc.want)
			}
		})
	}

	// Random identifiers of the lengths the service generates never look like a leak.
	for _, n := range []int{12, 16, 24, 48} {
		for range 20000 {
			b := make([]byte, n)
			rand.Read(b)
			body := `{"lookup_url":"http://localhost:8080/t/` + base64.RawURLEncoding.EncodeToString(b) + `"}`
			if got := internalLeak([]byte(body), ""); got != "" {
				t.Fatalf("internalLeak flags the random identifier in %s as %q", body, got)
			}
		}
	}
}
