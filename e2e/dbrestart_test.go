package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/qr"
	"motcua/store"
)

// pgCluster is a throwaway PostgreSQL cluster of the test's own, which it may stop and start
// without disturbing the cluster other tests use.
type pgCluster struct {
	t    *testing.T
	bin  string
	dir  string
	port int
}

// runAsPostgres runs a PostgreSQL program, as the postgres user when we are root.
func runAsPostgres(name string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

// newPGCluster initialises and starts a cluster with the binaries of MOTCUA_PG_BIN; it skips
// the test without them.
func newPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	bin := pgBin()
	if bin == "" {
		t.Skip("MOTCUA_PG_BIN is not set (scripts/test.sh sets it): no PostgreSQL binaries to run a cluster of our own")
	}
	dir, err := os.MkdirTemp("", "motcua-e2e-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c := &pgCluster{t: t, bin: bin, dir: dir}
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "postgres", dir).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v %s", err, out)
		}
	}
	t.Cleanup(func() {
		runAsPostgres(filepath.Join(bin, "pg_ctl"), "-D", c.data(), "-m", "immediate", "stop").Run()
		os.RemoveAll(dir)
	})
	if out, err := runAsPostgres(filepath.Join(bin, "initdb"), "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	for i := 0; i < 10; i++ {
		c.port = freePort(t)
		if c.start() == nil {
			return c
		}
	}
	t.Fatalf("could not start PostgreSQL:\n%s", c.log())
	return nil
}

func (c *pgCluster) data() string { return filepath.Join(c.dir, "data") }

func (c *pgCluster) log() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "pg.log"))
	return tail(string(b), 3000)
}

// url is the cluster's postgres database.
func (c *pgCluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

func (c *pgCluster) start() error {
	out, err := runAsPostgres(filepath.Join(c.bin, "pg_ctl"), "-D", c.data(), "-w", "-l", filepath.Join(c.dir, "pg.log"),
		"-o", fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off", c.port, c.dir), "start").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl start: %v %s", err, out)
	}
	return nil
}

// stop stops the cluster the way an operator restarting it does (fast: connections are ended).
func (c *pgCluster) stop() {
	c.t.Helper()
	if out, err := runAsPostgres(filepath.Join(c.bin, "pg_ctl"), "-D", c.data(), "-m", "fast", "-w", "stop").CombinedOutput(); err != nil {
		c.t.Fatalf("pg_ctl stop: %v %s", err, out)
	}
}

