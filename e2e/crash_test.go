package e2e

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"motcua/domain"
	"motcua/store"
	"motcua/store/storetest"
)

// binDir holds the service binary built once for the whole package run.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "motcua-e2e-bin-")
	if err != nil {
		return "", err
	}
	binDir = dir
	path := filepath.Join(dir, "motcua")
	cmd := exec.Command("go", "build", "-o", path, "motcua/cmd/motcua")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return path, nil
})

// motcuaBinary returns the path of the service binary (go build ./cmd/motcua), built once.
func motcuaBinary(t *testing.T) string {
	t.Helper()
	path, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// process is the service binary running on a port of 127.0.0.1.
type process struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	logs *syncBuffer
	done chan struct{}
	err  error // how it exited, once done is closed
}

// deployment is what a binary is started with: its data directory, its database and the rest
// of its environment. Restarting it keeps all of them.
type deployment struct {
	t    *testing.T
	env  []string
	opts store.Options // the same database, for a store opened by the test
	port int
	logs *syncBuffer // every run's output, one after the other
}

// adminPassword is the first admin's password in the binary's deployments.
const adminPassword = "crash-test-admin-password"

// newDeployment prepares a data directory and, with MOTCUA_TEST_DATABASE_URL, a fresh schema.
func newDeployment(t *testing.T, postgres bool) *deployment {
	t.Helper()
	d := &deployment{t: t, logs: &syncBuffer{}}
	dataDir := t.TempDir()
	tmp := t.TempDir()
	d.port = freePort(t)
	d.env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + tmp,
		"MOTCUA_ADDR=127.0.0.1:" + fmt.Sprint(d.port),
		"MOTCUA_DATA_DIR=" + dataDir,
		"MOTCUA_PUBLIC_URL=http://127.0.0.1:" + fmt.Sprint(d.port),
		"MOTCUA_SECRET=crash-test-secret-crash-test-secret-0123",
		"MOTCUA_ADMIN_PASSWORD=" + adminPassword,
		"MOTCUA_SCHEDULER=off",
	}
	d.opts = store.Options{DataDir: dataDir}
	if postgres {
		d.opts = storetest.NewOptions(t)
		d.opts.URL = withQuery(t, d.opts.URL, "application_name", "motcua_e2e_"+strings.ReplaceAll(t.Name(), "/", "_"))
		d.env = append(d.env, "MOTCUA_DATABASE_URL="+d.opts.URL)
	}
	return d
}

