package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/api"
	"motcua/desk"
	"motcua/domain"
	"motcua/store"
	"motcua/store/storetest"
)

// testSecret signs tokens in tests.
var testSecret = []byte("test-secret-test-secret-test-secret-0123")

// testImportLimit is the largest CSV the tests' server imports over HTTP.
const testImportLimit = 64 << 10

// clock is a settable time source shared by the server under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is a server on a fresh real database, with a city, two wards and users of every role.
type env struct {
	t      testing.TB
	store  *store.Store
	server *api.Server
	clock  *clock
	tokens map[string]string // username → bearer token
	logs   *bytes.Buffer
	base   string        // http://127.0.0.1:port of the running server
	opts   store.Options // the database, for a second replica
	desk   *desk.Desk    // the server's use cases
	dcfg   desk.Config   // how they are built (the clock is always e's)
}

// in is e for a subtest: its failures are t's.
func (e *env) in(t testing.TB) *env {
	c := *e
	c.t = t
	return &c
}

// serve starts e's server on e.store, on a free loopback port.
func (e *env) serve() {
	tb := e.t
	tb.Helper()
	logger := slog.New(slog.NewJSONHandler(lockedWriter{w: e.logs}, nil))
	dcfg := e.dcfg
	if dcfg.Now == nil {
		dcfg.Now = e.clock.Now
	}
	dcfg.Logger = logger
	e.desk = desk.New(e.store, dcfg)
	e.server = api.New(e.store, api.Config{PublicURL: "http://motcua.test", Secret: testSecret, Version: "test",
		Logger: logger, Now: e.clock.Now, PublicCache: 1000, ImportLimit: testImportLimit, Desk: e.desk})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	e.base = "http://" + ln.Addr().String()
	go e.server.App().Listener(ln)
	tb.Cleanup(func() { e.server.Shutdown(5 * time.Second) })
}

// replica starts a second server on a second store over e's database, as another replica
// of the deployment would run, with the same clock and secret.
func (e *env) replica() *env {
	e.t.Helper()
	st, err := store.Open(context.Background(), e.opts)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	r := &env{t: e.t, store: st, opts: e.opts, clock: e.clock, tokens: map[string]string{}, logs: e.logs, dcfg: e.dcfg}
	r.serve()
	return r
}

const (
	cityCode  = "000.00.24.H50"
	ward1Code = "000.01.24.H50"
	ward2Code = "000.02.24.H50"
)

// vn parses a local Vietnamese time "2024-03-04 10:00".
func vn(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, domain.Location)
	if err != nil {
		panic(err)
	}
	return t
}

// mustEnv builds the environment; the clock starts on Monday 2024-03-04 at 09:00.
func mustEnv(tb testing.TB) *env {
	tb.Helper()
	return mustEnvDesk(tb, desk.Config{})
}

// mustEnvDesk is mustEnv with the server's use cases built with dcfg (its clock: e's, unless
// dcfg has one).
func mustEnvDesk(tb testing.TB, dcfg desk.Config) *env {
	tb.Helper()
	st, opts := storetest.MustOpenURL(tb)
	e := &env{t: tb, store: st, opts: opts, clock: &clock{t: vn("2024-03-04 09:00")}, tokens: map[string]string{}, logs: &bytes.Buffer{},
		dcfg: dcfg}
	e.serve()
	ctx := context.Background()
	for _, a := range []*domain.Agency{
		{Code: cityCode, Name: "UBND thành phố Sóc Trăng", Level: domain.LevelDistrict},
		{Code: ward1Code, Name: "UBND Phường 1", Level: domain.LevelCommune, ParentCode: cityCode},
		{Code: ward2Code, Name: "UBND Phường 2", Level: domain.LevelCommune, ParentCode: cityCode},
	} {
		if err := st.CreateAgency(ctx, a); err != nil {
			tb.Fatal(err)
		}
	}
	users := []struct {
		name   string
		role   domain.Role
		agency string
	}{
		{"admin", domain.RoleAdmin, ""},
		{"city.admin", domain.RoleAdmin, cityCode},
		{"city.reception", domain.RoleReception, cityCode},
		{"ward1.reception", domain.RoleReception, ward1Code},
		{"ward1.specialist", domain.RoleSpecialist, ward1Code},
		{"ward2.reception", domain.RoleReception, ward2Code},
		{"city.reporter", domain.RoleReporter, cityCode},
	}
	hash, err := api.HashPassword("password-123")
	if err != nil {
		tb.Fatal(err)
	}
	for _, u := range users {
		if err := st.CreateUser(ctx, &domain.User{Username: u.name, PasswordHash: hash, Roles: []domain.Role{u.role}, AgencyCode: u.agency}); err != nil {
			tb.Fatal(err)
		}
	}
	return e
}

