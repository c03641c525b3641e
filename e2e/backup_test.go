package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
	"time"

	"motcua/api"
	"motcua/store"
	"motcua/store/storetest"
)

// TestBackupRestore fills a database through the API, dumps its schema with pg_dump -Fc,
// restores it into a fresh database with pg_restore, and checks that the restored copy holds
// the same rows, the same dossiers per status per agency, the same appendix report, a current
// schema, and the append-only history trigger. PostgreSQL only (MOTCUA_TEST_DATABASE_URL, and
// the binaries in MOTCUA_PG_BIN).
func TestBackupRestore(t *testing.T) {
	base := os.Getenv(storetest.EnvURL)
	if base == "" || pgBin() == "" {
		t.Skip("needs " + storetest.EnvURL + " and MOTCUA_PG_BIN (scripts/test.sh sets both)")
	}
	h := newHarness(t)
	fillForBackup(t, h)
	u, err := url.Parse(h.opts.URL)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	if schema == "" {
		t.Fatalf("no search_path in %s", h.opts.URL)
	}
	appendix := func(base string) map[string]any {
		tok := login(t, base, "admin", password)
		res, err := send(base, request{Method: "GET", Path: "/api/v1/reports/appendix?period=2024&live=true&agency_code=" + cityCode, Token: tok})
		if err != nil || res.Status != 200 {
			t.Fatalf("appendix: %v %s", err, res)
		}
		m := res.json()
		delete(m, "generated_at")
		return m
	}
	wantCounts, wantStatus, wantAppendix := tableCounts(t, h.st), statusPerAgency(t, h.st), appendix(h.base)
	if b, _ := json.Marshal(wantAppendix["section_iii"]); !regexp.MustCompile(`"received":[1-9]`).Match(b) {
		t.Fatalf("the appendix counts no dossier received; the comparison would prove little: %s", b)
	}

	// pg_dump the schema, in the custom format.
	dump := filepath.Join(t.TempDir(), "motcua.dump")
	conn := libpqURL(t, base)
	if out, err := exec.Command(filepath.Join(pgBin(), "pg_dump"), "-Fc", "-n", schema, "-f", dump, "-d", conn).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}

	// pg_restore it into a new database.
	admin, err := store.Open(context.Background(), store.Options{URL: base, MaxConn: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [4]byte
	rand.Read(b[:])
	dbName := "motcua_restore_" + hex.EncodeToString(b[:])
	if err := admin.DB().Exec("CREATE DATABASE " + dbName).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.DB().Exec("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)") })
	ru, _ := url.Parse(conn)
	ru.Path = "/" + dbName
	if out, err := exec.Command(filepath.Join(pgBin(), "pg_restore"), "--no-owner", "--exit-on-error", "-d", ru.String(), dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	q := ru.Query()
	q.Set("search_path", schema)
	ru.RawQuery = q.Encode()
	restored, err := store.Open(context.Background(), store.Options{URL: ru.String(), MaxConn: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()

	// The same data.
	if got := tableCounts(t, restored); !reflect.DeepEqual(got, wantCounts) {
		t.Errorf("rows per table after the restore: %v, want %v", got, wantCounts)
	}
	if got := statusPerAgency(t, restored); !reflect.DeepEqual(got, wantStatus) {
		t.Errorf("dossiers per status per agency after the restore: %v, want %v", got, wantStatus)
	}
	if s, err := restored.Schema(context.Background()); err != nil || s.Current != s.Latest {
		t.Errorf("restored schema: %+v %v, want current", s, err)
	}
	srv := api.New(restored, api.Config{PublicURL: "http://motcua.test", Secret: testSecret, Now: h.clock.Now, Logger: slog.New(slog.NewJSONHandler(h.logs, nil))})
	if got := appendix(serve(t, srv)); !reflect.DeepEqual(got, wantAppendix) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(wantAppendix)
		t.Errorf("appendix from the restored database:\n%s\nwant\n%s", g, w)
	}
	// The restored history is still append-only.
	if err := restored.DB().Exec(`UPDATE dossier_events SET note = 'x'`).Error; err == nil {
		t.Errorf("the restored database lets events be changed: the trigger was not restored")
	}
	// And the restored database takes new dossiers, continuing the codes.
	if n := scalar(t, restored, `SELECT COUNT(*) FROM dossier_sequences`); n == 0 {
		t.Errorf("no dossier sequences restored")
	}
}

// libpqURL turns the test database URL into one pg_dump understands (no search_path).
func libpqURL(t *testing.T, base string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{}
	if v := u.Query().Get("sslmode"); v != "" {
		q.Set("sslmode", v)
	}
	u.RawQuery = q.Encode()
	if port := os.Getenv("MOTCUA_PG_PORT"); port != "" && u.Port() == "" {
		u.Host += ":" + port
	}
	return u.String()
}

// statusPerAgency counts the dossiers per agency and status.
func statusPerAgency(t *testing.T, st *store.Store) map[string]int64 {
	var rows []struct {
		AgencyCode string
		Status     string
		N          int64
	}
	if err := st.DB().Raw(`SELECT agency_code, status, COUNT(*) AS n FROM dossiers GROUP BY agency_code, status`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.AgencyCode+" "+r.Status] = r.N
	}
	return out
}

// fillForBackup gives the harness's database dossiers in every status at every agency, an
// import, feedback, manual figures and a report snapshot.
func fillForBackup(t *testing.T, h *harness) {
	h.mustProcedure()
	admin := h.token("admin")
	act := func(code, action string, body map[string]any) {
		h.must(200, request{Method: "POST", Path: "/api/v1/dossiers/" + code + "/actions/" + action, Token: admin, Body: body})
	}
	for i, agency := range []string{cityCode, ward1Code, ward2Code} {
		for j := 0; j < 6+i; j++ {
			code := h.mustIntake(agency, fmt.Sprintf("Người Sao Lưu %d-%d", i, j))["code"].(string)
			switch j % 6 {
			case 1:
				act(code, "start", nil)
			case 2:
				act(code, "request_supplement", map[string]any{"reason": "Thiếu giấy"})
			case 3:
				act(code, "resolve", map[string]any{"outcome": "approved"})
			case 4:
				act(code, "resolve", map[string]any{"outcome": "refused"})
				act(code, "return", map[string]any{"channel": "postal"})
			case 5:
				act(code, "withdraw", map[string]any{"reason": "Rút"})
			}
		}
		h.must(201, request{Method: "POST", Path: "/api/v1/feedback", Token: admin, Body: map[string]any{"agency_code": agency, "content": "Phản ánh"}})
	}
	h.must(200, request{Method: "POST", Path: "/api/v1/imports/dossiers", Token: admin, Type: "text/csv", Body: importCSVAt(ward1Code, 3, 40)})
	h.must(200, request{Method: "PUT", Path: "/api/v1/calendar/2024", Token: admin, Body: map[string]any{"holidays": []string{"2024-04-29", "2024-04-30"}, "extra_workdays": []string{}}})
	h.must(200, request{Method: "PUT", Path: "/api/v1/reports/manual?period=2024&agency_code=" + cityCode, Token: admin, Body: map[string]any{"figures": map[string]any{}}})
	h.must(201, request{Method: "POST", Path: "/api/v1/reports/snapshots?period=2024&agency_code=" + cityCode, Token: admin})
	h.clock.Add(time.Hour)
}