// TestDatabaseRestart restarts PostgreSQL under the running service: while the database is down
// every request is answered 503 problem+json (code unavailable), never 500, and /readyz says
// unavailable; once it is back the service recovers by itself within seconds.
func TestDatabaseRestart(t *testing.T) {
	c := newPGCluster(t)
	ctx := context.Background()
	opts := store.Options{URL: c.url(), MaxConn: 8}
	st, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	h := newHarnessOn(t, st, opts)
	h.mustProcedure()
	d := h.mustIntake(ward1Code, "Đỗ Thị Khởi Động")
	code := d["code"].(string)
	lookup, _ := qr.TokenFromURL(d["lookup_url"].(string))
	admin, reception, specialist := h.token("admin"), h.token("ward1.reception"), h.token("ward1.specialist")

	// What users do, and the status each gets when the database is there.
	requests := []struct {
		req  request
		ok   int
		html bool
	}{
		{request{Method: "GET", Path: "/api/v1/dossiers/" + code, Token: reception}, 200, false},
		{request{Method: "GET", Path: "/api/v1/dossiers?q=do+thi", Token: reception}, 200, false},
		{request{Method: "POST", Path: "/api/v1/dossiers", Token: reception, Body: intakeBody(ward1Code, "Vũ Văn Chờ")}, 201, false},
		{request{Method: "POST", Path: "/api/v1/dossiers", Token: reception, Body: intakeBody(ward1Code, "Vũ Văn Chờ"), Headers: map[string]string{"Idempotency-Key": "restart-1"}}, 201, false},
		{request{Method: "POST", Path: "/api/v1/dossiers/" + code + "/actions/apologize", Token: specialist,
			Body: map[string]any{"reason": "Chờ", "new_appointment_at": "2024-03-20T10:00:00+07:00", "note": "x"}}, 200, false},
		{request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"username": "ward1.reception", "password": password}}, 200, false},
		{request{Method: "GET", Path: "/api/v1/agencies", Token: admin}, 200, false},
		{request{Method: "GET", Path: "/api/v1/procedures/" + procCode, Token: admin}, 200, false},
		{request{Method: "GET", Path: "/api/v1/feedback", Token: admin}, 200, false},
		{request{Method: "GET", Path: "/api/v1/scan?data=" + code, Token: reception}, 200, false},
		{request{Method: "GET", Path: "/api/v1/public/dossiers/" + lookup}, 200, false},
		{request{Method: "GET", Path: "/api/v1/reports/appendix?period=2024&agency_code=" + ward1Code, Token: admin}, 200, false},
		{request{Method: "POST", Path: "/api/v1/imports/dossiers", Token: admin, Type: "text/csv", Body: importCSVAt(ward1Code, 7, 3)}, 200, false},
		{request{Method: "GET", Path: "/t/" + lookup}, 200, true},
	}
	pub := &rotator{h: h, per: 15}
	do := func(i int) response {
		r := requests[i]
		req := r.req
		if strings.HasPrefix(req.Path, "/api/v1/dossiers") && req.Method == "POST" && req.Headers["Idempotency-Key"] != "" {
			req.Headers = map[string]string{"Idempotency-Key": fmt.Sprintf("restart-%d", time.Now().UnixNano())}
		}
		base := h.base
		if strings.Contains(req.Path, "/public/") || strings.HasPrefix(req.Path, "/t/") || strings.HasSuffix(req.Path, "/login") {
			base = pub.next() // the rate limits per address are not what this test is about
		}
		res, err := send(base, req)
		if err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.Path, err)
		}
		return res
	}
	for i, r := range requests {
		if res := do(i); res.Status != r.ok && !(r.req.Path == requests[4].req.Path && res.Status == 409) {
			t.Fatalf("before the restart: %s %s: %s, want %d", r.req.Method, r.req.Path, res, r.ok)
		}
	}

	c.stop()
	// While it is down, for a while: pooled connections die first, then new ones are refused.
	downUntil := time.Now().Add(2 * time.Second)
	for round := 0; round == 0 || time.Now().Before(downUntil); round++ {
		for i, r := range requests {
			res := do(i)
			what := fmt.Sprintf("database down, round %d: %s %s", round, r.req.Method, r.req.Path)
			switch {
			case res.Status == 500:
				t.Errorf("%s: 500: %s", what, res)
			case res.Status != 503:
				t.Errorf("%s: %s, want 503", what, res)
			case r.html:
				if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
					t.Errorf("%s: page with Content-Type %q", what, res.Header.Get("Content-Type"))
				}
			default:
				if m := res.json(); !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") || m["code"] != "unavailable" {
					t.Errorf("%s: %s, want problem+json with code unavailable", what, res)
				}
			}
		}
		res := h.do(request{Method: "GET", Path: "/readyz"})
		if m := res.json(); res.Status != 503 || m["status"] != "unavailable" {
			t.Errorf("database down: /readyz: %s, want 503 unavailable", res)
		}
		if t.Failed() {
			break
		}
	}

	if err := c.start(); err != nil {
		t.Fatalf("%v\n%s", err, c.log())
	}
	// Back: the service recovers by itself within seconds.
	start := time.Now()
	for i, r := range requests {
		for {
			res := do(i)
			if res.Status == r.ok || r.req.Path == requests[4].req.Path && res.Status == 409 {
				break
			}
			if res.Status == 500 {
				t.Errorf("database back: %s %s: 500: %s", r.req.Method, r.req.Path, res)
			}
			if time.Since(start) > 10*time.Second {
				t.Fatalf("database back for 10 s: %s %s still answers %s", r.req.Method, r.req.Path, res)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	t.Logf("recovered within %s", time.Since(start).Round(time.Millisecond))
	if res := h.do(request{Method: "GET", Path: "/readyz"}); res.Status != 200 {
		t.Errorf("database back: /readyz: %s", res)
	}
	// And every request works at the first try.
	for i, r := range requests {
		if res := do(i); res.Status != r.ok && !(r.req.Path == requests[4].req.Path && res.Status == 409) {
			t.Errorf("after recovery: %s %s: %s, want %d", r.req.Method, r.req.Path, res, r.ok)
		}
	}
}