type lockedWriter struct{ w *bytes.Buffer }

var logMu sync.Mutex

func (l lockedWriter) Write(p []byte) (int, error) {
	logMu.Lock()
	defer logMu.Unlock()
	return l.w.Write(p)
}

// token logs in as user (password-123) once and returns the bearer token.
func (e *env) token(user string) string {
	e.t.Helper()
	if tok, ok := e.tokens[user]; ok {
		return tok
	}
	res := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": "password-123"})
	if res.status != 200 {
		e.t.Fatalf("login %s: %d %s", user, res.status, res.body)
	}
	tok := res.json()["token"].(string)
	e.tokens[user] = tok
	return tok
}

// response is what a request got.
type response struct {
	t      testing.TB
	status int
	header http.Header
	body   []byte
}

func (r response) json() map[string]any {
	r.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		r.t.Fatalf("answer is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

// do sends a request as user ("" = no token); body is marshalled unless it is a string or []byte.
func (e *env) do(method, path, user string, body any, headers ...string) response {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.base+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.token(user))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{t: e.t, status: res.StatusCode, header: res.Header, body: b}
}

// expect checks the status and that the body contains each of want.
func (r response) expect(status int, want ...string) response {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("status = %d, want %d; body: %s", r.status, status, r.body)
	}
	for _, w := range want {
		if !bytes.Contains(r.body, []byte(w)) {
			r.t.Fatalf("body lacks %q: %s", w, r.body)
		}
	}
	return r
}

// problem checks a problem+json answer with status, code and (if given) the named field.
func (r response) problem(status int, code string, field ...string) {
	r.t.Helper()
	r.expect(status)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		r.t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	m := r.json()
	if m["code"] != code {
		r.t.Fatalf("code = %v, want %s; body: %s", m["code"], code, r.body)
	}
	for _, f := range field {
		found := false
		for _, e := range m["errors"].([]any) {
			found = found || e.(map[string]any)["field"] == f
		}
		if !found {
			r.t.Fatalf("errors do not name %q: %s", f, r.body)
		}
	}
}

// mustProcedure adds a procedure to the catalogue as admin.
func (e *env) mustProcedure(code string, days int, postal bool) {
	e.t.Helper()
	e.do("POST", "/api/v1/procedures", "admin", map[string]any{
		"code": code, "name": "Thủ tục " + code, "field": "Hộ tịch", "level": "commune", "time_limit_days": days,
		"online_eligible": "full", "online_provided": "partial", "national_portal": true, "fee": true, "online_payment": false,
		"postal": postal, "interlinked_same_level": false, "interlinked_cross_level": false, "published_on": "2023-01-01",
	}).expect(201)
}

// mustIntake takes in a dossier at agency as user and returns its JSON.
func (e *env) mustIntake(user, agency, procedure string) map[string]any {
	e.t.Helper()
	return e.do("POST", "/api/v1/dossiers", user, map[string]any{
		"agency_code": agency, "procedure_code": procedure, "channel": "direct", "return_channel": "direct",
		"applicant": map[string]any{"name": "Nguyễn Văn An", "id_number": "079123456789", "phone": "0912345678",
			"email": "an@example.vn", "address": "12 Lê Lợi, Phường 1"},
	}).expect(201).json()
}

// otherSecretToken is a valid-looking token for admin signed with another secret.
func otherSecretToken(t testing.TB) string {
	st := storetest.MustOpen(t)
	hash, _ := api.HashPassword("password-123")
	st.CreateUser(context.Background(), &domain.User{Username: "admin", PasswordHash: hash, Roles: []domain.Role{domain.RoleAdmin}})
	srv := api.New(st, api.Config{PublicURL: "http://x", Secret: []byte("another-secret-another-secret-012345"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return vn("2024-03-04 09:00") }})
	req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"admin","password":"password-123"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.NewDecoder(res.Body).Decode(&m)
	return m["token"].(string)
}

// advance moves the server's clock on; tokens are issued afresh afterwards.
func (e *env) advance(d time.Duration) { e.clock.Add(d); e.tokens = map[string]string{} }

// setNow sets the server's clock; tokens are issued afresh afterwards.
func (e *env) setNow(t time.Time) { e.clock.Set(t); e.tokens = map[string]string{} }
