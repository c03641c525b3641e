package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"motcua/api"
)

func init() {
	// The pages answer HTML; the filter has no decoder of its own for it.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	// Name the offending value by its JSON pointer instead of printing the whole schema.
	oaFilterOptions.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
		return "/" + strings.Join(err.JSONPointer(), "/") + ": " + err.Reason
	})
}

// Fixtures of the contract test.
const (
	oaProc       = "1.101.000.00.00.H50" // 3 working days, no postal service
	oaPostalProc = "1.102.000.00.00.H50" // 8 working hours, postal service
	oaWard3Code  = "000.03.24.H50"
)

// oaUTCAllowed lists answers known to give a time that is not in +07:00, as
// "operationId json.path" (array indices as []). API.md says the server answers in +07:00;
// each entry is a handler bug reported to the lead, to be removed once fixed.
var oaUTCAllowed = map[string]bool{}

// oaLoadSpec loads and validates api/openapi.yaml as the server embeds it.
func oaLoadSpec(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	ctx := context.Background()
	loader := openapi3.NewLoader()
	loader.Context = ctx
	doc, err := loader.LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("openapi.yaml is not valid OpenAPI: %v", err)
	}
	// The tests' server listens on a free port, not at the document's servers: match the
	// paths whatever the host.
	anyHost := *doc
	anyHost.Servers = nil
	router, err := legacy.NewRouter(&anyHost)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	return doc, router
}

// oaReq is one request of the contract test and what it must get.
type oaReq struct {
	method, path string
	user         string   // bearer token of this user ("" none)
	auth         string   // raw Authorization header, instead of user
	body         any      // nil, string, []byte, url.Values (form) or a value to marshal as JSON
	ctype        string   // Content-Type of the body; application/json by default
	headers      []string // name, value, ...
	cookie       string   // the counter's cookie
	status       int      // the status wanted
	orStatus     int      // another status accepted
	code         string   // problem code wanted ("" any)
	field        string   // a field the problem's errors must name ("" any)
	specRejects  bool     // the spec must reject the request too (bad enum, missing field, ...)
}

// oaResult is what the server answered.
type oaResult struct {
	status int
	header http.Header
	body   []byte
}

func (r oaResult) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

// oaChecker sends requests to the running server and checks each request and answer
// against the spec; it records which operations got a successful answer.
type oaChecker struct {
	t       *testing.T
	e       *env
	doc     *openapi3.T
	router  routers.Router
	client  *http.Client
	seen    map[string]map[int]bool // "METHOD /path/{x}" → statuses
	offsets map[string]string       // "operationId json.path" → a time not in +07:00
}

