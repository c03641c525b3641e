package api_test

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"motcua/api"
)

// serveWith starts another server on e's database, configured as mustEnv's but changed by
// configure, and points e at it (e.do talks to it from then on).
func (e *env) serveWith(configure func(*api.Config)) {
	tb := e.t
	tb.Helper()
	cfg := api.Config{PublicURL: "http://motcua.test", Secret: testSecret, Version: "test",
		Logger: slog.New(slog.NewJSONHandler(lockedWriter{w: e.logs}, nil)), Now: e.clock.Now, PublicCache: 1000, ImportLimit: testImportLimit}
	configure(&cfg)
	srv := api.New(e.store, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	e.server, e.base = srv, "http://"+ln.Addr().String()
	go srv.App().Listener(ln)
	tb.Cleanup(func() { srv.Shutdown(5 * time.Second) })
}

func prefixes(tb testing.TB, ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// citizens takes in n dossiers for the public fixture applicant.
func (e *env) citizens(n int) []pubDossier {
	e.t.Helper()
	e.mustPublicProcedure()
	out := make([]pubDossier, n)
	for i := range out {
		out[i] = e.mustPublicIntake(nil)
	}
	return out
}

// TestCitizensBehindATrustedProxy: 100 citizens reach the service through one reverse proxy
// (this test's loopback address, trusted). Each looks their dossier up by code and phone
// digits and opens its page; the proxy appends each citizen's own address to
// X-Forwarded-For, after whatever the citizen sent. Together they are far over one client's
// lookup budget, yet none is refused: each is counted on their own address.
func TestCitizensBehindATrustedProxy(t *testing.T) {
	e := mustEnv(t)
	ds := e.citizens(100)
	e.serveWith(func(c *api.Config) { c.TrustedProxies = prefixes(t, "127.0.0.1/32", "10.0.0.0/8") })
	for i, d := range ds {
		// What the citizen claims, then the citizen's address, then a second proxy's.
		xff := fmt.Sprintf("203.0.113.9, 100.64.%d.%d", i/250, i%250+1)
		if i%2 == 1 {
			xff += ", 10.1.2.3"
		}
		e.do("GET", "/api/v1/public/lookup?code="+d.code+"&phone_last4="+pubLast4, "", nil, "X-Forwarded-For", xff).expect(200, d.code)
		e.do("GET", "/t/"+d.token, "", nil, "X-Forwarded-For", xff).expect(200, d.code)
	}
	// One citizen still has a budget of their own: the 31st lookup in a minute is refused.
	xff := "100.64.200.1"
	for i := 1; i <= api.DefaultRateLimits.LookupPerMinute; i++ {
		e.do("GET", "/api/v1/public/lookup?code="+unknownCode(i)+"&phone_last4=0000", "", nil, "X-Forwarded-For", xff).problem(404, "not_found")
	}
	e.do("GET", "/api/v1/public/lookup?code="+ds[1].code+"&phone_last4="+pubLast4, "", nil, "X-Forwarded-For", xff).problem(429, "rate_limited")
	// Two headers are one list: the last hop of the last header counts.
	e.do("GET", "/api/v1/public/lookup?code="+ds[1].code+"&phone_last4="+pubLast4, "", nil,
		"X-Forwarded-For", xff+", 100.64.200.2").expect(200)
}

// TestForwardedForFromAnUntrustedClient: a client that is not a trusted proxy cannot pass for
// many clients by sending X-Forwarded-For; neither can one when no proxy is trusted.
func TestForwardedForFromAnUntrustedClient(t *testing.T) {
	for name, trusted := range map[string][]string{"no proxy trusted": nil, "another proxy trusted": {"10.0.0.0/8", "::1/128"}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			ds := e.citizens(1)
			e.serveWith(func(c *api.Config) { c.TrustedProxies = prefixes(t, trusted...) })
			for i := 1; i <= api.DefaultRateLimits.LookupPerMinute; i++ {
				xff := fmt.Sprintf("100.64.0.%d", i)
				e.do("GET", "/api/v1/public/lookup?code="+unknownCode(i)+"&phone_last4="+pubLast4, "", nil, "X-Forwarded-For", xff).problem(404, "not_found")
			}
			e.do("GET", "/api/v1/public/lookup?code="+ds[0].code+"&phone_last4="+pubLast4, "", nil,
				"X-Forwarded-For", "100.64.9.9").problem(429, "rate_limited")
		})
	}
}

// TestTokenPagesKeepTheirBudget: a client that exhausted the strict budget of lookups by code
// and phone digits still gets the pages and answers of its signed token, which have a budget
// of their own (configurable, and enforced too).
func TestTokenPagesKeepTheirBudget(t *testing.T) {
	e := mustEnv(t)
	ds := e.citizens(2)
	e.serveWith(func(c *api.Config) { c.Limits = api.RateLimits{LookupPerMinute: 5, TokenPerMinute: 8} })
	for i := 0; i < 5; i++ {
		e.do("GET", fmt.Sprintf("/api/v1/public/lookup?code=%s&phone_last4=%04d", ds[0].code, i), "", nil).problem(404, "not_found")
	}
	e.do("GET", "/api/v1/public/lookup?code="+ds[1].code+"&phone_last4="+pubLast4, "", nil).problem(429, "rate_limited")
	for _, d := range ds {
		e.do("GET", "/t/"+d.token, "", nil).expect(200, d.code)
		e.do("GET", "/api/v1/public/dossiers/"+d.token, "", nil).expect(200, d.code)
	}
	// (Not refused; too early for a survey.)
	e.do("POST", "/api/v1/public/dossiers/"+ds[0].token+"/survey", "", map[string]any{"satisfied": true}).problem(409, "invalid_transition")
	for i := 0; i < 3; i++ {
		e.do("GET", "/t/"+ds[1].token, "", nil).expect(200)
	}
	// The ninth answer by token in a minute is refused: a page gets a page, the API problem+json.
	page := e.do("GET", "/t/"+ds[0].token, "", nil).expect(429, `lang="vi"`)
	if ct := page.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || page.header.Get("Retry-After") == "" {
		t.Errorf("rate-limited page: Content-Type %q, Retry-After %q", ct, page.header.Get("Retry-After"))
	}
	e.do("GET", "/api/v1/public/dossiers/"+ds[0].token, "", nil).problem(429, "rate_limited")
}