// freePort returns a port of 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// start runs the binary and waits until it is ready.
func (d *deployment) start() *process {
	t := d.t
	t.Helper()
	p := &process{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", d.port), logs: d.logs, done: make(chan struct{})}
	p.cmd = exec.Command(motcuaBinary(t), "serve")
	p.cmd.Env = d.env
	p.cmd.Stdout, p.cmd.Stderr = d.logs, d.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.done:
			t.Fatalf("the service exited at start: %v\n%s", p.err, tail(d.logs.String(), 3000))
		default:
		}
		if res, err := send(p.base, request{Method: "GET", Path: "/readyz"}); err == nil && res.Status == 200 {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("the service was not ready within a minute:\n%s", tail(d.logs.String(), 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL: no shutdown, no flush, nothing.
func (p *process) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop asks the process to shut down (SIGTERM) and checks that it does, cleanly, within 20 s.
func (p *process) stop() {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if p.err != nil {
			p.t.Errorf("the service exited with %v after SIGTERM:\n%s", p.err, tail(p.logs.String(), 2000))
		}
	case <-time.After(20 * time.Second):
		p.kill()
		p.t.Errorf("the service did not stop within 20 s of SIGTERM")
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// crashAgency is the agency of the binary tests.
const crashAgency = "000.07.24.H50"

// setUp creates an agency, a procedure and a reception user through the API and returns the
// admin's and the receptionist's tokens.
func (p *process) setUp() (admin, reception string) {
	t := p.t
	t.Helper()
	admin = login(t, p.base, "admin", adminPassword)
	for _, r := range []struct {
		path string
		body any
	}{
		{"/api/v1/agencies", map[string]any{"code": crashAgency, "name": "UBND Phường 7", "level": "commune"}},
		{"/api/v1/procedures", procedureBody(procCode, true)},
		{"/api/v1/users", map[string]any{"username": "crash.reception", "password": "reception-password", "roles": []string{"reception"}, "agency_code": crashAgency}},
	} {
		res, err := send(p.base, request{Method: "POST", Path: r.path, Token: admin, Body: r.body})
		if err != nil || res.Status != 201 {
			t.Fatalf("POST %s: %v %s", r.path, err, res)
		}
	}
	return admin, login(t, p.base, "crash.reception", "reception-password")
}

// acked is an intake the service answered 201 for.
type acked struct {
	code, name string
}

// intakeLoad has clients post intakes until the process dies; it returns what was acknowledged.
func intakeLoad(p *process, token string, clients int, round int) []acked {
	var mu sync.Mutex
	var out []acked
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; ; i++ {
				name := fmt.Sprintf("Khách %d-%d-%d", round, c, i)
				body := intakeBody(crashAgency, name)
				body["applicant"].(map[string]any)["phone"] = fmt.Sprintf("09%02d%02d%04d", round%100, c, i%10000)
				res, err := sendWith(loadClient, p.base, request{Method: "POST", Path: "/api/v1/dossiers", Token: token, Body: body})
				if err != nil {
					select {
					case <-p.done:
						return // killed
					default:
						time.Sleep(10 * time.Millisecond)
						continue
					}
				}
				if res.Status == 201 {
					code, _ := res.json()["code"].(string)
					mu.Lock()
					out = append(out, acked{code: code, name: name})
					mu.Unlock()
				} else if res.Status >= 500 {
					p.t.Errorf("intake under load: %s", res)
				}
			}
		}(c)
	}
	wg.Wait()
	return out
}

// loadClient is the load's client: keep-alive connections and a short timeout.
var loadClient = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

// checkAfterCrash checks a restarted service against what it acknowledged before the kill.
func checkAfterCrash(t *testing.T, p *process, d *deployment, token string, acks []acked) {
	t.Helper()
	seen := map[string]string{}
	for _, a := range acks {
		if a.code == "" {
			t.Errorf("a 201 without a code for %s", a.name)
			continue
		}
		if other, dup := seen[a.code]; dup {
			t.Errorf("code %s was acknowledged twice: for %s and for %s", a.code, other, a.name)
		}
		seen[a.code] = a.name
	}
	for _, a := range acks {
		res, err := send(p.base, request{Method: "GET", Path: "/api/v1/dossiers/" + a.code, Token: token})
		if err != nil || res.Status != 200 {
			t.Errorf("acknowledged dossier %s (%s) after the restart: %v %s", a.code, a.name, err, res)
			continue
		}
		m := res.json()
		if app, _ := m["applicant"].(map[string]any); app["name"] != a.name {
			t.Errorf("dossier %s holds applicant %v, acknowledged for %s", a.code, app["name"], a.name)
		}
		events, _ := m["events"].([]any)
		if len(events) == 0 || events[0].(map[string]any)["action"] != "intake" {
			t.Errorf("dossier %s has no intake event: %v", a.code, events)
		}
	}
	checkDatabase(t, d)
}

// checkDatabase counts through the database itself: every dossier has its history starting
// with an intake, codes are unique, and the daily sequences are past every code given.
func checkDatabase(t *testing.T, d *deployment) {
	t.Helper()
	st, err := store.Open(context.Background(), d.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, q := range []struct{ what, sql string }{
		{"dossiers without history", `SELECT COUNT(*) FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id)`},
		{"dossiers whose first event is not an intake", `SELECT COUNT(*) FROM dossier_events WHERE seq = 1 AND action <> 'intake'`},
		{"dossiers without a first event", `SELECT COUNT(*) FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id AND e.seq = 1)`},
		{"codes held by more than one dossier", `SELECT COUNT(*) FROM (SELECT code FROM dossiers GROUP BY code HAVING COUNT(*) > 1) x`},
		{"events of no dossier", `SELECT COUNT(*) FROM dossier_events e WHERE NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.id = e.dossier_id)`},
		{"gaps in event numbers", `SELECT COUNT(*) FROM dossiers d WHERE (SELECT COUNT(*) FROM dossier_events e WHERE e.dossier_id = d.id) <> (SELECT MAX(seq) FROM dossier_events e WHERE e.dossier_id = d.id)`},
	} {
		if n := scalar(t, st, q.sql); n != 0 {
			t.Errorf("%d %s", n, q.what)
		}
	}
	// The next code of each agency and day must be past every code stored.
	var rows []struct {
		Code       string
		AgencyCode string
	}
	if err := st.DB().Raw(`SELECT code, agency_code FROM dossiers`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	maxSeq := map[string]int{}
	for _, r := range rows {
		agency, day, seq, err := domain.ParseCode(r.Code)
		if err != nil || agency != r.AgencyCode {
			t.Errorf("stored code %q of agency %s: %v", r.Code, r.AgencyCode, err)
			continue
		}
		if k := agency + " " + day.String(); seq > maxSeq[k] {
			maxSeq[k] = seq
		}
	}
	for k, want := range maxSeq {
		agency, day, _ := strings.Cut(k, " ")
		if last := scalar(t, st, `SELECT COALESCE(MAX(last), 0) FROM dossier_sequences WHERE agency_code = ? AND day = ?`, agency, day); last < int64(want) {
			t.Errorf("the sequence of %s on %s is at %d, behind the stored code number %d: the next intake would reuse a code", agency, day, last, want)
		}
	}
}

// TestCrashDuringIntake kills the binary (SIGKILL) while eight clients post intakes, restarts
// it and checks that every acknowledged dossier is there with its intake event, that no dossier
// lacks its history, that codes are unique, and that intake goes on without reusing a code. On
// SQLite, and on PostgreSQL when MOTCUA_TEST_DATABASE_URL is set. MOTCUA_LONG=1 runs several
// kill/restart rounds.
func TestCrashDuringIntake(t *testing.T) {
	for _, db := range databases() {
		t.Run(db, func(t *testing.T) {
			d := newDeployment(t, db == "postgres")
			p := d.start()
			_, token := p.setUp()
			rounds := 1
			if long() {
				rounds = 6
			}
			r := rand.New(rand.NewPCG(7, 7))
			var all []acked
			for round := 0; round < rounds; round++ {
				after := 1500 * time.Millisecond
				if round > 0 {
					after = time.Duration(300+r.IntN(2500)) * time.Millisecond
				}
				timer := time.AfterFunc(after, p.kill)
				acks := intakeLoad(p, token, 8, round)
				timer.Stop()
				if len(acks) == 0 {
					t.Fatalf("round %d: no intake was acknowledged before the kill:\n%s", round, tail(d.logs.String(), 2000))
				}
				all = append(all, acks...)
				p = d.start()
				checkAfterCrash(t, p, d, token, all)
				t.Logf("round %d: killed after %s, %d intakes acknowledged", round, after, len(acks))
			}
			// Intake goes on, with new codes.
			for i := 0; i < 3; i++ {
				res, err := send(p.base, request{Method: "POST", Path: "/api/v1/dossiers", Token: token, Body: intakeBody(crashAgency, "Sau Sự Cố")})
				if err != nil || res.Status != 201 {
					t.Fatalf("intake after the restart: %v %s", err, res)
				}
			}
			p.stop()
			checkDatabase(t, d)
			checkLogsHoldNoPersonalData(t, d.logs.String(), "0912345678", "079123456789", "an@example.vn", "12 Lê Lợi")
		})
	}
}

// databases lists the databases the binary tests run on.
func databases() []string {
	if os.Getenv(storetest.EnvURL) != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// checkLogsHoldNoPersonalData fails when a log line holds one of the values.
func checkLogsHoldNoPersonalData(t *testing.T, logs string, values ...string) {
	t.Helper()
	for _, line := range strings.Split(logs, "\n") {
		for _, v := range values {
			if v != "" && strings.Contains(line, v) {
				t.Errorf("a log line holds personal data %q: %s", v, abbreviate(line, 400))
			}
		}
	}
}

// TestCrashDuringImport kills the binary in the middle of a large CSV import, once the import
// is writing, and checks after a restart that the import is all there or not there at all
// (nothing of it, unless it had committed), and that importing works again.
func TestCrashDuringImport(t *testing.T) {
	for _, db := range databases() {
		t.Run(db, func(t *testing.T) {
			d := newDeployment(t, db == "postgres")
			p := d.start()
			admin, _ := p.setUp()
			rounds := 1
			if long() {
				rounds = 3
			}
			for round := 0; round < rounds; round++ {
				rows := 20_000
				csv := importCSV(round, rows)
				before := storedCounts(t, d)
				killed, answered := importAndKill(t, p, d, admin, csv)
				if !killed {
					t.Fatalf("round %d: the import of %d rows ended (%s) before it could be killed while writing", round, rows, answered)
				}
				p = d.start()
				after := storedCounts(t, d)
				imported := importedCount(t, d, round)
				switch {
				case imported == 0:
					for k, v := range before {
						if after[k] != v {
							t.Errorf("round %d: %s went from %d to %d although nothing of the import is stored", round, k, v, after[k])
						}
					}
				case imported == int64(rows):
					t.Logf("round %d: the import had committed when it was killed", round)
				default:
					t.Errorf("round %d: %d of the %d rows of the killed import are stored: an import is all rows or none", round, imported, rows)
				}
				t.Logf("round %d: killed while writing; %d rows stored", round, imported)
			}
			checkDatabase(t, d)
			// The same file imports in full now.
			small := importCSV(99, 50)
			res, err := send(p.base, request{Method: "POST", Path: "/api/v1/imports/dossiers", Token: admin, Type: "text/csv", Body: small})
			if err != nil || res.Status != 200 {
				t.Fatalf("import after the restart: %v %s", err, res)
			}
			if n := importedCount(t, d, 99); n != 50 {
				t.Errorf("import after the restart stored %d rows, want 50", n)
			}
			p.stop()
		})
	}
}

// importCSV is an import of rows valid dossiers at the binary tests' agency whose applicants
// are named for the round.
func importCSV(round, rows int) string { return importCSVAt(crashAgency, round, rows) }

// importCSVAt is importCSV at agency.
func importCSVAt(agency string, round, rows int) string {
	var b strings.Builder
	b.WriteString(csvHeader + "\n")
	for i := 0; i < rows; i++ {
		day := 1 + i%28
		fmt.Fprintf(&b, ",%s,%s,Nhập Lô %d Số %06d,,09%08d,direct,direct,2024-02-%02dT08:%02d:00+07:00,,2024-02-%02dT16:00:00+07:00,approved,,,,\n",
			agency, procCode, round, i, i, day, i%60, day)
	}
	return b.String()
}

// importedCount counts the stored dossiers of a round's import.
func importedCount(t *testing.T, d *deployment, round int) int64 {
	st, err := store.Open(context.Background(), d.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return scalar(t, st, `SELECT COUNT(*) FROM dossiers WHERE applicant_name LIKE ?`, fmt.Sprintf("Nhập Lô %d Số %%", round))
}

// storedCounts counts the rows the import writes to.
func storedCounts(t *testing.T, d *deployment) map[string]int64 {
	st, err := store.Open(context.Background(), d.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return tableCounts(t, st)
}

// importAndKill posts the import and kills the process once the import is writing to the
// database (the WAL of SQLite grows; PostgreSQL shows the import's INSERT). It reports whether
// it killed the import, or how the import ended first.
func importAndKill(t *testing.T, p *process, d *deployment, token, csv string) (killed bool, answered string) {
	t.Helper()
	type result struct {
		res response
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := send(p.base, request{Method: "POST", Path: "/api/v1/imports/dossiers", Token: token, Type: "text/csv", Body: csv})
		done <- result{res, err}
	}()
	writing := writingProbe(t, d)
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case r := <-done:
			return false, fmt.Sprintf("%v %s", r.err, r.res)
		default:
		}
		if writing() {
			// Well into the writing: several batches of rows are written by now.
			select {
			case r := <-done:
				return false, fmt.Sprintf("%v %s", r.err, r.res)
			case <-time.After(250 * time.Millisecond):
			}
			p.kill()
			r := <-done
			if r.err == nil && r.res.Status == 200 {
				return true, "answered 200 before the kill"
			}
			return true, ""
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false, "still running after 90 s"
}

// writingProbe returns a function that reports whether an import transaction is writing.
func writingProbe(t *testing.T, d *deployment) func() bool {
	t.Helper()
	if d.opts.URL == "" {
		wal := filepath.Join(d.opts.DataDir, "motcua.db-wal")
		size := func() int64 {
			fi, err := os.Stat(wal)
			if err != nil {
				return 0
			}
			return fi.Size()
		}
		base := size()
		return func() bool { return size() > base+2<<20 }
	}
	st, err := store.Open(context.Background(), store.Options{URL: d.opts.URL, MaxConn: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	u, err := url.Parse(d.opts.URL)
	if err != nil {
		t.Fatal(err)
	}
	app := u.Query().Get("application_name")
	return func() bool {
		var n int64
		err := st.DB().Raw(`SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()
			AND state IN ('active', 'idle in transaction') AND xact_start IS NOT NULL
			AND (query ILIKE 'INSERT INTO "dossiers"%' OR query ILIKE 'INSERT INTO "dossier_events"%'
				OR query ILIKE 'COPY "dossiers"%' OR query ILIKE 'COPY "dossier_events"%')`, app).Scan(&n).Error
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("pg_stat_activity: %v", err)
		}
		return n > 0
	}
}