func newOAChecker(t *testing.T, e *env) *oaChecker {
	doc, router := oaLoadSpec(t)
	return &oaChecker{t: t, e: e, doc: doc, router: router, seen: map[string]map[int]bool{}, offsets: map[string]string{},
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var oaFilterOptions = &openapi3filter.Options{
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	IncludeResponseStatus: true,
	MultiError:            true,
}

// newRequest builds the HTTP request of r with its body.
func (c *oaChecker) newRequest(r oaReq) (*http.Request, []byte) {
	c.t.Helper()
	var b []byte
	ctype := r.ctype
	switch v := r.body.(type) {
	case nil:
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case url.Values:
		b = []byte(v.Encode())
		if ctype == "" {
			ctype = "application/x-www-form-urlencoded"
		}
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			c.t.Fatal(err)
		}
	}
	if r.body != nil && ctype == "" {
		ctype = "application/json"
	}
	req, err := http.NewRequest(r.method, c.e.base+r.path, bytes.NewReader(b))
	if err != nil {
		c.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	switch {
	case r.auth != "":
		req.Header.Set("Authorization", r.auth)
	case r.user != "":
		req.Header.Set("Authorization", "Bearer "+c.e.token(r.user))
	}
	for i := 0; i+1 < len(r.headers); i += 2 {
		req.Header.Set(r.headers[i], r.headers[i+1])
	}
	if r.cookie != "" {
		req.AddCookie(&http.Cookie{Name: "motcua_token", Value: r.cookie})
	}
	return req, b
}

// do sends r, checks the request and the answer against the spec and the answer against r.
func (c *oaChecker) do(r oaReq) oaResult {
	c.t.Helper()
	name := r.method + " " + r.path
	req, b := c.newRequest(r)
	// The request as the spec sees it (the filter reads the body, so it gets its own copy).
	vreq, _ := c.newRequest(r)
	route, params, err := c.router.FindRoute(vreq)
	if err != nil {
		c.t.Fatalf("%s: not in the spec: %v", name, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: oaFilterOptions}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	switch {
	case r.specRejects && reqErr == nil:
		c.t.Errorf("%s: the spec accepts a request the test expects it to reject (body %s)", name, b)
	case !r.specRejects && reqErr != nil:
		c.t.Errorf("%s: the request does not match the spec: %v", name, reqErr)
	}

	res, err := c.client.Do(req)
	if err != nil {
		c.t.Fatalf("%s: %v", name, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	got := oaResult{status: res.StatusCode, header: res.Header, body: body}
	key := route.Method + " " + route.Path
	if c.seen[key] == nil {
		c.seen[key] = map[int]bool{}
	}
	c.seen[key][got.status] = true

	if got.status != r.status && (r.orStatus == 0 || got.status != r.orStatus) {
		c.t.Errorf("%s: status %d, want %d; body: %.600s", name, got.status, r.status, body)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: got.status, Header: got.header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: oaFilterOptions}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		c.t.Errorf("%s: the answer (%d) does not match the spec: %v\nbody: %.600s", name, got.status, err, body)
	}
	ct := got.header.Get("Content-Type")
	switch {
	case got.status >= 400 && strings.HasPrefix(ct, "application/problem+json"):
		c.checkProblem(name, r, got)
	case r.code != "" || r.field != "":
		c.t.Errorf("%s: want a problem, got %s", name, ct)
	}
	c.checkBinary(name, ct, body)
	if strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "application/problem+json") {
		var v any
		if json.Unmarshal(body, &v) == nil {
			c.checkOffsets(route.Operation.OperationID, "", v)
		}
	}
	return got
}

// checkProblem checks a problem+json answer's status, code and named field.
func (c *oaChecker) checkProblem(name string, r oaReq, got oaResult) {
	c.t.Helper()
	var p struct {
		Status int    `json:"status"`
		Code   string `json:"code"`
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(got.body, &p); err != nil {
		c.t.Errorf("%s: problem is not JSON: %v", name, err)
		return
	}
	if p.Status != got.status {
		c.t.Errorf("%s: problem status %d, HTTP status %d", name, p.Status, got.status)
	}
	if r.code != "" && p.Code != r.code {
		c.t.Errorf("%s: problem code %q, want %q; body: %s", name, p.Code, r.code, got.body)
	}
	if r.field != "" {
		found := false
		for _, e := range p.Errors {
			found = found || e.Field == r.field
		}
		if !found {
			c.t.Errorf("%s: problem does not name field %q: %s", name, r.field, got.body)
		}
	}
}

// checkBinary checks that a file answer is what its content type says.
func (c *oaChecker) checkBinary(name, ct string, body []byte) {
	c.t.Helper()
	magic := map[string]string{"application/pdf": "%PDF-", "image/png": "\x89PNG\r\n\x1a\n",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "PK\x03\x04"}
	for prefix, m := range magic {
		if strings.HasPrefix(ct, prefix) && !bytes.HasPrefix(body, []byte(m)) {
			c.t.Errorf("%s: a %s answer that does not start like one", name, prefix)
		}
	}
}

var oaTimeRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$`)

// checkOffsets records every time in the answer that is not in +07:00.
func (c *oaChecker) checkOffsets(op, path string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			c.checkOffsets(op, p, e)
		}
	case []any:
		for _, e := range x {
			c.checkOffsets(op, path+"[]", e)
		}
	case string:
		if oaTimeRE.MatchString(x) && !strings.HasSuffix(x, "+07:00") {
			c.offsets[op+" "+path] = x
		}
	}
}

// oaWant returns a request for method and path as user wanting status.
func oaWant(status int, method, path, user string) oaReq {
	return oaReq{method: method, path: path, user: user, status: status}
}

func (r oaReq) with(body any) oaReq              { r.body = body; return r }
func (r oaReq) ctyped(ct string) oaReq           { r.ctype = ct; return r }
func (r oaReq) header(kv ...string) oaReq        { r.headers = append(r.headers, kv...); return r }
func (r oaReq) withCookie(v string) oaReq        { r.cookie = v; return r }
func (r oaReq) problem(code, field string) oaReq { r.code, r.field = code, field; return r }

// rejected marks a request the spec must reject too.
func (r oaReq) rejected() oaReq { r.specRejects = true; return r }

// oaRoutes returns the routes of the Fiber app as "METHOD /path/{param}".
func oaRoutes(e *env) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range e.server.App().GetRoutes(true) {
		if r.Method == http.MethodHead {
			continue // Fiber adds one to every GET
		}
		p := regexp.MustCompile(`:([A-Za-z0-9_]+)[?+*]?`).ReplaceAllString(r.Path, "{$1}")
		k := r.Method + " " + p
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// oaOperations returns the operations of the spec as "METHOD /path/{param}".
func oaOperations(doc *openapi3.T) map[string]*openapi3.Operation {
	out := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out[method+" "+path] = op
		}
	}
	return out
}

// TestOpenAPIDescribesEveryRoute fails when a route of the server is not in the spec, or the
// spec describes one the server does not have.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	e := mustEnv(t)
	doc, _ := oaLoadSpec(t)
	ops := oaOperations(doc)
	routes := oaRoutes(e)
	have := map[string]bool{}
	for _, r := range routes {
		have[r] = true
		if ops[r] == nil {
			t.Errorf("route %s is not described in api/openapi.yaml", r)
		}
	}
	for k, op := range ops {
		if !have[k] {
			t.Errorf("api/openapi.yaml describes %s, which the server does not have", k)
		}
		if op.OperationID == "" || len(op.Tags) == 0 {
			t.Errorf("%s: operationId and tags are required", k)
		}
		for status, ref := range op.Responses.Map() {
			if strings.HasPrefix(status, "4") || strings.HasPrefix(status, "5") {
				if ref.Value.Content.Get("application/problem+json") == nil && ref.Value.Content.Get("text/html") == nil &&
					ref.Value.Content.Get("application/json") == nil {
					t.Errorf("%s %s: an error answer without problem+json", k, status)
				}
			}
		}
	}
}

// TestOpenAPIDocumented holds the document to what `redocly lint` and a reader ask of it:
// servers to send requests to, and a summary and a description on every operation.
func TestOpenAPIDocumented(t *testing.T) {
	t.Parallel()
	doc, _ := oaLoadSpec(t)
	if len(doc.Servers) == 0 {
		t.Error("api/openapi.yaml has no servers")
	}
	for _, s := range doc.Servers {
		if s.URL == "" || strings.TrimSpace(s.Description) == "" {
			t.Errorf("server %q: a url and a description are required", s.URL)
		}
	}
	for k, op := range oaOperations(doc) {
		if strings.TrimSpace(op.Summary) == "" || strings.TrimSpace(op.Description) == "" {
			t.Errorf("%s (%s): a summary and a description are required", k, op.OperationID)
		}
	}
}

// TestOpenAPIServedSpec checks that the served description is the embedded file.
func TestOpenAPIServedSpec(t *testing.T) {
	e := mustEnv(t)
	res := e.do("GET", "/api/v1/openapi.yaml", "", nil).expect(200)
	if !bytes.Equal(res.body, api.OpenAPI) {
		t.Error("GET /api/v1/openapi.yaml is not the embedded api/openapi.yaml")
	}
}

// TestOpenAPIContract runs real requests against the server – a success and the typical
// errors of every operation – and validates each request and answer against the spec.
func TestOpenAPIContract(t *testing.T) {
	e := mustEnv(t)
	// The same instant in UTC, as time.Now gives it on a server whose zone is UTC: every
	// answer must still be in +07:00.
	e.clock.Set(e.clock.Now().UTC())
	c := newOAChecker(t, e)

	// Operations.
	c.do(oaWant(200, "GET", "/healthz", ""))
	c.do(oaWant(200, "GET", "/readyz", ""))
	c.do(oaWant(200, "GET", "/metrics", ""))
	c.do(oaWant(200, "GET", "/api/v1/openapi.yaml", ""))

	// Login.
	c.do(oaWant(200, "POST", "/api/v1/auth/login", "").with(map[string]any{"username": "admin", "password": "password-123"}))
	c.do(oaWant(400, "POST", "/api/v1/auth/login", "").with(map[string]any{"username": "admin"}).
		problem("invalid_input", "password").rejected())
	c.do(oaWant(400, "POST", "/api/v1/auth/login", "").with(map[string]any{"username": "admin", "password": "x", "otp": "1"}).
		problem("invalid_input", "otp").rejected())
	c.do(oaWant(401, "POST", "/api/v1/auth/login", "").with(map[string]any{"username": "ward2.reception", "password": "wrong-password"}).
		problem("unauthorized", ""))

	// Users.
	c.do(oaWant(201, "POST", "/api/v1/users", "admin").with(map[string]any{"username": "lock.me", "password": "password-123",
		"roles": []string{"reception"}, "agency_code": ward1Code}))
	c.do(oaWant(201, "POST", "/api/v1/users", "admin").with(map[string]any{"username": "root2", "password": "password-123",
		"roles": []string{"admin"}}))
	c.do(oaWant(400, "POST", "/api/v1/users", "admin").with(map[string]any{"username": "x.y", "password": "password-123",
		"roles": []string{"boss"}, "agency_code": ward1Code}).problem("invalid_input", "roles").rejected())
	c.do(oaWant(400, "POST", "/api/v1/users", "admin").with(map[string]any{"username": "no.agency", "password": "password-123",
		"roles": []string{"reception"}}).problem("invalid_input", "agency_code"))
	c.do(oaWant(401, "POST", "/api/v1/users", "").with(map[string]any{"username": "x.y", "password": "password-123",
		"roles": []string{"reception"}, "agency_code": ward1Code}).problem("unauthorized", ""))
	c.do(oaWant(403, "POST", "/api/v1/users", "ward1.reception").with(map[string]any{"username": "x.y", "password": "password-123",
		"roles": []string{"reception"}, "agency_code": ward1Code}).problem("forbidden", ""))
	c.do(oaWant(403, "POST", "/api/v1/users", "city.admin").with(map[string]any{"username": "x.y", "password": "password-123",
		"roles": []string{"admin"}}).problem("forbidden", ""))
	c.do(oaWant(409, "POST", "/api/v1/users", "admin").with(map[string]any{"username": "lock.me", "password": "password-123",
		"roles": []string{"reception"}, "agency_code": ward1Code}).problem("conflict", ""))

	// The account is locked after five failed logins.
	for i := 0; i < 5; i++ {
		c.do(oaWant(401, "POST", "/api/v1/auth/login", "").with(map[string]any{"username": "lock.me", "password": "wrong-password"}))
	}
	c.do(oaWant(429, "POST", "/api/v1/auth/login", "").with(map[string]any{"username": "lock.me", "password": "password-123"}).
		problem("rate_limited", ""))

	// Agencies.
	c.do(oaWant(201, "POST", "/api/v1/agencies", "city.admin").with(map[string]any{"code": oaWard3Code, "name": "UBND Phường 3",
		"level": "commune", "parent_code": cityCode}))
	c.do(oaWant(400, "POST", "/api/v1/agencies", "admin").with(map[string]any{"code": "000.04.24.H50", "name": "P4",
		"level": "hamlet", "parent_code": cityCode}).problem("invalid_input", "level").rejected())
	c.do(oaWant(400, "POST", "/api/v1/agencies", "admin").with(map[string]any{"code": "000.04.24.H50", "name": "P4",
		"level": "commune", "parent_code": "999.99"}).problem("invalid_input", "parent_code"))
	c.do(oaWant(400, "POST", "/api/v1/agencies", "admin").with(`{"code": "000.04.24.H50", `).problem("invalid_input", "body").rejected())
	c.do(oaWant(403, "POST", "/api/v1/agencies", "city.admin").with(map[string]any{"code": "000.00.25.H50", "name": "Thị xã",
		"level": "district"}).problem("forbidden", ""))
	c.do(oaWant(403, "POST", "/api/v1/agencies", "city.reception").with(map[string]any{"code": "000.04.24.H50", "name": "P4",
		"level": "commune", "parent_code": cityCode}).problem("forbidden", ""))
	c.do(oaWant(409, "POST", "/api/v1/agencies", "admin").with(map[string]any{"code": oaWard3Code, "name": "UBND Phường 3",
		"level": "commune", "parent_code": cityCode}).problem("conflict", ""))
	c.do(oaWant(200, "GET", "/api/v1/agencies", "ward1.reception"))
	c.do(oaWant(200, "GET", "/api/v1/agencies?limit=1", "city.reception"))
	c.do(oaWant(400, "GET", "/api/v1/agencies?cursor=nonsense", "city.reception").problem("invalid_input", "cursor"))
	c.do(oaWant(400, "GET", "/api/v1/agencies?limit=0", "city.reception").problem("invalid_input", "limit").rejected())
	c.do(oaWant(200, "GET", "/api/v1/agencies/"+ward1Code, "ward1.reception"))
	c.do(oaWant(404, "GET", "/api/v1/agencies/"+ward2Code, "ward1.reception").problem("not_found", ""))
	c.do(oaWant(401, "GET", "/api/v1/agencies", "").problem("unauthorized", ""))
	c.do(oaReq{method: "GET", path: "/api/v1/agencies", auth: "Bearer " + otherSecretToken(t), status: 401, code: "unauthorized"})

	// Calendar.
	c.do(oaWant(200, "PUT", "/api/v1/calendar/2024", "admin").with(map[string]any{
		"holidays": []string{"2024-01-01", "2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14", "2024-04-18",
			"2024-04-29", "2024-04-30", "2024-05-01", "2024-09-02", "2024-09-03"},
		"extra_workdays": []string{"2024-05-04"}, "source": "Thông báo 6150/TB-LĐTBXH"}))
	c.do(oaWant(400, "PUT", "/api/v1/calendar/2024", "admin").with(map[string]any{"holidays": []string{"2024-02-30"}}).
		problem("invalid_input", "holidays[0]").rejected())
	c.do(oaWant(400, "PUT", "/api/v1/calendar/2024", "admin").with(map[string]any{"holidays": []string{"2023-12-31"}}).
		problem("invalid_input", "holidays[0]"))
	c.do(oaWant(400, "PUT", "/api/v1/calendar/2024", "admin").with(map[string]any{"holidays": []string{}, "weekends": true}).
		problem("invalid_input", "weekends").rejected())
	c.do(oaWant(400, "PUT", "/api/v1/calendar/next", "admin").with(map[string]any{"holidays": []string{}}).
		problem("invalid_input", "year").rejected())
	c.do(oaWant(403, "PUT", "/api/v1/calendar/2024", "ward1.reception").with(map[string]any{"holidays": []string{}}).
		problem("forbidden", ""))
	c.do(oaWant(200, "GET", "/api/v1/calendar/rejudgements/1", "admin"))
	c.do(oaWant(404, "GET", "/api/v1/calendar/rejudgements/999", "admin").problem("not_found", ""))
	c.do(oaWant(400, "GET", "/api/v1/calendar/rejudgements/x", "admin").problem("invalid_input", "id").rejected())
	c.do(oaWant(403, "GET", "/api/v1/calendar/rejudgements/1", "ward1.reception").problem("forbidden", ""))
	c.do(oaWant(200, "GET", "/api/v1/calendar/2024", "ward1.reception"))
	c.do(oaWant(200, "GET", "/api/v1/calendar/2031", "ward1.reception"))
	c.do(oaWant(400, "GET", "/api/v1/calendar/next", "ward1.reception").problem("invalid_input", "year").rejected())

	// Procedures.
	procedure := func(code string, extra map[string]any) map[string]any {
		p := map[string]any{"code": code, "name": "Đăng ký khai sinh", "field": "Hộ tịch", "level": "commune",
			"online_eligible": "full", "online_provided": "partial", "national_portal": true, "fee": true,
			"online_payment": false, "postal": false, "interlinked_same_level": true, "interlinked_cross_level": false,
			"published_on": "2023-01-01", "repealed_on": nil}
		for k, v := range extra {
			if v == nil {
				delete(p, k)
			} else {
				p[k] = v
			}
		}
		return p
	}
	c.do(oaWant(201, "POST", "/api/v1/procedures", "admin").with(procedure(oaProc, map[string]any{"time_limit_days": 3})))
	c.do(oaWant(201, "POST", "/api/v1/procedures", "admin").with(procedure(oaPostalProc, map[string]any{"time_limit_hours": 8,
		"postal": true, "name": "Chứng thực bản sao", "field": "Chứng thực"})))
	c.do(oaWant(400, "POST", "/api/v1/procedures", "admin").with(procedure("1.103", map[string]any{"time_limit_days": 3,
		"time_limit_hours": 4})).problem("invalid_input", "time_limit_hours").rejected())
	c.do(oaWant(400, "POST", "/api/v1/procedures", "admin").with(procedure("1.103", nil)).
		problem("invalid_input", "time_limit_days").rejected())
	c.do(oaWant(400, "POST", "/api/v1/procedures", "admin").with(procedure("1.103", map[string]any{"time_limit_days": 3,
		"online_provided": "most"})).problem("invalid_input", "online_provided").rejected())
	c.do(oaWant(400, "POST", "/api/v1/procedures", "admin").with(procedure("1.103", map[string]any{"time_limit_days": 3,
		"published_on": "1/1/2023"})).problem("invalid_input", "published_on").rejected())
	c.do(oaWant(400, "POST", "/api/v1/procedures", "admin").with(procedure("1.103", map[string]any{"time_limit_days": 3,
		"online_payment": true, "fee": false})).problem("invalid_input", "online_payment"))
	c.do(oaWant(403, "POST", "/api/v1/procedures", "ward1.reception").with(procedure("1.103", map[string]any{"time_limit_days": 3})).
		problem("forbidden", ""))
	c.do(oaWant(409, "POST", "/api/v1/procedures", "admin").with(procedure(oaProc, map[string]any{"time_limit_days": 3})).
		problem("conflict", ""))
	c.do(oaWant(200, "PUT", "/api/v1/procedures/"+oaProc, "admin").with(procedure(oaProc, map[string]any{"time_limit_days": 3,
		"effective_on": "2024-01-01", "name": "Đăng ký khai sinh (sửa đổi)"})))
	c.do(oaWant(200, "PUT", "/api/v1/procedures/"+oaProc, "admin").with(procedure(oaProc, map[string]any{"time_limit_days": 3,
		"effective_on": "2025-01-01", "code": nil, "repealed_on": "2030-01-01"})))
	c.do(oaWant(400, "PUT", "/api/v1/procedures/"+oaProc, "admin").with(procedure(oaProc, map[string]any{"time_limit_days": 3})).
		problem("invalid_input", "effective_on").rejected())
	c.do(oaWant(400, "PUT", "/api/v1/procedures/"+oaProc, "admin").with(procedure(oaPostalProc, map[string]any{"time_limit_days": 3,
		"effective_on": "2024-06-01"})).problem("invalid_input", "code"))
	c.do(oaWant(404, "PUT", "/api/v1/procedures/9.999", "admin").with(procedure("9.999", map[string]any{"time_limit_days": 3,
		"effective_on": "2024-06-01"})).problem("not_found", ""))
	c.do(oaWant(409, "PUT", "/api/v1/procedures/"+oaProc, "admin").with(procedure(oaProc, map[string]any{"time_limit_days": 3,
		"effective_on": "2024-01-01"})).problem("conflict", ""))
	c.do(oaWant(403, "PUT", "/api/v1/procedures/"+oaProc, "city.reporter").with(procedure(oaProc, map[string]any{"time_limit_days": 3,
		"effective_on": "2024-06-01"})).problem("forbidden", ""))
	c.do(oaWant(200, "GET", "/api/v1/procedures?level=commune&field="+url.QueryEscape("Hộ tịch")+"&as_of=2024-03-04", "ward1.reception"))
	c.do(oaWant(400, "GET", "/api/v1/procedures?level=hamlet", "ward1.reception").problem("invalid_input", "level").rejected())
	c.do(oaWant(200, "GET", "/api/v1/procedures?limit=1", "ward1.reception"))
	c.do(oaWant(400, "GET", "/api/v1/procedures?cursor=nonsense", "ward1.reception").problem("invalid_input", "cursor"))
	c.do(oaWant(200, "GET", "/api/v1/procedures/"+oaProc, "ward1.reception"))
	c.do(oaWant(200, "GET", "/api/v1/procedures/"+oaProc+"?as_of=2023-06-01", "ward1.reception"))
	c.do(oaWant(400, "GET", "/api/v1/procedures/"+oaProc+"?as_of=yesterday", "ward1.reception").problem("invalid_input", "as_of").rejected())
	c.do(oaWant(404, "GET", "/api/v1/procedures/9.999", "ward1.reception").problem("not_found", ""))

	// Intake.
	applicant := map[string]any{"name": "Nguyễn Văn An", "id_number": "079123456789", "phone": "0912345678",
		"email": "an@example.vn", "address": "12 Lê Lợi, Phường 1"}
	intake := func(extra map[string]any) map[string]any {
		b := map[string]any{"agency_code": ward1Code, "procedure_code": oaProc, "applicant": applicant,
			"channel": "direct", "return_channel": "direct", "digitized": true, "note": "Bản chính"}
		for k, v := range extra {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	d1 := c.do(oaWant(201, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(nil)).header("Idempotency-Key", "intake-1")).json(t)
	code1 := d1["code"].(string)
	replay := c.do(oaWant(201, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(nil)).header("Idempotency-Key", "intake-1"))
	if replay.json(t)["code"] != code1 || replay.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replayed intake: %s %v", replay.body, replay.header)
	}
	c.do(oaWant(409, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(map[string]any{"note": "khác"})).
		header("Idempotency-Key", "intake-1").problem("conflict", ""))
	c.do(oaWant(400, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(nil)).header("Idempotency-Key", strings.Repeat("k", 201)).
		problem("invalid_input", "Idempotency-Key").rejected())
	d2 := c.do(oaWant(201, "POST", "/api/v1/dossiers", "admin").with(intake(map[string]any{"procedure_code": oaPostalProc,
		"channel": "postal", "return_channel": "online", "received_at": "2024-03-01T15:30:00+07:00", "digitized": nil, "note": nil,
		"applicant": map[string]any{"name": "Trần Thị Bình", "phone": "+84987654321"}}))).json(t)
	code2 := d2["code"].(string)
	d3 := c.do(oaWant(201, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(map[string]any{"return_channel": nil}))).json(t)
	code3 := d3["code"].(string)
	c.do(oaWant(400, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(map[string]any{"priority": "high"})).
		problem("invalid_input", "priority").rejected())
	c.do(oaWant(400, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(map[string]any{"channel": "fax"})).
		problem("invalid_input", "channel").rejected())
	c.do(oaWant(400, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(map[string]any{"channel": nil})).
		problem("invalid_input", "channel").rejected())
	c.do(oaWant(400, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(map[string]any{
		"applicant": map[string]any{"name": "An", "phone": "12-34"}})).problem("invalid_input", "applicant.phone").rejected())
	c.do(oaWant(400, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(map[string]any{
		"applicant": map[string]any{"name": "  "}})).problem("invalid_input", "applicant.name"))
	c.do(oaWant(400, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(map[string]any{"digitized": "yes"})).
		problem("invalid_input", "digitized").rejected())
	c.do(oaWant(400, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(nil)).ctyped("text/plain").
		problem("invalid_input", "body").rejected())
	c.do(oaWant(403, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(map[string]any{"received_at": "2024-03-01T08:00:00+07:00"})).
		problem("forbidden", ""))
	c.do(oaWant(403, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(map[string]any{"agency_code": ward2Code})).
		problem("forbidden", ""))
	c.do(oaWant(403, "POST", "/api/v1/dossiers", "ward1.specialist").with(intake(nil)).problem("forbidden", ""))
	c.do(oaWant(401, "POST", "/api/v1/dossiers", "").with(intake(nil)).problem("unauthorized", ""))
	c.do(oaWant(422, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(map[string]any{"return_channel": "postal"})).
		problem("unprocessable", "return_channel"))
	c.do(oaWant(422, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(map[string]any{"procedure_code": "9.999"})).
		problem("unprocessable", "procedure_code"))

	// Reading dossiers.
	got := c.do(oaWant(200, "GET", "/api/v1/dossiers/"+code1, "ward1.specialist"))
	if got.header.Get("ETag") != `"1"` {
		t.Errorf("ETag of a new dossier = %q", got.header.Get("ETag"))
	}
	c.do(oaWant(200, "GET", "/api/v1/dossiers/"+strings.ToLower(code1), "city.reception"))
	c.do(oaWant(404, "GET", "/api/v1/dossiers/"+code1, "ward2.reception").problem("not_found", ""))
	c.do(oaWant(404, "GET", "/api/v1/dossiers/"+ward1Code+"-240304-9999", "ward1.reception").problem("not_found", ""))
	c.do(oaWant(403, "GET", "/api/v1/dossiers/"+code1, "city.reporter").problem("forbidden", ""))
	c.do(oaWant(200, "GET", "/api/v1/dossiers?q="+url.QueryEscape("nguyen van an")+"&status=received&channel=direct&overdue=false"+
		"&received_from=2024-03-01&received_to=2024-03-31&agency_code="+ward1Code+"&procedure_code="+oaProc+"&field="+
		url.QueryEscape("Hộ tịch")+"&limit=1", "city.reception"))
	c.do(oaWant(200, "GET", "/api/v1/dossiers?overdue=true", "admin"))
	c.do(oaWant(400, "GET", "/api/v1/dossiers?status=lost", "ward1.reception").problem("invalid_input", "status").rejected())
	c.do(oaWant(400, "GET", "/api/v1/dossiers?limit=501", "ward1.reception").problem("invalid_input", "limit").rejected())
	c.do(oaWant(400, "GET", "/api/v1/dossiers?received_from=03/01/2024", "ward1.reception").
		problem("invalid_input", "received_from").rejected())
	c.do(oaWant(400, "GET", "/api/v1/dossiers?overdue=yes", "ward1.reception").problem("invalid_input", "overdue").rejected())
	c.do(oaWant(403, "GET", "/api/v1/dossiers", "city.reporter").problem("forbidden", ""))
	c.do(oaWant(200, "GET", "/api/v1/dossiers/"+code2+"/deadline", "ward1.specialist"))
	c.do(oaWant(404, "GET", "/api/v1/dossiers/"+code2+"/deadline", "ward2.reception").problem("not_found", ""))

	// Actions.
	action := func(code, name string) string { return "/api/v1/dossiers/" + code + "/actions/" + name }
	c.do(oaWant(200, "POST", action(code1, "start"), "ward1.specialist").header("If-Match", `"1"`))
	c.do(oaWant(412, "POST", action(code1, "request_supplement"), "ward1.specialist").with(map[string]any{"reason": "Thiếu giấy"}).
		header("If-Match", `"1"`).problem("precondition_failed", ""))
	c.do(oaWant(409, "POST", action(code1, "start"), "ward1.specialist").problem("invalid_transition", ""))
	c.do(oaWant(404, "POST", action(code1, "approve"), "ward1.specialist").problem("not_found", "").rejected())
	c.do(oaWant(404, "POST", action(ward1Code+"-240304-9999", "start"), "ward1.specialist").problem("not_found", ""))
	c.do(oaWant(403, "POST", action(code1, "pause"), "ward1.reception").with(map[string]any{"reason": "x"}).problem("forbidden", ""))
	c.do(oaWant(403, "POST", action(code1, "pause"), "ward1.specialist").with(map[string]any{"reason": "x",
		"at": "2024-03-04T08:00:00+07:00"}).problem("forbidden", ""))
	c.do(oaWant(400, "POST", action(code1, "pause"), "ward1.specialist").with(map[string]any{}).problem("invalid_input", "reason"))
	c.do(oaWant(400, "POST", action(code1, "pause"), "ward1.specialist").with(map[string]any{"reason": "x", "until": "later"}).
		problem("invalid_input", "until").rejected())
	c.do(oaWant(400, "POST", action(code1, "resolve"), "ward1.specialist").with(map[string]any{"outcome": "maybe"}).
		problem("invalid_input", "outcome").rejected())
	c.do(oaWant(400, "POST", action(code1, "pause"), "admin").with(map[string]any{"reason": "x", "at": "yesterday"}).
		problem("invalid_input", "at").rejected())
	c.do(oaWant(200, "POST", action(code1, "request_supplement"), "ward1.reception").with(map[string]any{"reason": "Thiếu giấy khai sinh"}))
	c.e.clock.Add(2 * time.Hour) // tokens stay valid: no new logins (they are rate limited)
	c.do(oaWant(200, "POST", action(code1, "supplement"), "ward1.reception").with(map[string]any{"note": "Đã bổ sung"}))
	c.do(oaWant(200, "POST", action(code1, "pause"), "ward1.specialist").with(map[string]any{"reason": "Chờ xác minh"}))
	c.e.clock.Add(time.Hour)
	c.do(oaWant(200, "GET", "/api/v1/dossiers/"+code1+"/deadline", "ward1.specialist"))
	c.do(oaWant(200, "POST", action(code1, "resume"), "ward1.specialist"))
	c.do(oaWant(200, "POST", action(code1, "apologize"), "ward1.specialist").with(map[string]any{"reason": "Cần xác minh thêm",
		"new_appointment_at": "2024-03-20T16:00:00+07:00"}))
	c.do(oaWant(409, "POST", action(code1, "apologize"), "ward1.specialist").with(map[string]any{"reason": "Lần nữa",
		"new_appointment_at": "2024-03-25T16:00:00+07:00"}).problem("conflict", ""))
	c.do(oaWant(200, "POST", action(code1, "resolve"), "ward1.specialist").with(map[string]any{"outcome": "approved",
		"result_digitized": true}).header("Idempotency-Key", "resolve-1"))
	c.do(oaWant(200, "POST", action(code1, "resolve"), "ward1.specialist").with(map[string]any{"outcome": "approved",
		"result_digitized": true}).header("Idempotency-Key", "resolve-1"))
	c.do(oaWant(400, "POST", action(code1, "return"), "ward1.reception").with(map[string]any{"channel": "pigeon"}).
		problem("invalid_input", "channel").rejected())
	c.do(oaWant(200, "POST", action(code1, "return"), "ward1.reception").with(map[string]any{"channel": "direct"}))
	c.do(oaWant(200, "POST", action(code2, "resolve"), "admin").with(map[string]any{"outcome": "refused",
		"at": "2024-03-04T08:30:00+07:00", "note": "Hồ sơ không hợp lệ"}))
	c.do(oaWant(200, "POST", action(code2, "return"), "ward1.reception").with(map[string]any{"channel": "online"}))
	c.do(oaWant(200, "POST", action(code3, "withdraw"), "ward1.reception").with(map[string]any{"reason": "Công dân xin rút"}))
	c.do(oaWant(409, "POST", action(code3, "withdraw"), "ward1.reception").with(map[string]any{"reason": "Lần nữa"}).
		problem("invalid_transition", ""))
	c.do(oaWant(200, "GET", "/api/v1/dossiers/"+code1, "ward1.reception"))

	// Documents.
	for _, doc := range []string{"receipt.pdf", "qr.png"} {
		c.do(oaWant(200, "GET", "/api/v1/dossiers/"+code1+"/"+doc, "ward1.reception"))
		c.do(oaWant(404, "GET", "/api/v1/dossiers/"+code1+"/"+doc, "ward2.reception").problem("not_found", ""))
		c.do(oaWant(403, "GET", "/api/v1/dossiers/"+code1+"/"+doc, "city.reporter").problem("forbidden", ""))
	}
	c.do(oaWant(200, "GET", "/api/v1/dossiers/"+code1+"/apology.pdf", "ward1.specialist"))
	c.do(oaWant(404, "GET", "/api/v1/dossiers/"+code2+"/apology.pdf", "ward1.specialist").problem("not_found", ""))

	// Scan.
	lookupURL := d1["lookup_url"].(string)
	token1 := lookupURL[strings.LastIndex(lookupURL, "/t/")+3:]
	c.do(oaWant(200, "GET", "/api/v1/scan?data="+url.QueryEscape(lookupURL), "ward1.reception"))
	c.do(oaWant(200, "GET", "/api/v1/scan?data="+url.QueryEscape(" "+strings.ToLower(code2)+" "), "ward1.specialist"))
	c.do(oaWant(400, "GET", "/api/v1/scan?data=", "ward1.reception").problem("invalid_input", "data").rejected())
	c.do(oaWant(400, "GET", "/api/v1/scan?data=hello", "ward1.reception").problem("invalid_input", "data"))
	c.do(oaWant(404, "GET", "/api/v1/scan?data="+url.QueryEscape(lookupURL), "ward2.reception").problem("not_found", ""))
	c.do(oaWant(403, "GET", "/api/v1/scan?data="+code1, "city.reporter").problem("forbidden", ""))

	// Bulk import.
	const csvHead = "code,agency_code,procedure_code,applicant_name,applicant_id,applicant_phone,channel,return_channel,received_at,due_at,resolved_at,outcome,returned_at,apologized_at,new_appointment_at,withdrawn_at\n"
	importedCode := ward2Code + "-240226-0001"
	rows := csvHead +
		importedCode + "," + ward2Code + "," + oaProc + ",Lê Văn Cường,,0912000111,direct,direct,2024-02-26T08:00:00+07:00,,2024-03-01T10:00:00+07:00,approved,,2024-02-28T09:00:00+07:00,2024-03-01T16:00:00+07:00,\n" +
		"," + ward2Code + "," + oaProc + ",Phạm Thị Dung,,,online,online,2024-03-01T09:00:00+07:00,,,,,,,\n"
	csvReq := func(status int, user, body string) oaReq {
		return oaWant(status, "POST", "/api/v1/imports/dossiers", user).with(body).ctyped("text/csv")
	}
	c.do(csvReq(200, "admin", rows))
	c.do(csvReq(200, "city.admin", rows))
	c.do(csvReq(400, "admin", "code,agency\n1,2\n").problem("invalid_input", "header"))
	c.do(csvReq(422, "admin", csvHead+","+ward2Code+","+oaProc+",An,,,fax,direct,2024-03-01T09:00:00+07:00,,,,,,,\n").
		problem("unprocessable", "channel"))
	c.do(oaWant(400, "POST", "/api/v1/imports/dossiers", "admin").with(map[string]any{"rows": []string{}}).
		problem("invalid_input", "body").rejected())
	c.do(csvReq(403, "ward1.reception", rows).problem("forbidden", ""))
	c.do(oaWant(200, "GET", "/api/v1/dossiers/"+importedCode+"/apology.pdf", "ward2.reception"))

	// Feedback.
	fb := c.do(oaWant(201, "POST", "/api/v1/feedback", "ward1.reception").with(map[string]any{"agency_code": ward1Code,
		"procedure_code": oaProc, "content": "Thời gian chờ quá lâu"})).json(t)
	fbID := fmt.Sprint(fb["id"])
	c.do(oaWant(201, "POST", "/api/v1/feedback", "admin").with(map[string]any{"agency_code": ward2Code, "content": "Góp ý",
		"received_at": "2024-02-01T10:00:00+07:00"}))
	c.do(oaWant(400, "POST", "/api/v1/feedback", "ward1.reception").with(map[string]any{"agency_code": ward1Code}).
		problem("invalid_input", "content").rejected())
	c.do(oaWant(400, "POST", "/api/v1/feedback", "ward1.reception").with(map[string]any{"agency_code": "999", "content": "x"}).
		problem("invalid_input", "agency_code"))
	c.do(oaWant(403, "POST", "/api/v1/feedback", "ward1.reception").with(map[string]any{"agency_code": ward1Code, "content": "x",
		"received_at": "2024-02-01T10:00:00+07:00"}).problem("forbidden", ""))
	c.do(oaWant(403, "POST", "/api/v1/feedback", "ward1.specialist").with(map[string]any{"agency_code": ward1Code, "content": "x"}).
		problem("forbidden", ""))
	c.do(oaWant(200, "POST", "/api/v1/feedback/"+fbID+"/resolve", "ward1.reception").with(map[string]any{"answer": "Đã bố trí thêm cán bộ"}))
	c.do(oaWant(409, "POST", "/api/v1/feedback/"+fbID+"/resolve", "ward1.reception").with(map[string]any{"answer": "Lần nữa"}).
		problem("conflict", ""))
	c.do(oaWant(400, "POST", "/api/v1/feedback/"+fbID+"/resolve", "ward1.reception").with(map[string]any{}).
		problem("invalid_input", "answer").rejected())
	c.do(oaWant(404, "POST", "/api/v1/feedback/99999/resolve", "ward1.reception").with(map[string]any{"answer": "x"}).
		problem("not_found", ""))
	c.do(oaWant(403, "POST", "/api/v1/feedback/"+fbID+"/resolve", "ward1.specialist").with(map[string]any{"answer": "x"}).
		problem("forbidden", ""))
	c.do(oaWant(200, "GET", "/api/v1/feedback?agency_code="+ward1Code+"&open=false&limit=10", "ward1.specialist"))
	c.do(oaWant(200, "GET", "/api/v1/feedback?open=true", "admin"))
	c.do(oaWant(400, "GET", "/api/v1/feedback?open=maybe", "admin").problem("invalid_input", "open").rejected())
	c.do(oaWant(200, "GET", "/api/v1/feedback?limit=1", "admin"))
	c.do(oaWant(400, "GET", "/api/v1/feedback?cursor=nonsense", "admin").problem("invalid_input", "cursor"))
	c.do(oaWant(403, "GET", "/api/v1/feedback", "city.reporter").problem("forbidden", ""))

	// Public answers.
	d4 := c.do(oaWant(201, "POST", "/api/v1/dossiers", "ward1.reception").with(intake(nil))).json(t)
	u4 := d4["lookup_url"].(string)
	token4 := u4[strings.LastIndex(u4, "/t/")+3:]
	c.do(oaWant(200, "GET", "/api/v1/public/dossiers/"+token1, ""))
	c.do(oaWant(200, "GET", "/api/v1/public/dossiers/"+token4, ""))
	c.do(oaWant(404, "GET", "/api/v1/public/dossiers/"+strings.ToUpper(token1), "").problem("not_found", ""))
	c.do(oaWant(200, "GET", "/api/v1/public/lookup?code="+strings.ToLower(code1)+"&phone_last4=5678", ""))
	c.do(oaWant(404, "GET", "/api/v1/public/lookup?code="+code1+"&phone_last4=0000", "").problem("not_found", ""))
	c.do(oaWant(400, "GET", "/api/v1/public/lookup?code=nonsense&phone_last4=5678", "").problem("invalid_input", "code"))
	c.do(oaWant(400, "GET", "/api/v1/public/lookup?code="+code1+"&phone_last4=56", "").problem("invalid_input", "phone_last4").rejected())
	c.do(oaWant(409, "POST", "/api/v1/public/dossiers/"+token4+"/survey", "").with(map[string]any{"satisfied": true}).
		problem("invalid_transition", ""))
	c.do(oaWant(201, "POST", "/api/v1/public/dossiers/"+token1+"/survey", "").with(map[string]any{"satisfied": true,
		"comment": "Cán bộ nhiệt tình"}))
	c.do(oaWant(409, "POST", "/api/v1/public/dossiers/"+token1+"/survey", "").with(map[string]any{"satisfied": false}).
		problem("conflict", ""))
	c.do(oaWant(400, "POST", "/api/v1/public/dossiers/"+token1+"/survey", "").with(map[string]any{"comment": "?"}).
		problem("invalid_input", "satisfied").rejected())
	c.do(oaWant(404, "POST", "/api/v1/public/dossiers/not-a-token/survey", "").with(map[string]any{"satisfied": true}).
		problem("not_found", ""))

	// Pages.
	u2 := d2["lookup_url"].(string)
	token2 := u2[strings.LastIndex(u2, "/t/")+3:]
	c.do(oaWant(200, "GET", "/t/"+token1, ""))
	c.do(oaWant(404, "GET", "/t/not-a-token", ""))
	c.do(oaWant(400, "POST", "/t/"+token2+"/survey", "").with(url.Values{"satisfied": {"2"}}).rejected())
	c.do(oaWant(303, "POST", "/t/"+token2+"/survey", "").with(url.Values{"satisfied": {"0"}, "comment": {"Chờ lâu"}}))
	c.do(oaWant(409, "POST", "/t/"+token4+"/survey", "").with(url.Values{"satisfied": {"1"}}))
	c.do(oaWant(404, "POST", "/t/not-a-token/survey", "").with(url.Values{"satisfied": {"1"}}))
	c.do(oaWant(200, "GET", "/counter/login", ""))
	c.do(oaWant(401, "POST", "/counter/login", "").with(url.Values{"username": {"ward1.reception"}, "password": {"wrong-password"}}))
	c.do(oaWant(400, "POST", "/counter/login", "").with(url.Values{"username": {"ward1.reception"}}).rejected())
	login := c.do(oaWant(303, "POST", "/counter/login", "").with(url.Values{"username": {"ward1.reception"}, "password": {"password-123"}}))
	cookie := ""
	for _, ck := range (&http.Response{Header: login.header}).Cookies() {
		if ck.Name == "motcua_token" {
			cookie = ck.Value
		}
	}
	if cookie == "" {
		t.Fatalf("counter login set no cookie: %v", login.header)
	}
	reporterLogin := c.do(oaWant(303, "POST", "/counter/login", "").with(url.Values{"username": {"city.reporter"}, "password": {"password-123"}}))
	reporterCookie := ""
	for _, ck := range (&http.Response{Header: reporterLogin.header}).Cookies() {
		if ck.Name == "motcua_token" {
			reporterCookie = ck.Value
		}
	}
	c.do(oaWant(303, "GET", "/counter/login", "").withCookie(cookie))
	c.do(oaWant(200, "GET", "/counter", "").withCookie(cookie))
	c.do(oaWant(200, "GET", "/counter?data="+url.QueryEscape(lookupURL), "").withCookie(cookie))
	c.do(oaWant(404, "GET", "/counter?data="+ward1Code+"-240304-9999", "").withCookie(cookie))
	c.do(oaWant(400, "GET", "/counter?data=hello", "").withCookie(cookie))
	c.do(oaWant(303, "GET", "/counter", ""))
	c.do(oaWant(403, "GET", "/counter", "").withCookie(reporterCookie))
	for _, doc := range []string{"receipt.pdf", "qr.png", "apology.pdf"} {
		c.do(oaWant(200, "GET", "/counter/dossiers/"+code1+"/"+doc, "").withCookie(cookie))
		c.do(oaWant(303, "GET", "/counter/dossiers/"+code1+"/"+doc, ""))
		c.do(oaWant(404, "GET", "/counter/dossiers/"+ward2Code+"-240226-0001/"+doc, "").withCookie(cookie).problem("not_found", ""))
		c.do(oaWant(403, "GET", "/counter/dossiers/"+code1+"/"+doc, "").withCookie(reporterCookie))
	}
	// The counter's forms, each with the session's CSRF token.
	newPage := c.do(oaWant(200, "GET", "/counter/new", "").withCookie(cookie))
	c.do(oaWant(303, "GET", "/counter/new", ""))
	csrf := csrfRE.FindStringSubmatch(string(newPage.body))
	if csrf == nil {
		t.Fatal("the intake form has no CSRF token")
	}
	form := func(kv ...string) url.Values {
		f := url.Values{"csrf": {csrf[1]}}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	taken := c.do(oaWant(303, "POST", "/counter/dossiers", "").withCookie(cookie).with(form("agency_code", ward1Code,
		"procedure_code", oaProc, "applicant.name", "Trần Thị Bình", "channel", "direct", "return_channel", "direct")))
	c.do(oaWant(400, "POST", "/counter/dossiers", "").withCookie(cookie).with(form("agency_code", ward1Code, "procedure_code", oaProc)))
	c.do(oaWant(403, "POST", "/counter/dossiers", "").withCookie(cookie).with(url.Values{"procedure_code": {oaProc}}).rejected())
	card := strings.TrimSuffix(taken.header.Get("Location"), "?done=intake")
	c.do(oaWant(200, "GET", card+"?done=intake", "").withCookie(cookie))
	c.do(oaWant(404, "GET", "/counter/dossiers/"+ward1Code+"-240304-9999", "").withCookie(cookie))
	c.do(oaWant(303, "GET", card, ""))
	c.do(oaWant(303, "POST", card+"/actions/start", "").withCookie(cookie).with(form("note", "Chuyển phòng Tư pháp")))
	c.do(oaWant(409, "POST", card+"/actions/start", "").withCookie(cookie).with(form()))
	c.do(oaWant(400, "POST", card+"/actions/request_supplement", "").withCookie(cookie).with(form()))
	c.do(oaWant(403, "POST", card+"/actions/resolve", "").withCookie(cookie).with(form("outcome", "approved")))
	c.do(oaWant(404, "POST", card+"/actions/nothing", "").withCookie(cookie).with(form()).rejected())
	c.do(oaWant(403, "POST", "/counter/logout", "").withCookie(cookie).with(url.Values{"csrf": {"forged"}}))
	c.do(oaWant(303, "POST", "/counter/logout", "").withCookie(cookie).with(form()))

	// Reports.
	rep := func(status int, user, path string) oaReq { return oaWant(status, "GET", "/api/v1/reports/"+path, user) }
	c.do(rep(200, "city.reporter", "appendix?period=2024"))
	c.do(rep(200, "admin", "appendix?agency_code="+ward1Code+"&period=2024&kind=quarter&number=1&cutoff=decree09&live=true"))
	c.do(rep(200, "city.reporter", "appendix?period=2024&kind=month&number=3&format=xlsx"))
	c.do(rep(200, "city.reporter", "appendix?period=2024&format=csv"))
	c.do(rep(400, "city.reporter", "appendix").problem("invalid_input", "period").rejected())
	c.do(rep(400, "city.reporter", "appendix?period=2024&kind=week").problem("invalid_input", "kind").rejected())
	c.do(rep(400, "city.reporter", "appendix?period=2024&format=pdf").problem("invalid_input", "format").rejected())
	c.do(rep(400, "city.reporter", "appendix?period=2024&kind=quarter&number=5").problem("invalid_input", "number"))
	c.do(rep(200, "admin", "appendix?period=2024")) // the one agency at the top of the tree
	c.do(rep(404, "city.reporter", "appendix?period=2024&agency_code=999.99").problem("not_found", ""))
	c.do(rep(403, "ward1.reception", "appendix?period=2024").problem("forbidden", ""))
	c.do(rep(200, "city.reporter", "by-field?period=2024&kind=half&number=1"))
	c.do(rep(200, "city.reporter", "by-field?period=2024&format=csv"))
	c.do(rep(400, "city.reporter", "by-field?period=2024&format=xlsx").problem("invalid_input", "format").rejected())
	c.do(rep(403, "ward1.specialist", "by-field?period=2024").problem("forbidden", ""))
	manual := "manual?period=2024&kind=month&number=3&agency_code=" + cityCode
	c.do(rep(200, "city.reporter", manual))
	c.do(oaWant(200, "PUT", "/api/v1/reports/"+manual, "city.reporter").with(map[string]any{"figures": map[string]any{
		"plan_tasks": 12, "plan_completion_rate": 99.5, "leader_dialogue": 1}}))
	c.do(rep(200, "city.reporter", manual))
	c.do(oaWant(400, "PUT", "/api/v1/reports/"+manual, "city.reporter").with(map[string]any{"figures": map[string]any{"nope": 1}}).
		problem("invalid_input", "figures.nope"))
	c.do(oaWant(400, "PUT", "/api/v1/reports/"+manual, "city.reporter").with(map[string]any{}).
		problem("invalid_input", "figures").rejected())
	c.do(oaWant(403, "PUT", "/api/v1/reports/"+manual, "ward1.reception").with(map[string]any{"figures": map[string]any{}}).
		problem("forbidden", ""))
	snapPath := "/api/v1/reports/snapshots?period=2024&kind=quarter&number=1&agency_code=" + cityCode
	s1 := c.do(oaWant(201, "POST", snapPath, "city.reporter").header("Idempotency-Key", "snap-1")).json(t)
	c.do(oaWant(201, "POST", snapPath, "city.reporter").header("Idempotency-Key", "snap-1"))
	s2 := c.do(oaWant(201, "POST", snapPath, "city.reporter").with(map[string]any{})).json(t)
	c.do(oaWant(400, "POST", snapPath, "city.reporter").with(map[string]any{"live": true}).problem("invalid_input", "live").rejected())
	c.do(oaWant(403, "POST", snapPath, "ward1.reception").problem("forbidden", ""))
	c.do(rep(200, "city.reporter", "snapshots"))
	c.do(rep(200, "city.reporter", "snapshots?agency_code="+cityCode+"&period=2024&kind=quarter&number=1&limit=1"))
	c.do(rep(400, "city.reporter", "snapshots?limit=0").problem("invalid_input", "limit").rejected())
	c.do(rep(200, "city.reporter", "appendix?period=2024&kind=quarter&number=1"))
	c.do(rep(200, "city.reporter", fmt.Sprintf("snapshots/%v", s1["id"])))
	c.do(rep(200, "city.reporter", fmt.Sprintf("snapshots/%v?compare=%v", s2["id"], s1["id"])))
	c.do(rep(404, "city.reporter", "snapshots/99999").problem("not_found", ""))
	c.do(rep(400, "city.reporter", "snapshots/first").problem("invalid_input", "id").rejected())
	c.do(rep(403, "ward1.specialist", fmt.Sprintf("snapshots/%v", s1["id"])).problem("forbidden", ""))

	// Every operation behind a bearer token answers 401 without one.
	c.unauthorized()

	// The rate limits, last: they shut this client out.
	for i := 0; ; i++ {
		r := oaWant(404, "GET", "/api/v1/public/lookup?code="+code2+"&phone_last4=0000", "")
		r.orStatus = 429
		if c.do(r).status == 429 {
			break
		}
		if i > 40 {
			t.Fatal("public lookups are not rate limited")
		}
	}
	// The signed token's answer and page keep their own budget.
	c.do(oaWant(200, "GET", "/api/v1/public/dossiers/"+token1, ""))
	c.do(oaWant(200, "GET", "/t/"+token1, ""))

	c.checkCoverage()
	c.reportOffsets()
}

// unauthorized sends every operation that needs a bearer token without one, with made-up path
// parameters, and checks the 401 answer against the spec.
func (c *oaChecker) unauthorized() {
	c.t.Helper()
	values := map[string]string{"code": ward1Code + "-240304-0001", "year": "2024", "id": "1", "action": "start", "token": "x"}
	ops := oaOperations(c.doc)
	keys := make([]string, 0, len(ops))
	for k := range ops {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		op := ops[k]
		sec := c.doc.Security
		if op.Security != nil {
			sec = *op.Security
		}
		bearer := false
		for _, s := range sec {
			_, ok := s["bearerAuth"]
			bearer = bearer || ok
		}
		if !bearer {
			continue
		}
		method, path, _ := strings.Cut(k, " ")
		path = regexp.MustCompile(`\{([a-z_]+)\}`).ReplaceAllStringFunc(path, func(m string) string { return values[m[1:len(m)-1]] })
		req, _ := http.NewRequest(method, c.e.base+path, nil)
		res, err := c.client.Do(req)
		if err != nil {
			c.t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 401 {
			c.t.Errorf("%s without a token: %d, want 401", k, res.StatusCode)
			continue
		}
		route, params, err := c.router.FindRoute(req)
		if err != nil {
			c.t.Errorf("%s: %v", k, err)
			continue
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: oaFilterOptions}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
			Body: io.NopCloser(bytes.NewReader(body)), Options: oaFilterOptions}
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			c.t.Errorf("%s without a token: the answer does not match the spec: %v", k, err)
		}
		if c.seen[k] == nil {
			c.seen[k] = map[int]bool{}
		}
		c.seen[k][401] = true
	}
}

// checkCoverage fails for every operation of the spec that got no successful answer.
func (c *oaChecker) checkCoverage() {
	c.t.Helper()
	for k := range oaOperations(c.doc) {
		ok := false
		for status := range c.seen[k] {
			ok = ok || status >= 200 && status < 400
		}
		if !ok {
			c.t.Errorf("%s: no successful request in the contract test", k)
		}
	}
}

// reportOffsets fails for every time answered in another offset than +07:00 (API.md:
// "the server answers in +07:00"), except the known ones.
func (c *oaChecker) reportOffsets() {
	c.t.Helper()
	keys := make([]string, 0, len(c.offsets))
	for k := range c.offsets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !oaUTCAllowed[k] {
			c.t.Errorf("%s = %s: not in +07:00", k, c.offsets[k])
		}
	}
}
