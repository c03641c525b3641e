package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/api"
	"motcua/domain"
	"motcua/store"
	"motcua/store/storetest"
)

// The agencies every harness holds: a city and two of its wards.
const (
	cityCode  = "000.00.24.H50"
	ward1Code = "000.01.24.H50"
	ward2Code = "000.02.24.H50"
	procCode  = "1.000001.000.00.00.H50"
	password  = "password-123"
)

// testSecret signs the tokens of the in-process servers.
var testSecret = []byte("e2e-secret-e2e-secret-e2e-secret-0123456")

// long reports whether the long versions of the tests were asked for (MOTCUA_LONG=1).
func long() bool { return os.Getenv("MOTCUA_LONG") == "1" }

// vn parses a local Vietnamese time "2024-03-04 10:00".
func vn(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, domain.Location)
	if err != nil {
		panic(err)
	}
	return t
}

// clock is a settable time source for a server under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is the service running in-process on a real listener over a fresh real database
// (SQLite, or PostgreSQL with MOTCUA_TEST_DATABASE_URL), with three agencies and users of
// every role. It mirrors api's mustEnv, which lives in package api_test.
type harness struct {
	t      testing.TB
	st     *store.Store
	opts   store.Options
	srv    *api.Server
	base   string
	clock  *clock
	logs   *syncBuffer
	mu     sync.Mutex
	tokens map[string]string
}

// users of every harness: name → role and agency ("" = global). All have the password password.
var harnessUsers = []struct {
	name   string
	role   domain.Role
	agency string
}{
	{"admin", domain.RoleAdmin, ""},
	{"city.admin", domain.RoleAdmin, cityCode},
	{"city.reception", domain.RoleReception, cityCode},
	{"ward1.admin", domain.RoleAdmin, ward1Code},
	{"ward1.reception", domain.RoleReception, ward1Code},
	{"ward1.specialist", domain.RoleSpecialist, ward1Code},
	{"ward1.reporter", domain.RoleReporter, ward1Code},
	{"ward2.reception", domain.RoleReception, ward2Code},
	{"ward2.specialist", domain.RoleSpecialist, ward2Code},
}

// passwordHash is password hashed once: bcrypt is slow on purpose.
var passwordHash = sync.OnceValue(func() string {
	h, err := api.HashPassword(password)
	if err != nil {
		panic(err)
	}
	return h
})

// newHarness starts the service on a fresh database; the clock starts on Monday 2024-03-04 09:00.
func newHarness(tb testing.TB) *harness {
	tb.Helper()
	st, opts := storetest.MustOpenURL(tb)
	return newHarnessOn(tb, st, opts)
}

// newHarnessOn is newHarness over a store the caller opened and migrated.
func newHarnessOn(tb testing.TB, st *store.Store, opts store.Options) *harness {
	tb.Helper()
	h := &harness{t: tb, st: st, opts: opts, clock: &clock{t: vn("2024-03-04 09:00")}, logs: &syncBuffer{}, tokens: map[string]string{}}
	h.srv = h.newServer(testSecret, h.clock.Now)
	h.base = serve(tb, h.srv)
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
	for _, u := range harnessUsers {
		if err := st.CreateUser(ctx, &domain.User{Username: u.name, PasswordHash: passwordHash(),
			Roles: []domain.Role{u.role}, AgencyCode: u.agency}); err != nil {
			tb.Fatal(err)
		}
	}
	return h
}

// newServer builds another server over the harness's store (another replica, another secret
// or another clock), logging to the harness's logs.
func (h *harness) newServer(secret []byte, now func() time.Time) *api.Server {
	logger := slog.New(slog.NewJSONHandler(h.logs, nil))
	return api.New(h.st, api.Config{PublicURL: "http://motcua.test", Secret: secret, Version: "e2e", Logger: logger, Now: now})
}

// serve runs srv on a free port of 127.0.0.1 until the test ends and returns its base URL.
func serve(tb testing.TB, srv *api.Server) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.App().Listener(ln)
	tb.Cleanup(func() { srv.Shutdown(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

// client is shared by the tests: keep-alive connections, bounded time per request.
var client = &http.Client{
	Timeout:   60 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 32, DisableCompression: true},
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse // the tests look at redirects themselves
	},
}

// request is one HTTP request. Path is sent as written (escapes and all); Body is sent as is
// when it is a string or []byte, else marshalled to JSON.
type request struct {
	Method  string
	Path    string // may hold a query string
	Token   string // bearer token; "" = none
	Body    any
	Type    string // Content-Type; defaults to application/json when there is a body
	Headers map[string]string
}

// response is what a request got.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) String() string {
	b := r.Body
	if len(b) > 600 {
		b = append(b[:600:600], "…"...)
	}
	return fmt.Sprintf("%d %s %s", r.Status, r.Header.Get("Content-Type"), b)
}

// json decodes the body as an object; nil when it is not one.
func (r response) json() map[string]any {
	var m map[string]any
	if json.Unmarshal(r.Body, &m) != nil {
		return nil
	}
	return m
}

// oneShot opens a connection per request: what one hostile request leaves on a connection
// cannot spoil the next (TestUnreadBodyIsNotParsedAsARequest looks at that on its own).
var oneShot = &http.Client{
	Timeout:       60 * time.Second,
	Transport:     &http.Transport{DisableKeepAlives: true, DisableCompression: true},
	CheckRedirect: client.CheckRedirect,
}

// send sends req to base and returns the answer, or an error for a transport failure.
func send(base string, req request) (response, error) { return sendWith(client, base, req) }

