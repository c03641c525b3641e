package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/api"
	"motcua/qr"
	"motcua/store"
	"motcua/store/storetest"
)

// pgNode is one PostgreSQL server of a replicated pair (or a restored copy) that a test runs
// on loopback in a directory of its own: a primary, a streaming standby of it, a copy restored
// from a base backup and archived WAL.
type pgNode struct {
	t    *testing.T
	bin  string
	dir  string // the node's directory: data/, pg.log, and the socket
	port int
}

// haBin returns the PostgreSQL binaries (MOTCUA_PG_BIN, else the newest installed under
// /usr/lib/postgresql); without them the test is skipped, unless MOTCUA_REQUIRE_TOOLS=1.
// scripts/test.sh runs these tests once, in its PostgreSQL half: they start clusters of
// their own whatever the database of the other tests.
func haBin(t *testing.T) string {
	t.Helper()
	if os.Getenv("MOTCUA_REQUIRE_TOOLS") == "1" && os.Getenv(storetest.EnvURL) == "" {
		t.Skip("run in the PostgreSQL half of scripts/test.sh")
	}
	bin := pgBin()
	if bin == "" {
		found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_basebackup")
		sort.Strings(found)
		if len(found) > 0 {
			bin = filepath.Dir(found[len(found)-1])
		}
	}
	if bin == "" {
		if os.Getenv("MOTCUA_REQUIRE_TOOLS") == "1" {
			t.Fatal("no PostgreSQL binaries (set MOTCUA_PG_BIN)")
		}
		t.Skip("no PostgreSQL binaries (MOTCUA_PG_BIN): replication needs clusters of the test's own")
	}
	return bin
}

// newNodeDir makes a directory the postgres user owns, removed when the test ends.
func newNodeDir(t *testing.T, bin string) *pgNode {
	t.Helper()
	dir, err := os.MkdirTemp("", "motcua-ha-")
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "postgres", dir).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v %s", err, out)
		}
	}
	n := &pgNode{t: t, bin: bin, dir: dir}
	t.Cleanup(func() {
		n.pgctl("-m", "immediate", "stop").Run()
		os.RemoveAll(dir)
	})
	return n
}

func (n *pgNode) data() string { return filepath.Join(n.dir, "data") }

func (n *pgNode) pgctl(args ...string) *exec.Cmd {
	return runAsPostgres(filepath.Join(n.bin, "pg_ctl"), append([]string{"-D", n.data()}, args...)...)
}

