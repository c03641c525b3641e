package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/domain"
	"motcua/qr"
	"motcua/store"
)

// Options configure Run.
type Options struct {
	PGBin       string        // directory of the PostgreSQL binaries (pgbench)
	AdminURL    string        // postgres:// URL of a throwaway cluster; Run creates and drops its own databases there
	Binary      string        // the motcua binary: started as the service and as the importer
	WorkDir     string        // scratch space: CSV files, data directories, logs
	Dossiers    int           // history size (default 1,000,000)
	BigDossiers int           // > 0: also measure list/search and the appendix at this size
	ImportRows  int           // rows of the large CSV import (default 1,000,000)
	Phase       time.Duration // length of each load phase and each pgbench run (default 20 s)
	Only        []string      // run only these parts (Parts); none = all
	Log         io.Writer     // progress (nil: discarded)
}

// Parts are the parts of a run that Options.Only may choose.
var Parts = []string{"lookup", "intake", "list", "appendix", "ready", "import", "rejudge"}

// Row is one line of the result table.
type Row struct {
	Measure, Motcua, Baseline, Ratio, Goal, Met string
}

// Report is what Run measured.
type Report struct {
	Rows  []Row
	Notes []string
}

// Markdown renders the table and its notes.
func (r *Report) Markdown() string {
	var b strings.Builder
	b.WriteString("| measure | motcua | baseline (same run) | ratio | goal | met |\n|---|---|---|---|---|---|\n")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", row.Measure, row.Motcua, row.Baseline, row.Ratio, row.Goal, row.Met)
	}
	for _, n := range r.Notes {
		b.WriteString("\n- " + n)
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

type runner struct {
	o        Options
	admin    *pgx.Conn
	report   *Report
	secret   string
	password string
	logf     func(string, ...any)

	monthAppendix time.Duration // a month's appendix over the first history, and its size
	monthSize     string
	monthPerK     float64 // its seconds per 1,000 dossiers in the month's scope
}

// Run measures the service against PostgreSQL's own limits on this machine (see
// BENCHMARKS.md): it generates the history, starts the service as a subprocess on
// loopback, loads it, and returns the table. Each phase is bounded in time.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Dossiers <= 0 {
		o.Dossiers = 1_000_000
	}
	if o.ImportRows <= 0 {
		o.ImportRows = 1_000_000
	}
	if o.Phase <= 0 {
		o.Phase = 20 * time.Second
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	r := &runner{o: o, report: &Report{}, secret: randomHex(32), password: "bench-" + randomHex(8)}
	r.logf = func(format string, args ...any) {
		fmt.Fprintf(o.Log, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	admin, err := pgx.Connect(ctx, o.AdminURL)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", o.AdminURL, err)
	}
	defer admin.Close(context.Background())
	r.admin = admin
	if err := r.run(ctx); err != nil {
		return r.report, err
	}
	return r.report, nil
}

func (r *runner) add(row Row) {
	r.report.Rows = append(r.report.Rows, row)
	r.logf("result: %s: %s (baseline %s, ratio %s, goal %s: %s)", row.Measure, row.Motcua, row.Baseline, row.Ratio, row.Goal, row.Met)
}

func (r *runner) note(format string, args ...any) {
	r.report.Notes = append(r.report.Notes, fmt.Sprintf(format, args...))
}

// wants reports whether the run includes part.
func (r *runner) wants(part string) bool {
	return len(r.o.Only) == 0 || slices.Contains(r.o.Only, part)
}

func (r *runner) run(ctx context.Context) error {
	o := r.o
	for _, part := range o.Only {
		if !slices.Contains(Parts, part) {
			return fmt.Errorf("no part %q to run (parts: %s)", part, strings.Join(Parts, ", "))
		}
	}
	p, err := NewProvince(10, 15, 100)
	if err != nil {
		return err
	}
	if r.wants("lookup") || r.wants("intake") || r.wants("list") || r.wants("appendix") || r.wants("rejudge") {
		if err := r.historyParts(ctx, p); err != nil {
			return err
		}
	}
	if r.wants("ready") {
		if err := r.sqliteReady(ctx); err != nil {
			return err
		}
	}
	if r.wants("import") {
		if err := r.importPhase(ctx, p, "imp_small", 35_000, domain.Date{Year: 2024, Month: 1, Day: 1},
			domain.Date{Year: 2025, Month: 1, Day: 1}.Start()); err != nil {
			return err
		}
		if err := r.importPhase(ctx, p, "imp_large", o.ImportRows, DefaultFrom, time.Now()); err != nil {
			return err
		}
	}
	if o.BigDossiers > 0 {
		return r.bigParts(ctx, p)
	}
	return nil
}

// historyParts generates the history and measures the service over it.
func (r *runner) historyParts(ctx context.Context, p *Province) error {
	mainURL, gen, err := r.history(ctx, p, "motcua_bench", r.o.Dossiers, 10*time.Minute)
	if err != nil {
		return err
	}

	// PostgreSQL's own numbers come from pgbench on its own database in the same cluster.
	pgbenchURL, err := r.createDB(ctx, "pgbench")
	if err != nil {
		return err
	}
	if _, err := r.pgbench(ctx, pgbenchURL, "-i", "-s", "10", "-q"); err != nil {
		return err
	}

	srv, err := r.startServer(ctx, mainURL, "main")
	if err != nil {
		return err
	}
	defer srv.stop()
	r.note("The service on PostgreSQL was ready (/readyz 200) %s after it was started on the %s-dossier database.", ms(srv.ready), count(gen.Dossiers))
	if r.wants("lookup") {
		if err := r.lookupPhase(ctx, srv, mainURL); err != nil {
			return err
		}
	}
	if r.wants("intake") {
		if err := r.intakePhase(ctx, srv, p, pgbenchURL); err != nil {
			return err
		}
	}
	if r.wants("list") {
		if err := r.listPhase(ctx, srv, mainURL, count(gen.Dossiers)); err != nil {
			return err
		}
	}
	if r.wants("appendix") {
		if err := r.appendixPhase(ctx, srv, mainURL, p, 2025, gen.PerYear[2025], count(gen.Dossiers)); err != nil {
			return err
		}
	}
	if r.wants("rejudge") { // last: it changes the calendar
		if err := r.rejudgePhase(ctx, srv, p, count(gen.Dossiers)); err != nil {
			return err
		}
	}
	return nil
}

// bigParts measures list/search and the appendix over a history of o.BigDossiers.
func (r *runner) bigParts(ctx context.Context, p *Province) error {
	bigURL, big, err := r.history(ctx, p, "motcua_big", r.o.BigDossiers, 30*time.Minute)
	if err != nil {
		return err
	}
	bsrv, err := r.startServer(ctx, bigURL, "big")
	if err != nil {
		return err
	}
	defer bsrv.stop()
	if err := r.listPhase(ctx, bsrv, bigURL, count(big.Dossiers)); err != nil {
		return err
	}
	return r.appendixPhase(ctx, bsrv, bigURL, p, 2025, big.PerYear[2025], count(big.Dossiers))
}

// history creates database db, generates n dossiers of history into it and reports how long
// that took (the goal: within); it returns the database's URL.
func (r *runner) history(ctx context.Context, p *Province, db string, n int, within time.Duration) (string, *Stats, error) {
	dbURL, err := r.createDB(ctx, db)
	if err != nil {
		return "", nil, err
	}
	r.logf("generating %d dossiers into %s", n, db)
	gen, err := r.generate(ctx, dbURL, p, n)
	if err != nil {
		return "", nil, err
	}
	r.add(Row{Measure: fmt.Sprintf("generate %s dossiers (%s events, COPY)", count(gen.Dossiers), count(gen.Events)),
		Motcua:   fmt.Sprintf("%s (COPY %s, indexes %s, vacuum %s)", secs(gen.Total), secs(gen.Copy), secs(gen.Indexes), secs(gen.Vacuum)),
		Baseline: "–", Ratio: "–", Goal: "minutes", Met: yes(gen.Total < within)})
	return dbURL, gen, nil
}

// createDB makes a fresh database on the cluster and returns its URL.
func (r *runner) createDB(ctx context.Context, name string) (string, error) {
	id := pgx.Identifier{name}.Sanitize()
	if _, err := r.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := r.admin.Exec(ctx, "CREATE DATABASE "+id); err != nil {
		return "", err
	}
	u, err := url.Parse(r.o.AdminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func (r *runner) openStore(ctx context.Context, dbURL string) (*store.Store, error) {
	st, err := store.Open(ctx, store.Options{URL: dbURL, MaxConn: 4})
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func (r *runner) generate(ctx context.Context, dbURL string, p *Province, n int) (*Stats, error) {
	st, err := r.openStore(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return Generate(ctx, st, p, Config{Dossiers: n, Seed: 1, Log: r.o.Log})
}

var tpsRE = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbench runs pgbench against dbURL and returns its transactions per second (0 for -i).
func (r *runner) pgbench(ctx context.Context, dbURL string, args ...string) (float64, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return 0, err
	}
	full := append([]string{"-h", u.Hostname(), "-p", u.Port(), "-U", u.User.Username()}, args...)
	full = append(full, strings.TrimPrefix(u.Path, "/"))
	r.logf("pgbench %s", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, filepath.Join(r.o.PGBin, "pgbench"), full...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("pgbench %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	if args[0] == "-i" {
		return 0, nil
	}
	m := tpsRE.FindStringSubmatch(out.String())
	if m == nil {
		return 0, fmt.Errorf("pgbench %s: no tps in its output:\n%s", strings.Join(args, " "), out.String())
	}
	return strconv.ParseFloat(m[1], 64)
}

// server is the service running as a subprocess.
type server struct {
	cmd   *exec.Cmd
	base  string
	ready time.Duration
	token string // admin's
	done  chan error
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer starts `motcua serve` on dbURL ("" = SQLite in a fresh data directory) with
// the extra environment env, waits for /readyz to answer 200 and logs in as admin.
func (r *runner) startServer(ctx context.Context, dbURL, name string, env ...string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	dataDir := filepath.Join(r.o.WorkDir, "data-"+name)
	if err := os.MkdirAll(r.o.WorkDir, 0o700); err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(r.o.WorkDir, "server-"+name+".log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(r.o.Binary, "serve")
	cmd.Env = append(os.Environ(), "MOTCUA_ADDR="+addr, "MOTCUA_DATABASE_URL="+dbURL, "MOTCUA_DATA_DIR="+dataDir,
		"MOTCUA_PUBLIC_URL=http://"+addr, "MOTCUA_SECRET="+r.secret, "MOTCUA_ADMIN_PASSWORD="+r.password, "MOTCUA_SCHEDULER=off")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case err := <-s.done:
			s.done <- err
			return nil, fmt.Errorf("the service stopped before it was ready (%v); see %s", err, logFile.Name())
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		default:
		}
		if time.Since(start) > 2*time.Minute {
			s.stop()
			return nil, fmt.Errorf("the service was not ready after 2 minutes; see %s", logFile.Name())
		}
		resp, err := client.Get(s.base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.ready = time.Since(start)
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	tok, err := s.login("admin", r.password)
	if err != nil {
		s.stop()
		return nil, err
	}
	s.token = tok
	return s, nil
}

func (s *server) login(user, password string) (string, error) {
	b, _ := json.Marshal(map[string]string{"username": user, "password": password})
	resp, err := http.Post(s.base+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		return "", fmt.Errorf("login as %s: status %d: %s", user, resp.StatusCode, body)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	return out.Token, nil
}

// do sends one request with the admin's token (token, when given; none for "-") and decodes a JSON answer into out.
func (s *server) do(method, path, token string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		return 0, err
	}
	if token == "" {
		token = s.token
	}
	if token != "-" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
	}
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// peakRSS returns the process's peak resident set (VmHWM), in bytes.
func (s *server) peakRSS() (int64, error) { return vmHWM(s.cmd.Process.Pid) }

// vmHWM returns the peak resident set of process pid (VmHWM), in bytes.
func vmHWM(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/<pid>/status")
}

// stop sends SIGTERM and waits (SIGKILL after 15 s); safe to call twice.
func (s *server) stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.done <- err
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		s.done <- <-s.done
	}
}

// lookupPhase: the citizen's status lookup by token at 64 connections against pgbench -S,
// answered from the service's cache of public answers and, by a second service started
// without it, from the database.
func (r *runner) lookupPhase(ctx context.Context, srv *server, dbURL string) error {
	tps, err := r.pgbench(ctx, r.pgbenchURL(), "-S", "-c", "64", "-T", strconv.Itoa(int(r.o.Phase.Seconds())))
	if err != nil {
		return err
	}
	tokens, err := r.sampleTokens(ctx, srv, 20_000)
	if err != nil {
		return err
	}
	path := "/api/v1/public/dossiers/"
	lookups := func(srv *server, what string) (Result, error) {
		if code, err := srv.do("GET", path+tokens[0], "-", nil, nil); err != nil {
			return Result{}, err
		} else if code != http.StatusOK {
			return Result{}, fmt.Errorf("GET %s<token>: status %d", path, code)
		}
		load := Load{Workers: 64, Want: http.StatusOK, PerAddress: 25, Request: func(w int, n int64) (*http.Request, error) {
			return http.NewRequest("GET", srv.base+path+tokens[(int64(w)*7919+n*104729)%int64(len(tokens))], nil)
		}}
		// Warm up with about two lookups of each sampled dossier: the measure is of the
		// steady state, when the cache holds them (the row without the cache shows a miss).
		warm := load
		warm.Duration, warm.MaxRequests = 30*time.Second, int64(2*len(tokens))
		warm.Run(ctx)
		load.Duration = r.o.Phase
		r.logf("load: public lookups %s, 64 connections, %s", what, load.Duration)
		res := load.Run(ctx)
		if res.Requests == 0 {
			return Result{}, fmt.Errorf("public lookups: nothing answered (%d errors, first: %s)", res.Errors, res.FirstError)
		}
		return res, nil
	}
	res, err := lookups(srv, "(cache)")
	if err != nil {
		return err
	}
	ratio := res.Rate() / tps
	p99 := res.Quantile(0.99)
	r.add(Row{Measure: fmt.Sprintf("public lookup by token `GET /api/v1/public/dossiers/{token}`, 64 connections, %s dossiers looked up again and again (the cache of public answers holds them)", count(int64(len(tokens)))),
		Motcua:   fmt.Sprintf("%.0f req/s, p50 %s, p99 %s%s", res.Rate(), ms(res.Quantile(0.5)), ms(p99), errNote(res)),
		Baseline: fmt.Sprintf("`pgbench -S -c 64 -T %d`: %.0f tps", int(r.o.Phase.Seconds()), tps),
		Ratio:    fmt.Sprintf("%.2f×", ratio), Goal: "≥ 0.8×, p99 < 20 ms", Met: yes(ratio >= 0.8 && p99 < 20*time.Millisecond)})
	rss, err := srv.peakRSS()
	if err != nil {
		return err
	}
	r.add(Row{Measure: "service peak RSS (VmHWM) after the lookup load", Motcua: mb(rss), Baseline: "–", Ratio: "–",
		Goal: "< 150 MB", Met: yes(rss < 150<<20)})

	// The same load on a service without the cache: every answer from the database.
	nocache, err := r.startServer(ctx, dbURL, "nocache", "MOTCUA_PUBLIC_CACHE=0")
	if err != nil {
		return err
	}
	res, err = lookups(nocache, "(no cache)")
	nocache.stop()
	if err != nil {
		return err
	}
	r.add(Row{Measure: "(the same, `MOTCUA_PUBLIC_CACHE=0`: every answer read from the database)",
		Motcua:   fmt.Sprintf("%.0f req/s, p50 %s, p99 %s%s", res.Rate(), ms(res.Quantile(0.5)), ms(res.Quantile(0.99)), errNote(res)),
		Baseline: fmt.Sprintf("pgbench -S: %.0f tps", tps), Ratio: fmt.Sprintf("%.2f×", res.Rate()/tps), Goal: "informational", Met: "–"})

	// What the HTTP stack and the load client alone reach here: a ceiling for the lookup's ratio.
	health := Load{Workers: 64, Duration: r.o.Phase / 2, Want: http.StatusOK, PerAddress: 25, Request: func(w int, n int64) (*http.Request, error) {
		return http.NewRequest("GET", srv.base+"/healthz", nil)
	}}
	hres := health.Run(ctx)
	r.add(Row{Measure: "(ceiling) `GET /healthz`, no database, same client and connections",
		Motcua:   fmt.Sprintf("%.0f req/s, p99 %s%s", hres.Rate(), ms(hres.Quantile(0.99)), errNote(hres)),
		Baseline: fmt.Sprintf("pgbench -S: %.0f tps", tps), Ratio: fmt.Sprintf("%.2f×", hres.Rate()/tps), Goal: "informational", Met: "–"})
	return nil
}

func (r *runner) pgbenchURL() string {
	u, _ := url.Parse(r.o.AdminURL)
	u.Path = "/pgbench"
	return u.String()
}

// sampleTokens returns the lookup tokens of up to n dossiers spread over the history.
func (r *runner) sampleTokens(ctx context.Context, srv *server, n int) ([]string, error) {
	signer, err := qr.NewSigner([]byte(r.secret))
	if err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, r.dbURL("motcua_bench"))
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT lookup_id FROM dossiers TABLESAMPLE SYSTEM (5) LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, errors.New("no dossiers to look up")
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		if out[i], err = signer.TokenFor(id); err != nil {
			return nil, err
		}
	}
	mrand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out, nil
}

func (r *runner) dbURL(name string) string {
	u, _ := url.Parse(r.o.AdminURL)
	u.Path = "/" + name
	return u.String()
}

// intakePhase: dossiers taken in at 16 connections, across the communes, against pgbench -N.
func (r *runner) intakePhase(ctx context.Context, srv *server, p *Province, pgbenchURL string) error {
	tps, err := r.pgbench(ctx, pgbenchURL, "-N", "-c", "16", "-T", strconv.Itoa(int(r.o.Phase.Seconds())))
	if err != nil {
		return err
	}
	procs := communeProcedures(p)
	load := intakeLoad(srv, intakeBodies(p, true, "Nguyễn", "094"), r.o.Phase)
	r.logf("load: intake, 16 connections, %s", load.Duration)
	res := load.Run(ctx)
	if res.Requests == 0 {
		return fmt.Errorf("intake: nothing stored (%d errors, first: %s)", res.Errors, res.FirstError)
	}
	ratio := res.Rate() / tps
	r.add(Row{Measure: "intake `POST /api/v1/dossiers`, 16 connections",
		Motcua:   fmt.Sprintf("%.0f dossiers/s, p50 %s, p99 %s%s", res.Rate(), ms(res.Quantile(0.5)), ms(res.Quantile(0.99)), errNote(res)),
		Baseline: fmt.Sprintf("`pgbench -N -c 16 -T %d`: %.0f tps", int(r.o.Phase.Seconds()), tps),
		Ratio:    fmt.Sprintf("%.2f×", ratio), Goal: "≥ 0.5×", Met: yes(ratio >= 0.5)})

	// The intake's own statements run by pgbench, without HTTP or Go: a ceiling for its ratio.
	script := filepath.Join(r.o.WorkDir, "intake.sql")
	if err := os.WriteFile(script, []byte(fmt.Sprintf(intakeScript, procs[0].Code, procs[0].Name, procs[0].Field)), 0o644); err != nil {
		return err
	}
	sqlTPS, err := r.pgbench(ctx, r.dbURL("motcua_bench"), "-n", "-M", "prepared", "-f", script, "-c", "16", "-T", strconv.Itoa(int(r.o.Phase.Seconds()/2)))
	if err != nil {
		return err
	}
	r.add(Row{Measure: "(ceiling) the intake's SQL alone: `pgbench -f intake.sql -M prepared -c 16` on the dossier tables",
		Motcua: fmt.Sprintf("%.0f tps", sqlTPS), Baseline: fmt.Sprintf("pgbench -N: %.0f tps", tps),
		Ratio: fmt.Sprintf("%.2f×", sqlTPS/tps), Goal: "informational", Met: "–"})
	return nil
}

// intakeScript is what one intake asks of the database, as a pgbench script, in agencies of
// the province: the one statement of store.intakePostgres (daily sequence, dossier with its
// indexes, intake event); the procedure comes from the service's catalogue cache.
const intakeScript = `\set a random(1, 100)
WITH seq AS (
	INSERT INTO dossier_sequences (agency_code, day, last) VALUES ('001.' || lpad(:a::text, 3, '0') || '.00.H50', '2099-12-31', 1)
	ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last
), d AS (
	INSERT INTO dossiers (code, lookup_id, agency_code, agency_path, agency_level, procedure_code, procedure_name, field,
		time_limit_days, time_limit_hours, channel, return_channel, applicant_name, applicant_name_norm, applicant_name_pairs,
		applicant_id_number, applicant_phone, applicant_email, applicant_address, note, digitized, result_digitized, status,
		received_at, clock_start, due_at, appointment_at, clock_stopped, version, created_at, updated_at)
	SELECT 'PGBENCH-' || md5(random()::text) || '-' || last, md5(random()::text), '001.' || lpad(:a::text, 3, '0') || '.00.H50',
		'/000.00.00.H50/001.' || lpad(:a::text, 3, '0') || '.00.H50/', 'commune', '%s', '%s', '%s', 0, 0, 'direct', 'direct',
		'Nguyễn Văn An', 'nguyen van an', 'nguyen0van van0an', '094123456789', '0912345678', '', 'Ấp An Lạc, tỉnh Sông Hậu', '', false, false, 'received',
		now(), now(), now() + interval '30 days', now() + interval '30 days', false, 1, now(), now() FROM seq RETURNING id
), e AS (
	INSERT INTO dossier_events (dossier_id, seq, at, action, from_status, to_status, actor, note, details, recorded_at)
	SELECT id, 1, now(), 'intake', '', 'received', 'pgbench', '', '{"channel":"direct"}', now() FROM d
)
SELECT id FROM d;
`

// listPhase: what staff wait for, one request at a time: the overdue list of one commune, and
// a search by a name typed without diacritics.
func (r *runner) listPhase(ctx context.Context, srv *server, dbURL, size string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var commune string
	if err := conn.QueryRow(ctx, `SELECT agency_code FROM dossiers WHERE agency_code LIKE '001.%' AND received_at > now() - interval '90 days'
		GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`).Scan(&commune); err != nil {
		return fmt.Errorf("pick a commune: %w", err)
	}
	rows, err := conn.Query(ctx, `SELECT applicant_name FROM dossiers TABLESAMPLE SYSTEM (1)
		WHERE applicant_name NOT LIKE 'Công ty%' LIMIT 200`)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(names) == 0 {
		return fmt.Errorf("sample names: %v", err)
	}
	user := "bench." + strings.ToLower(strings.ReplaceAll(commune, ".", ""))
	pw := "pw-" + randomHex(8)
	if code, err := srv.do("POST", "/api/v1/users", "", map[string]any{"username": user, "password": pw,
		"roles": []string{"reception", "specialist"}, "agency_code": commune}, nil); err != nil || code != http.StatusCreated && code != http.StatusConflict {
		return fmt.Errorf("create the commune's staff user: status %d, %v", code, err)
	}
	tok, err := srv.login(user, pw)
	if err != nil {
		return err
	}
	name := func(n int64) string { return url.QueryEscape(domain.FoldText(names[n%int64(len(names))])) }
	cases := []struct {
		name, goal, who, token string
		max                    int64
		path                   func(n int64) string
	}{
		{fmt.Sprintf("staff list `overdue=true`, one commune, %s dossiers", size), "p99 < 50 ms", "commune staff", tok, 400, func(n int64) string {
			return "/api/v1/dossiers?overdue=true&agency_code=" + url.QueryEscape(commune)
		}},
		{fmt.Sprintf("staff search `q=` a name without diacritics, %s dossiers", size), "p99 < 50 ms", "commune staff", tok, 400, func(n int64) string {
			return "/api/v1/dossiers?q=" + name(n)
		}},
		{fmt.Sprintf("staff search `q=` a name without diacritics, province-wide, %s dossiers", size), "p99 < 50 ms", "admin, no scope", srv.token, 200,
			func(n int64) string { return "/api/v1/dossiers?q=" + name(n) }},
	}
	for _, c := range cases {
		load := Load{Workers: 1, Duration: r.o.Phase, MaxRequests: c.max, Want: http.StatusOK,
			Request: func(w int, n int64) (*http.Request, error) {
				req, err := http.NewRequest("GET", srv.base+c.path(n), nil)
				if err == nil {
					req.Header.Set("Authorization", "Bearer "+c.token)
				}
				return req, err
			}}
		warm := load
		warm.MaxRequests = 10
		warm.Run(ctx)
		r.logf("load: %s", c.name)
		res := load.Run(ctx)
		if res.Requests == 0 {
			return fmt.Errorf("%s: nothing answered (%d errors, first: %s)", c.name, res.Errors, res.FirstError)
		}
		p99 := res.Quantile(0.99)
		met := yes(p99 < 50*time.Millisecond)
		if c.goal == "informational" {
			met = "–"
		}
		r.add(Row{Measure: c.name, Motcua: fmt.Sprintf("p50 %s, p99 %s (%d requests, one at a time, as %s)%s",
			ms(res.Quantile(0.5)), ms(p99), res.Requests, c.who, errNote(res)), Baseline: "–", Ratio: "–", Goal: c.goal, Met: met})
	}
	return nil
}

// appendixSQL is one hand-written aggregate over the rows the appendix reads: the dossiers of
// the province in scope of the period (received before its end, not closed before its
// start) and those whose result went back by post in it, with every figure of sections III
// and VII per level, procedure and field, in one scan.
const appendixSQL = `
SELECT agency_level, procedure_code, field,
	count(*) FILTER (WHERE in_scope) AS received,
	count(*) FILTER (WHERE in_scope AND received_at < $2) AS carried_over,
	count(*) FILTER (WHERE in_scope AND received_at >= $2 AND channel = 'online') AS new_online,
	count(*) FILTER (WHERE in_scope AND received_at >= $2 AND channel = 'postal') AS new_postal,
	count(*) FILTER (WHERE in_scope AND received_at >= $2 AND channel NOT IN ('online', 'postal')) AS new_direct,
	count(*) FILTER (WHERE in_scope AND resolved_at < $3 AND timeliness = 'early') AS early,
	count(*) FILTER (WHERE in_scope AND resolved_at < $3 AND timeliness = 'on_time') AS on_time,
	count(*) FILTER (WHERE in_scope AND resolved_at < $3 AND timeliness = 'late') AS late,
	count(*) FILTER (WHERE in_scope AND resolved_at < $3 AND timeliness = 'late' AND apologized_at IS NOT NULL) AS late_apology,
	count(*) FILTER (WHERE in_scope AND (closed_at IS NULL OR closed_at >= $3) AND due_at >= $3) AS pending_within,
	count(*) FILTER (WHERE in_scope AND (closed_at IS NULL OR closed_at >= $3) AND due_at < $3) AS pending_overdue,
	count(*) FILTER (WHERE in_scope AND resolved_at IS NULL AND withdrawn_at < $3) AS withdrawn,
	count(*) FILTER (WHERE returned_channel = 'postal' AND returned_at >= $2 AND returned_at < $3) AS returned_postal
FROM (
	SELECT agency_level, procedure_code, field, channel, timeliness, apologized_at, due_at, received_at, resolved_at,
		withdrawn_at, returned_at, returned_channel, COALESCE(resolved_at, withdrawn_at) AS closed_at,
		COALESCE(resolved_at, withdrawn_at) IS NULL OR COALESCE(resolved_at, withdrawn_at) >= $2 AS in_scope
	FROM dossiers
	WHERE agency_path LIKE $1 AND received_at < $3
) d
WHERE in_scope OR returned_channel = 'postal' AND returned_at >= $2 AND returned_at < $3
GROUP BY agency_level, procedure_code, field`

// appendixPhase: the province's annual appendix against appendixSQL, both timed on warm
// caches; and a month's appendix, against the same over the first history measured.
func (r *runner) appendixPhase(ctx context.Context, srv *server, dbURL string, p *Province, year int, inYear int64, size string) error {
	period, err := domain.NewPeriod(domain.PeriodYear, year, 0, domain.CutoffCalendar)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var inScope int64
	hand := func() error {
		rows, err := conn.Query(ctx, appendixSQL, p.Province.Path+"%", period.Start().UTC(), period.End().UTC())
		if err != nil {
			return err
		}
		defer rows.Close()
		inScope = 0
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				return err
			}
			inScope += vals[3].(int64)
		}
		return rows.Err()
	}
	base, err := median(5, hand)
	if err != nil {
		return fmt.Errorf("hand-written appendix SQL: %w", err)
	}
	appendix := func(year int, kind string, number int) func() error {
		path := fmt.Sprintf("/api/v1/reports/appendix?agency_code=%s&period=%d&kind=%s&number=%d&cutoff=calendar&format=json",
			p.Province.Code, year, kind, number)
		return func() error {
			code, err := srv.do("GET", path, "", nil, nil)
			if err == nil && code != http.StatusOK {
				err = fmt.Errorf("GET %s: status %d", path, code)
			}
			return err
		}
	}
	got, err := median(5, appendix(year, "year", 0))
	if err != nil {
		return fmt.Errorf("appendix: %w", err)
	}
	ratio := got.Seconds() / base.Seconds()
	r.add(Row{Measure: fmt.Sprintf("annual appendix %d, province (%s received in the year, %s in scope), `GET /api/v1/reports/appendix` (JSON)", year, count(inYear), count(inScope)),
		Motcua: ms(got) + " (median of 5)", Baseline: "one hand-written aggregate: " + ms(base),
		Ratio: fmt.Sprintf("%.2f×", ratio), Goal: "≤ 1.5×", Met: yes(ratio <= 1.5)})

	// The last month's appendix (what the job at the month's end computes): what the size
	// of the history costs it. The big run compares it with the first run's.
	last := time.Now().In(domain.Location).AddDate(0, -1, 0)
	month, err := median(5, appendix(last.Year(), "month", int(last.Month())))
	if err != nil {
		return fmt.Errorf("month appendix: %w", err)
	}
	start := domain.Date{Year: last.Year(), Month: last.Month(), Day: 1}.Start()
	var inMonth int64 // dossiers in the month's scope: received before its end, not closed before its start
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM dossiers WHERE received_at < $2
		AND (COALESCE(resolved_at, withdrawn_at) IS NULL OR COALESCE(resolved_at, withdrawn_at) >= $1)`,
		start, start.AddDate(0, 1, 0)).Scan(&inMonth); err != nil {
		return err
	}
	perK := month.Seconds() / float64(max(inMonth, 1)) * 1000
	what := fmt.Sprintf("appendix of the last month (%s), province, %s dossiers of history (%s in the month's scope)",
		last.Format("01/2006"), size, count(inMonth))
	if r.monthAppendix == 0 {
		r.monthAppendix, r.monthSize, r.monthPerK = month, size, perK
		r.add(Row{Measure: what, Motcua: fmt.Sprintf("%s (median of 5), %.2f ms per 1,000 in scope", ms(month), perK*1000),
			Baseline: "–", Ratio: "–", Goal: "informational", Met: "–"})
		return nil
	}
	// The generator spreads a larger history over the same years, so a month holds more
	// dossiers too: the ratio is of the time per dossier in the month's scope.
	ratio = perK / r.monthPerK
	r.add(Row{Measure: what, Motcua: fmt.Sprintf("%s (median of 5), %.2f ms per 1,000 in scope", ms(month), perK*1000),
		Baseline: fmt.Sprintf("the same over %s: %s, %.2f ms per 1,000 in scope", r.monthSize, ms(r.monthAppendix), r.monthPerK*1000),
		Ratio:    fmt.Sprintf("%.2f× per dossier in scope", ratio), Goal: "≤ 1.2×", Met: yes(ratio <= 1.2)})
	return nil
}

// median runs fn once to warm up, then n times, and returns the median duration.
func median(n int, fn func() error) (time.Duration, error) {
	if err := fn(); err != nil {
		return 0, err
	}
	var ds []time.Duration
	for i := 0; i < n; i++ {
		t := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(t))
	}
	slices.Sort(ds)
	return ds[n/2], nil
}

// sqliteReady: from exec to /readyz 200 on the embedded database, first start and restart.
func (r *runner) sqliteReady(ctx context.Context) error {
	first, err := r.startServer(ctx, "", "sqlite")
	if err != nil {
		return err
	}
	first.stop()
	again, err := r.startServer(ctx, "", "sqlite")
	if err != nil {
		return err
	}
	again.stop()
	r.add(Row{Measure: "start → ready (`/readyz` 200), embedded SQLite", Motcua: fmt.Sprintf("first start %s (migrations, admin user), restart %s",
		ms(first.ready), ms(again.ready)), Baseline: "–", Ratio: "–", Goal: "< 1 s", Met: yes(first.ready < time.Second && again.ready < time.Second)})
	return nil
}

// importPhase: `motcua import dossiers FILE.csv` as a subprocess into a fresh database that
// holds the catalogue; its wall time and peak RSS (rusage).
func (r *runner) importPhase(ctx context.Context, p *Province, db string, rows int, from domain.Date, now time.Time) error {
	dbURL, err := r.createDB(ctx, db)
	if err != nil {
		return err
	}
	st, err := r.openStore(ctx, dbURL)
	if err != nil {
		return err
	}
	err = SeedCatalogue(ctx, st, p)
	st.Close()
	if err != nil {
		return err
	}
	path := filepath.Join(r.o.WorkDir, fmt.Sprintf("import-%d.csv", rows))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	n, err := WriteCSV(ctx, f, p, Config{Dossiers: rows, Seed: 2, From: from, Now: now})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fi, _ := os.Stat(path)
	r.logf("import: %d rows (%s) into %s", n, mb(fi.Size()), db)
	cmd := exec.CommandContext(ctx, r.o.Binary, "import", "dossiers", path)
	cmd.Env = append(os.Environ(), "MOTCUA_DATABASE_URL="+dbURL, "MOTCUA_DATA_DIR="+filepath.Join(r.o.WorkDir, "data-"+db),
		"MOTCUA_SECRET="+r.secret)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	// The child's own peak RSS is VmHWM of its process, read until it exits. Its rusage
	// Maxrss is not: Go starts children with vfork, and Linux then counts this benchmark
	// process's peak as the child's too.
	var rss int64
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(20 * time.Millisecond)
	for waiting := true; waiting; {
		select {
		case err = <-done:
			waiting = false
		case <-tick.C:
			if v, err := vmHWM(cmd.Process.Pid); err == nil {
				rss = max(rss, v)
			}
		}
	}
	tick.Stop()
	took := time.Since(start)
	if err != nil {
		return fmt.Errorf("motcua import dossiers (%d rows): %w\n%s", n, err, tail(out.String(), 2000))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && rows > 100_000 {
		r.note("The large import's rusage Maxrss was %s and its own VmHWM %s; the table shows VmHWM, because on Linux the Maxrss of a child that Go started (vfork) is at least the parent's own peak.",
			mb(ru.Maxrss*1024), mb(rss))
	}
	os.Remove(path)
	row := Row{Measure: fmt.Sprintf("CSV import of %s rows (%s), `motcua import dossiers`", count(int64(n)), mb(fi.Size())),
		Motcua: fmt.Sprintf("%s, peak RSS %s", secs(took), mb(rss)), Baseline: "–", Ratio: "–"}
	if rows <= 100_000 {
		row.Goal, row.Met = "< 5 s", yes(took < 5*time.Second)
	} else {
		row.Goal, row.Met = "RSS < 300 MB", yes(rss < 300<<20)
	}
	r.add(row)
	return nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func errNote(r Result) string {
	if r.Errors == 0 {
		return ""
	}
	return fmt.Sprintf("; %d errors (first: %s)", r.Errors, r.FirstError)
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func ms(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return secs(d)
}

func secs(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

// count formats n with thin groupings: 1,000,000.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// intakeBodies are 4,096 intake requests across the province's communes, for the procedures
// in force today; every third one online where the procedure is provided online, when online
// is set. Applicants are named "… surname" and their id numbers start with idPrefix, so that
// each part's dossiers can be told apart.
func intakeBodies(p *Province, online bool, surname, idPrefix string) [][]byte {
	procs := communeProcedures(p)
	bodies := make([][]byte, 4096)
	for i := range bodies {
		pr := procs[i%len(procs)]
		ch := "direct"
		if online && i%3 == 0 && pr.OnlineProvided != domain.OnlineNone {
			ch = "online"
		}
		bodies[i], _ = json.Marshal(map[string]any{"agency_code": p.Communes[(i*37)%len(p.Communes)].Code, "procedure_code": pr.Code,
			"channel": ch, "applicant": map[string]string{"name": givenNames[i%len(givenNames)] + " " + middleNames[i%len(middleNames)] + " " + surname,
				"id_number": fmt.Sprintf("%s%09d", idPrefix, i), "phone": fmt.Sprintf("09%08d", i*7919%100_000_000), "address": "Ấp An Lạc, tỉnh Sông Hậu"}})
	}
	return bodies
}

// communeProcedures are the province's commune-level procedures in force today.
func communeProcedures(p *Province) []*domain.Procedure {
	today := domain.DateOf(time.Now())
	var procs []*domain.Procedure
	for _, pr := range p.Procedures {
		if pr.Level == domain.LevelCommune && pr.InForce(today) {
			procs = append(procs, pr)
		}
	}
	return procs
}

// intakeLoad posts bodies, in turn, at 16 connections for d as the service's admin.
func intakeLoad(srv *server, bodies [][]byte, d time.Duration) Load {
	return Load{Workers: 16, Duration: d, Want: http.StatusCreated, Request: func(w int, n int64) (*http.Request, error) {
		req, err := http.NewRequest("POST", srv.base+"/api/v1/dossiers", bytes.NewReader(bodies[(int64(w)*1031+n)%int64(len(bodies))]))
		if err == nil {
			req.Header.Set("Authorization", "Bearer "+srv.token)
			req.Header.Set("Content-Type", "application/json")
		}
		return req, err
	}}
}