// sendWith is send through another client.
func sendWith(client *http.Client, base string, req request) (response, error) {
	var body io.Reader
	switch b := req.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	case io.Reader:
		body = b
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return response{}, err
		}
		body = bytes.NewReader(buf)
	}
	hr, err := http.NewRequest(req.Method, base+"/", body)
	if err != nil {
		return response{}, err
	}
	// The path goes on the wire exactly as written: %2F, %00, dot segments and all.
	path, query, _ := strings.Cut(req.Path, "?")
	hr.URL.Opaque = path
	hr.URL.RawQuery = query
	if req.Body != nil {
		ct := req.Type
		if ct == "" {
			ct = "application/json"
		}
		hr.Header.Set("Content-Type", ct)
	}
	if req.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, v := range req.Headers {
		if strings.EqualFold(k, "Host") {
			hr.Host = v
			continue
		}
		hr.Header[http.CanonicalHeaderKey(k)] = []string{v}
	}
	res, err := client.Do(hr)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: b}, nil
}

// do sends req to the harness's server; a transport failure ends the test.
func (h *harness) do(req request) response {
	h.t.Helper()
	res, err := send(h.base, req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	return res
}

// must sends req and ends the test unless the answer has status.
func (h *harness) must(status int, req request) response {
	h.t.Helper()
	res := h.do(req)
	if res.Status != status {
		h.t.Fatalf("%s %s: got %s, want %d", req.Method, req.Path, res, status)
	}
	return res
}

// token logs user in once (password password) and returns the bearer token.
func (h *harness) token(user string) string {
	h.t.Helper()
	h.mu.Lock()
	tok, ok := h.tokens[user]
	h.mu.Unlock()
	if ok {
		return tok
	}
	tok = login(h.t, h.base, user, password)
	h.mu.Lock()
	h.tokens[user] = tok
	h.mu.Unlock()
	return tok
}

// login logs in at base and returns the token.
func login(tb testing.TB, base, user, pass string) string {
	tb.Helper()
	res, err := send(base, request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"username": user, "password": pass}})
	if err != nil {
		tb.Fatalf("login %s: %v", user, err)
	}
	tok, _ := res.json()["token"].(string)
	if res.Status != 200 || tok == "" {
		tb.Fatalf("login %s: %s", user, res)
	}
	return tok
}

// procedureBody is a valid POST /procedures body for code.
func procedureBody(code string, postal bool) map[string]any {
	return map[string]any{
		"code": code, "name": "Thủ tục " + code, "field": "Hộ tịch", "level": "commune", "time_limit_days": 3,
		"online_eligible": "full", "online_provided": "partial", "national_portal": true, "fee": true, "online_payment": false,
		"postal": postal, "interlinked_same_level": false, "interlinked_cross_level": false, "published_on": "2023-01-01",
	}
}

// intakeBody is a valid POST /dossiers body at agency.
func intakeBody(agency, name string) map[string]any {
	return map[string]any{
		"agency_code": agency, "procedure_code": procCode, "channel": "direct", "return_channel": "direct",
		"applicant": map[string]any{"name": name, "id_number": "079123456789", "phone": "0912345678",
			"email": "an@example.vn", "address": "12 Lê Lợi, Phường 1"},
		"note": "",
	}
}

// mustProcedure adds procCode (postal offered) to the catalogue.
func (h *harness) mustProcedure() {
	h.t.Helper()
	h.must(201, request{Method: "POST", Path: "/api/v1/procedures", Token: h.token("admin"), Body: procedureBody(procCode, true)})
}

// mustIntake takes in a dossier at agency as the global admin and returns its JSON.
func (h *harness) mustIntake(agency, name string) map[string]any {
	h.t.Helper()
	return h.must(201, request{Method: "POST", Path: "/api/v1/dossiers", Token: h.token("admin"), Body: intakeBody(agency, name)}).json()
}

// tableCounts counts the rows of every table of the store's schema (so that tables added by
// later migrations are counted too).
func tableCounts(tb testing.TB, st *store.Store) map[string]int64 {
	tb.Helper()
	db := st.DB()
	var names []string
	var err error
	if st.Dialect() == store.Postgres {
		err = db.Raw(`SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`).Scan(&names).Error
	} else {
		err = db.Raw(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).Scan(&names).Error
	}
	if err != nil || len(names) == 0 {
		tb.Fatalf("list tables: %v (%d)", err, len(names))
	}
	out := map[string]int64{}
	for _, n := range names {
		var c int64
		if err := db.Raw(`SELECT COUNT(*) FROM "` + n + `"`).Scan(&c).Error; err != nil {
			tb.Fatalf("count %s: %v", n, err)
		}
		out[n] = c
	}
	return out
}

// scalar runs a query that returns one integer.
func scalar(tb testing.TB, st *store.Store, query string, args ...any) int64 {
	tb.Helper()
	var n int64
	if err := st.DB().Raw(query, args...).Scan(&n).Error; err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

// pgBin returns the directory of the PostgreSQL binaries (MOTCUA_PG_BIN), or "".
func pgBin() string { return os.Getenv("MOTCUA_PG_BIN") }

// withQuery returns the postgres URL u with query parameter k set to v.
func withQuery(tb testing.TB, u, k, v string) string {
	tb.Helper()
	p, err := url.Parse(u)
	if err != nil {
		tb.Fatal(err)
	}
	q := p.Query()
	q.Set(k, v)
	p.RawQuery = q.Encode()
	return p.String()
}