// unknownCode is the i-th of many dossier codes that were never given out.
func unknownCode(i int) string { return fmt.Sprintf("%s-240305-%04d", ward1Code, i) }

func TestMetricsToken(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.do("GET", "/metrics", "", nil).expect(200, "motcua_public_cache_entries")
	const token = "scrape-token-0123456789"
	e.serveWith(func(c *api.Config) { c.MetricsToken = token })
	e.do("GET", "/metrics", "", nil).problem(401, "unauthorized")
	res := e.do("GET", "/metrics", "", nil, "Authorization", "Bearer "+token+"x")
	res.problem(401, "unauthorized")
	if res.header.Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	e.do("GET", "/metrics", "", nil, "Authorization", "Bearer "+e.token("admin")).problem(401, "unauthorized")
	e.do("GET", "/metrics", "", nil, "Authorization", "Bearer "+token).expect(200, "motcua_http_requests_total")
	e.do("GET", "/healthz", "", nil).expect(200)
	e.do("GET", "/readyz", "", nil).expect(200)
}

func TestReadyzListsWarnings(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	if w := e.do("GET", "/readyz", "", nil).expect(200, `"status":"ready"`).body; strings.Contains(string(w), "MOTCUA_PUBLIC_URL") {
		t.Errorf("readyz %s: a warning without cause", w)
	}
	const warning = "MOTCUA_PUBLIC_URL is http://localhost:8080, a loopback address"
	e.serveWith(func(c *api.Config) { c.Warnings = []string{warning} })
	w, _ := e.do("GET", "/readyz", "", nil).expect(200, `"status":"ready"`).json()["details"].(map[string]any)["warnings"].([]any)
	if len(w) == 0 || w[0] != warning {
		t.Errorf("warnings = %v, want %s first", w, warning)
	}
}

// TestIdempotencyKeyExpires: within MOTCUA_IDEMPOTENCY_TTL a repeat gets the first answer;
// past it the key is new again and the request runs.
func TestIdempotencyKeyExpires(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, true)
	e.serveWith(func(c *api.Config) { c.IdempotencyTTL = 2 * time.Hour })
	body := map[string]any{"agency_code": ward1Code, "procedure_code": procCode, "channel": "postal",
		"applicant": map[string]any{"name": "Lê Văn Cường"}}
	first := e.do("POST", "/api/v1/dossiers", "ward1.reception", body, "Idempotency-Key", "k1").expect(201).json()
	e.advance(2*time.Hour - time.Minute)
	replay := e.do("POST", "/api/v1/dossiers", "ward1.reception", body, "Idempotency-Key", "k1").expect(201)
	if replay.header.Get("Idempotent-Replayed") != "true" || replay.json()["code"] != first["code"] {
		t.Fatalf("within the TTL: %s, want the first answer replayed", replay.body)
	}
	e.advance(2 * time.Minute)
	again := e.do("POST", "/api/v1/dossiers", "ward1.reception", body, "Idempotency-Key", "k1").expect(201)
	if again.header.Get("Idempotent-Replayed") != "" || again.json()["code"] == first["code"] {
		t.Fatalf("past the TTL: %s, want a new dossier", again.body)
	}
}

// TestFailedReleaseDoesNotWedgeTheKey: when the key of a failed request cannot be released,
// the failure is logged, a repeat meanwhile is told the request is still running, and once the
// claim is stale a repeat runs.
func TestFailedReleaseDoesNotWedgeTheKey(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, true)
	// The database refuses every delete from the table.
	refuse := []string{`CREATE TRIGGER no_release BEFORE DELETE ON idempotency_keys BEGIN SELECT RAISE(ABORT, 'refused'); END`}
	if e.store.Dialect() == "postgres" {
		refuse = []string{`CREATE FUNCTION no_release() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`,
			`CREATE TRIGGER no_release BEFORE DELETE ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION no_release()`}
	}
	for _, q := range refuse {
		if err := e.store.DB().Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	body := map[string]any{"agency_code": ward1Code, "procedure_code": procCode, "channel": "postal",
		"applicant": map[string]any{"name": "Lê Văn Cường"}}
	bad := map[string]any{"agency_code": ward1Code, "procedure_code": "no.such.procedure", "channel": "postal",
		"applicant": map[string]any{"name": "Lê Văn Cường"}}
	status := e.do("POST", "/api/v1/dossiers", "ward1.reception", bad, "Idempotency-Key", "k1").status
	if status < 400 || status >= 500 {
		t.Fatalf("the failing request answered %d", status)
	}
	logMu.Lock()
	logged := strings.Contains(e.logs.String(), "idempotency key not released")
	logMu.Unlock()
	if !logged {
		t.Error("the failed release was not logged")
	}
	e.do("POST", "/api/v1/dossiers", "ward1.reception", body, "Idempotency-Key", "k1").problem(409, "conflict")
	e.advance(11 * time.Minute)
	e.do("POST", "/api/v1/dossiers", "ward1.reception", body, "Idempotency-Key", "k1").expect(201)
	e.do("POST", "/api/v1/dossiers", "ward1.reception", body, "Idempotency-Key", "k1").expect(201, `"code"`)
}