func (n *pgNode) run(name string, args ...string) {
	n.t.Helper()
	if out, err := runAsPostgres(filepath.Join(n.bin, name), args...).CombinedOutput(); err != nil {
		n.t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

// conf appends settings to the node's postgresql.conf (the last setting of a name wins).
func (n *pgNode) conf(settings ...string) {
	n.t.Helper()
	f, err := os.OpenFile(filepath.Join(n.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		n.t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("\n" + strings.Join(settings, "\n") + "\n"); err != nil {
		n.t.Fatal(err)
	}
}

// start starts the node on a free port of 127.0.0.1 and waits until it accepts connections
// (a standby: until it accepts read-only ones).
func (n *pgNode) start() {
	n.t.Helper()
	for i := 0; i < 10; i++ {
		n.port = freePort(n.t)
		n.conf(fmt.Sprintf("port = %d", n.port), "listen_addresses = '127.0.0.1'",
			fmt.Sprintf("unix_socket_directories = '%s'", n.dir), "fsync = off")
		if n.pgctl("-w", "-t", "60", "-l", filepath.Join(n.dir, "pg.log"), "start").Run() == nil {
			return
		}
	}
	n.t.Fatalf("could not start PostgreSQL:\n%s", n.log())
}

// restart starts a stopped node again on its port.
func (n *pgNode) restart() {
	n.t.Helper()
	if out, err := n.pgctl("-w", "-t", "60", "-l", filepath.Join(n.dir, "pg.log"), "start").CombinedOutput(); err != nil {
		n.t.Fatalf("pg_ctl start: %v %s\n%s", err, out, n.log())
	}
}

// kill stops the node the way a crash does: no checkpoint, connections cut.
func (n *pgNode) kill() {
	n.t.Helper()
	if out, err := n.pgctl("-m", "immediate", "-w", "stop").CombinedOutput(); err != nil {
		n.t.Fatalf("pg_ctl stop: %v %s", err, out)
	}
}

func (n *pgNode) log() string {
	b, _ := os.ReadFile(filepath.Join(n.dir, "pg.log"))
	return tail(string(b), 3000)
}

func (n *pgNode) addr() string { return fmt.Sprintf("127.0.0.1:%d", n.port) }

func (n *pgNode) url() string {
	return "postgres://postgres@" + n.addr() + "/postgres?sslmode=disable&connect_timeout=2"
}

// newPrimary initialises and starts a primary with the settings given.
func newPrimary(t *testing.T, settings ...string) *pgNode {
	t.Helper()
	bin := haBin(t)
	n := newNodeDir(t, bin)
	n.run("initdb", "-D", n.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
	n.conf(append([]string{"wal_level = replica", "max_wal_senders = 5", "wal_keep_size = '256MB'"}, settings...)...)
	n.start()
	return n
}

// standby makes a streaming standby of n with pg_basebackup -R and starts it with settings.
func (n *pgNode) standby(settings ...string) *pgNode {
	n.t.Helper()
	s := newNodeDir(n.t, n.bin)
	n.run("pg_basebackup", "-D", s.data(), "-h", "127.0.0.1", "-p", fmt.Sprint(n.port), "-U", "postgres", "-R", "-X", "stream", "-c", "fast")
	s.conf(append([]string{"hot_standby = on", "synchronous_standby_names = ''", "archive_mode = off"}, settings...)...)
	s.start()
	return s
}

// query runs one statement on the node and scans its single row into dest.
func (n *pgNode) query(dest []any, sql string, args ...any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, n.url())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return conn.QueryRow(ctx, sql, args...).Scan(dest...)
}

// waitFor polls cond every 50 ms until it holds, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitStandby waits until n has a streaming standby in state (sync or async).
func (n *pgNode) waitStandby(state string) {
	n.t.Helper()
	waitFor(n.t, 30*time.Second, "a "+state+" standby", func() bool {
		var ok bool
		err := n.query([]any{&ok}, `SELECT count(*) > 0 FROM pg_stat_replication WHERE sync_state = $1 AND state = 'streaming'`, state)
		return err == nil && ok
	})
}

// openHA opens and migrates a store over primaryURL, reading from replicaURL.
func openHA(t *testing.T, primaryURL, replicaURL string) (*store.Store, store.Options) {
	t.Helper()
	ctx := context.Background()
	opts := store.Options{URL: primaryURL, ReplicaURL: replicaURL, MaxConn: 16}
	st, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st, opts
}

// check503 says what is wrong with an answer that should be 200/201 or a 503 the client may retry.
func check503(res response) string {
	if res.Status != 503 {
		return fmt.Sprintf("got %s", res)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") || res.json()["code"] != "unavailable" {
		return fmt.Sprintf("503 that is not problem+json unavailable: %s", res)
	}
	if res.Header.Get("Retry-After") == "" {
		return "503 without Retry-After"
	}
	return ""
}

// TestFailoverToSynchronousStandby runs the service over a primary and a synchronous standby
// (a multi-host URL with target_session_attrs=read-write, reads from the standby) while
// counters take dossiers in and citizens look one up; kills the primary (pg_ctl -m immediate),
// promotes the standby (pg_ctl promote), and checks that every acknowledged dossier is on the
// new primary with its intake event, that no code was issued twice, that intake resumed
// without a restart of the service (every failure meanwhile a 503 problem+json with
// Retry-After, never a 500), that the lookups answered 200 throughout, and that the change
// listener and the scheduler's claims found the new primary.
func TestFailoverToSynchronousStandby(t *testing.T) {
	t.Parallel()
	primary := newPrimary(t, "synchronous_standby_names = '*'", "synchronous_commit = on")
	standby := primary.standby()
	primary.waitStandby("sync")

	multi := fmt.Sprintf("postgres://postgres@%s,%s/postgres?sslmode=disable&connect_timeout=2&target_session_attrs=read-write",
		primary.addr(), standby.addr())
	st, opts := openHA(t, multi, standby.url())
	h := newHarnessOn(t, st, opts)
	h.mustProcedure()
	d := h.mustIntake(ward1Code, "Trần Thị Tra Cứu")
	lookup, _ := qr.TokenFromURL(d["lookup_url"].(string))
	// The change feed's listener (store.Cache) is connected before the failover.
	_ = store.NewDossierCache[int](st, 10)
	waitFor(t, 10*time.Second, "the change listener", st.ChangesLive)

	var (
		mu       sync.Mutex
		acked    = map[string]string{} // code → applicant name
		problems []string
		fails    atomic.Int64 // intakes answered 503
		okCount  atomic.Int64
		lookups  atomic.Int64
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	problem := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	counters := []string{"ward1.reception", "ward2.reception", "city.reception"}
	agencyOf := map[string]string{"ward1.reception": ward1Code, "ward2.reception": ward2Code, "city.reception": cityCode}
	for i := 0; i < 8; i++ {
		user := counters[i%len(counters)]
		tok := h.token(user)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("Quầy %d Hồ Sơ %d", i, n)
				res, err := send(h.base, request{Method: "POST", Path: "/api/v1/dossiers", Token: tok, Body: intakeBody(agencyOf[user], name)})
				switch {
				case err != nil:
					problem("intake: %v", err)
				case res.Status == 201:
					code, _ := res.json()["code"].(string)
					mu.Lock()
					if prev, dup := acked[code]; dup {
						problems = append(problems, fmt.Sprintf("code %s acknowledged twice (%s, %s)", code, prev, name))
					}
					acked[code] = name
					mu.Unlock()
					okCount.Add(1)
				default:
					if p := check503(res); p != "" {
						problem("intake: %s", p)
					}
					fails.Add(1)
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	pub := &rotator{h: h, per: 25} // the public rate limit per address is not what this test is about
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				path := "/api/v1/public/dossiers/" + lookup
				if n%2 == 1 {
					path = "/t/" + lookup
				}
				res, err := send(pub.next(), request{Method: "GET", Path: path})
				if err != nil || res.Status != 200 {
					problem("lookup %s: %v %s", path, err, res)
				}
				lookups.Add(1)
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	finish := func() {
		select {
		case <-stop:
		default:
			close(stop)
			wg.Wait()
		}
	}
	defer finish()

	warm := okCount.Load()
	waitFor(t, 30*time.Second, "40 dossiers taken in and 20 lookups", func() bool { return okCount.Load() >= warm+40 && lookups.Load() >= 20 })
	primary.kill()
	killedAt, ackedAtKill, lookupsAtKill := time.Now(), okCount.Load(), lookups.Load()
	// Intake answers 503 while there is no primary; lookups go on from the standby.
	waitFor(t, 10*time.Second, "intake to fail", func() bool { return fails.Load() > 0 })
	waitFor(t, 10*time.Second, "lookups while there is no primary", func() bool { return lookups.Load() >= lookupsAtKill+20 })
	// The staff's reads are answered by the standby too.
	for _, path := range []string{"/api/v1/dossiers/" + d["code"].(string), "/api/v1/dossiers?agency_code=" + ward1Code,
		"/api/v1/dossiers?q=tra+cuu", "/api/v1/reports/appendix?period=2024&live=true&agency_code=" + cityCode} {
		if res := h.do(request{Method: "GET", Path: path, Token: h.token("admin")}); res.Status != 200 {
			t.Errorf("no primary: GET %s: %s", path, res)
		}
	}
	standby.run("pg_ctl", "-D", standby.data(), "-w", "-t", "60", "promote")
	promotedAt, ackedAtPromotion := time.Now(), okCount.Load()
	lookupsAtPromotion := lookups.Load()
	waitFor(t, 30*time.Second, "intake to resume on the promoted standby", func() bool {
		return okCount.Load() >= ackedAtPromotion+40 && lookups.Load() >= lookupsAtPromotion+20
	})
	resumedAfter := time.Since(promotedAt)
	finish()
	t.Logf("%d dossiers acknowledged (%d before the kill), %d intakes answered 503, %d lookups; no primary for %s, intake back %s after the promotion",
		okCount.Load(), ackedAtKill, fails.Load(), lookups.Load(), promotedAt.Sub(killedAt).Round(time.Millisecond), resumedAfter.Round(time.Millisecond))
	for _, p := range problems {
		t.Error(p)
	}

	// Every acknowledged dossier is on the new primary, under its own code, with its intake event.
	var onNew int64
	for code, name := range acked {
		var got string
		var intakes int64
		if err := standby.query([]any{&got, &intakes}, `SELECT d.applicant_name,
			(SELECT count(*) FROM dossier_events e WHERE e.dossier_id = d.id AND e.action = 'intake')
			FROM dossiers d WHERE d.code = $1`, code); err != nil {
			t.Errorf("acknowledged dossier %s (%s): %v", code, name, err)
			continue
		}
		if got != name || intakes != 1 {
			t.Errorf("dossier %s: applicant %q with %d intake events, want %q with 1", code, got, intakes, name)
		}
		onNew++
	}
	var dups int64
	if err := standby.query([]any{&dups}, `SELECT count(*) FROM (SELECT code FROM dossiers GROUP BY code HAVING count(*) > 1) x`); err != nil || dups != 0 {
		t.Errorf("codes held by more than one dossier: %d (%v)", dups, err)
	}
	if onNew == 0 {
		t.Fatal("no dossier acknowledged")
	}
	// The listener and the scheduler's claims follow the new primary.
	waitFor(t, 15*time.Second, "the change listener on the new primary", st.ChangesLive)
	claimed, err := st.ClaimJobRun(context.Background(), "ha-test", "after-failover", "e2e", time.Now())
	if err != nil || !claimed {
		t.Errorf("claim a job run after the failover: %v %v", claimed, err)
	}
}

// TestReadsFromStandby runs the service with reads from an asynchronous standby that applies
// changes 3 s late: a staff member reads their own intake at once (from the primary), a
// citizen's lookup of it is answered by the standby (not found until it applies); when the
// standby dies reads fall back to the primary and answer 200, and once it is back they go to
// it again.
func TestReadsFromStandby(t *testing.T) {
	t.Parallel()
	const delay = 3 * time.Second
	primary := newPrimary(t)
	standby := primary.standby(fmt.Sprintf("recovery_min_apply_delay = '%dms'", delay.Milliseconds()))
	primary.waitStandby("async")
	st, opts := openHA(t, primary.url(), standby.url())
	h := newHarnessOn(t, st, opts)
	h.mustProcedure()
	reception, specialist, admin := h.token("ward1.reception"), h.token("ward1.specialist"), h.token("admin")
	// The schema, the harness's agencies and users and the logins reach the standby first.
	var setUp string
	if err := primary.query([]any{&setUp}, `SELECT pg_current_wal_lsn()::text`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 4*delay, "the standby to apply the set-up", func() bool {
		var done bool
		return standby.query([]any{&done}, `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, setUp) == nil && done
	})
	pub := &rotator{h: h, per: 25}

	// intake takes a dossier in and returns its code, lookup token, and when it was acknowledged.
	intake := func(name string) (string, string, time.Time) {
		t.Helper()
		d := h.must(201, request{Method: "POST", Path: "/api/v1/dossiers", Token: reception, Body: intakeBody(ward1Code, name)}).json()
		lookup, _ := qr.TokenFromURL(d["lookup_url"].(string))
		return d["code"].(string), lookup, time.Now()
	}
	// standbyAnswers reports whether a citizen's lookup just after an intake is answered by the
	// delayed standby (not found yet); ok is false when too long passed to tell.
	standbyAnswers := func() (answered, ok bool) {
		_, lookup, at := intake("Lê Văn Chậm")
		res, err := send(pub.next(), request{Method: "GET", Path: "/api/v1/public/dossiers/" + lookup})
		if err != nil {
			t.Fatal(err)
		}
		if time.Since(at) > delay*2/3 {
			return false, false
		}
		if res.Status != 404 && res.Status != 200 {
			t.Fatalf("lookup: %s", res)
		}
		return res.Status == 404, true
	}

	code, lookup, at := intake("Nguyễn Thị Vừa Ghi")
	// The writer reads their own write at once: from the primary, the standby not having it yet.
	for _, path := range []string{"/api/v1/dossiers/" + code, "/api/v1/dossiers?q=" + code} {
		res := h.must(200, request{Method: "GET", Path: path, Token: reception})
		if !strings.Contains(string(res.Body), code) {
			t.Errorf("GET %s right after the intake: %s", path, res)
		}
	}
	early := time.Since(at) < delay*2/3
	// Someone else reads from the standby, which applies it later.
	res := h.do(request{Method: "GET", Path: "/api/v1/dossiers/" + code, Token: specialist})
	if early && res.Status != 404 {
		t.Errorf("another staff member right after the intake: %s, want 404 from the delayed standby", res)
	}
	waitFor(t, 4*delay, "the standby to apply the intake", func() bool {
		res, err := send(pub.next(), request{Method: "GET", Path: "/api/v1/public/dossiers/" + lookup})
		return err == nil && res.Status == 200
	})

	// The cache of public answers never keeps what the standby read before it had a change
	// the cache had heard of: once the standby applies the change, the citizen sees it.
	cached := api.New(st, api.Config{PublicURL: "http://motcua.test", Secret: testSecret, Version: "e2e", Now: h.clock.Now, PublicCache: 100})
	cachedBase := serve(t, cached)
	waitFor(t, 10*time.Second, "the change listener", st.ChangesLive)
	status := func() string {
		t.Helper()
		res, err := send(cachedBase, request{Method: "GET", Path: "/api/v1/public/dossiers/" + lookup})
		if err != nil || res.Status != 200 {
			t.Fatalf("cached lookup: %v %s", err, res)
		}
		return res.json()["status"].(string)
	}
	before := status()
	status() // kept now
	h.must(200, request{Method: "POST", Path: "/api/v1/dossiers/" + code + "/actions/start", Token: specialist})
	deadline := time.Now().Add(4 * delay)
	for status() == before { // the public answers allow 30 lookups a minute per address
		if time.Now().After(deadline) {
			t.Fatalf("the citizen still sees %q %s after the change: a stale answer was kept", before, 4*delay)
		}
		time.Sleep(500 * time.Millisecond)
	}

	// The standby dies: reads fall back to the primary.
	standby.kill()
	paths := []struct {
		path, token string
	}{
		{"/api/v1/public/dossiers/" + lookup, ""},
		{"/t/" + lookup, ""},
		{"/api/v1/dossiers/" + code, specialist},
		{"/api/v1/dossiers?agency_code=" + ward1Code, specialist},
		{"/api/v1/reports/appendix?period=2024&live=true&agency_code=" + ward1Code, admin},
	}
	for round := 0; round < 3; round++ {
		for _, p := range paths {
			base := h.base
			if p.token == "" {
				base = pub.next()
			}
			res, err := send(base, request{Method: "GET", Path: p.path, Token: p.token})
			if err != nil || res.Status != 200 {
				t.Errorf("standby down, round %d: GET %s: %v %s", round, p.path, err, res)
			}
		}
	}
	// A new intake is read by a citizen at once: from the primary, the standby being away.
	_, fresh, _ := intake("Phạm Văn Không Chờ")
	if res, err := send(pub.next(), request{Method: "GET", Path: "/api/v1/public/dossiers/" + fresh}); err != nil || res.Status != 200 {
		t.Errorf("standby down: lookup of a new dossier: %v %s", err, res)
	}

	// Back: reads go to the standby again.
	standby.restart()
	tried := 0
	waitFor(t, 30*time.Second, "reads to go to the standby again", func() bool {
		answered, ok := standbyAnswers()
		if ok {
			tried++
		}
		return answered
	})
	t.Logf("reads back on the standby after %d tries", tried)
}

// TestPointInTimeRecovery takes a base backup of a primary that archives its WAL (archive_command
// cp), takes a dossier in, marks a restore point, takes another in, and restores the backup
// with the archived WAL up to the restore point: the first dossier is there, the second is not.
func TestPointInTimeRecovery(t *testing.T) {
	t.Parallel()
	bin := haBin(t)
	archive := newNodeDir(t, bin).dir
	primary := newPrimary(t, "archive_mode = on", fmt.Sprintf("archive_command = 'test ! -f %[1]s/%%f && cp %%p %[1]s/%%f.part && mv %[1]s/%%f.part %[1]s/%%f'", archive))
	restored := newNodeDir(t, bin)
	primary.run("pg_basebackup", "-D", restored.data(), "-h", "127.0.0.1", "-p", fmt.Sprint(primary.port), "-U", "postgres", "-X", "stream", "-c", "fast")

	st, opts := openHA(t, primary.url(), "")
	h := newHarnessOn(t, st, opts)
	h.mustProcedure()
	first := h.mustIntake(ward1Code, "Hồ Sơ Trước")["code"].(string)
	var point string
	if err := primary.query([]any{&point}, `SELECT pg_create_restore_point('between-intakes')::text`); err != nil {
		t.Fatal(err)
	}
	second := h.mustIntake(ward1Code, "Hồ Sơ Sau")["code"].(string)
	// Archive the segment holding the second intake, and wait for it to be archived.
	var segment string
	if err := primary.query([]any{&segment}, `SELECT pg_walfile_name(pg_switch_wal())`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the WAL segment "+segment+" to be archived", func() bool {
		_, err := os.Stat(filepath.Join(archive, segment))
		return err == nil
	})
	primary.kill()

	restored.conf(fmt.Sprintf("restore_command = 'cp %s/%%f %%p'", archive), "recovery_target_name = 'between-intakes'",
		"recovery_target_action = 'promote'", "archive_mode = off")
	if err := os.WriteFile(filepath.Join(restored.data(), "recovery.signal"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	restored.start()
	waitFor(t, 60*time.Second, "the restored copy to reach its target and promote", func() bool {
		var inRecovery bool
		return restored.query([]any{&inRecovery}, `SELECT pg_is_in_recovery()`) == nil && !inRecovery
	})
	// The harness's schema lives in the postgres database's search path, as on the primary.
	count := func(code string) int64 {
		var n int64
		if err := restored.query([]any{&n}, `SELECT count(*) FROM dossiers WHERE code = $1`, code); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(first); n != 1 {
		t.Errorf("restored to the point between the intakes: the first dossier %s: %d rows, want 1", first, n)
	}
	if n := count(second); n != 0 {
		t.Errorf("restored to the point between the intakes: the second dossier %s: %d rows, want 0", second, n)
	}
	t.Logf("restore point %s between %s and %s", point, first, second)
}
