package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/domain"
	"motcua/qr"
)

// access says how a route authenticates its caller.
type access int

const (
	public access = iota // anyone
	bearer               // Authorization: Bearer <login token>
	cookie               // the counter's cookie holding a login token (HTML pages)
)

// scoping says whether the answer depends on the agency a request is aimed at.
type scoping int

const (
	unscoped       scoping = iota // one answer for every agency (catalogue, calendar, lists filtered by scope)
	scoped                        // the request names an agency, or a dossier or feedback of one
	deploymentWide                // changes what belongs to the whole deployment: callers with no agency only
)

// routeRule is what a route expects of its callers, and how to build a request to it that an
// allowed caller gets a success for.
type routeRule struct {
	access access
	roles  []domain.Role // who may (bearer, cookie); nil = any authenticated caller
	scope  scoping
	ok     int   // the success status of an allowed caller
	csrf   bool  // a counter form: the caller's CSRF token is added to the body
	denied []int // statuses accepted for a caller outside the target's agency; default 403 or 404
	// build returns a fresh request aimed at the target agency, sent as the principal user
	// (the build may create fixtures first).
	build func(x *authz, target string) request
}

var (
	anyRole   = []domain.Role(nil)
	adminOnly = []domain.Role{domain.RoleAdmin}
	reception = []domain.Role{domain.RoleAdmin, domain.RoleReception}
	staff     = []domain.Role{domain.RoleAdmin, domain.RoleReception, domain.RoleSpecialist}
	reporters = []domain.Role{domain.RoleAdmin, domain.RoleReporter}
)

// routeRules classifies every route of the application. A route missing here fails the test:
// whoever adds a route says who may call it. HEAD routes follow their GET route.
var routeRules = map[string]routeRule{
	"GET /healthz":             {access: public, ok: 200, build: get("/healthz")},
	"GET /readyz":              {access: public, ok: 200, build: get("/readyz")},
	"GET /metrics":             {access: public, ok: 200, build: get("/metrics")},
	"GET /api/v1/openapi.yaml": {access: public, ok: 200, build: get("/api/v1/openapi.yaml")},

	"POST /api/v1/auth/login": {access: public, ok: 200, build: func(x *authz, _ string) request {
		return request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"username": "admin", "password": password}}
	}},
	"POST /api/v1/users": {access: bearer, roles: adminOnly, scope: scoped, ok: 201, build: func(x *authz, target string) request {
		return request{Method: "POST", Path: "/api/v1/users", Body: map[string]any{"username": x.unique("user"),
			"password": "password-456", "roles": []string{"reception"}, "agency_code": target}}
	}},
	"POST /api/v1/agencies": {access: bearer, roles: adminOnly, scope: scoped, ok: 201, build: func(x *authz, target string) request {
		return request{Method: "POST", Path: "/api/v1/agencies", Body: map[string]any{"code": x.uniqueCode(), "name": "UBND Tổ dân phố",
			"level": "commune", "parent_code": target}}
	}},
	"GET /api/v1/agencies":       {access: bearer, roles: anyRole, ok: 200, build: get("/api/v1/agencies")},
	"GET /api/v1/agencies/:code": {access: bearer, roles: anyRole, scope: scoped, ok: 200, build: getf("/api/v1/agencies/%s", agencyOf)},

	// The calendar and the catalogue belong to the whole deployment (DOMAIN.md).
	"PUT /api/v1/calendar/:year": {access: bearer, roles: adminOnly, scope: deploymentWide, ok: 200, build: func(x *authz, _ string) request {
		return request{Method: "PUT", Path: "/api/v1/calendar/2031", Body: map[string]any{"holidays": []string{"2031-01-01"}, "extra_workdays": []string{}}}
	}},
	"GET /api/v1/calendar/:year": {access: bearer, roles: anyRole, ok: 200, build: get("/api/v1/calendar/2024")},
	"GET /api/v1/calendar/rejudgements/:id": {access: bearer, roles: adminOnly, scope: deploymentWide, ok: 200, build: func(x *authz, _ string) request {
		return request{Method: "GET", Path: "/api/v1/calendar/rejudgements/" + x.freshRejudgement()}
	}},
	"POST /api/v1/procedures": {access: bearer, roles: adminOnly, scope: deploymentWide, ok: 201, build: func(x *authz, _ string) request {
		return request{Method: "POST", Path: "/api/v1/procedures", Body: procedureBody(x.uniqueCode(), false)}
	}},
	"PUT /api/v1/procedures/:code": {access: bearer, roles: adminOnly, scope: deploymentWide, ok: 200, build: func(x *authz, _ string) request {
		b := procedureBody(procCode, true)
		b["effective_on"] = x.uniqueDate()
		return request{Method: "PUT", Path: "/api/v1/procedures/" + procCode, Body: b}
	}},
	"GET /api/v1/procedures":       {access: bearer, roles: anyRole, ok: 200, build: get("/api/v1/procedures")},
	"GET /api/v1/procedures/:code": {access: bearer, roles: anyRole, ok: 200, build: get("/api/v1/procedures/" + procCode)},

	"POST /api/v1/dossiers": {access: bearer, roles: reception, scope: scoped, ok: 201, build: func(x *authz, target string) request {
		return request{Method: "POST", Path: "/api/v1/dossiers", Body: intakeBody(target, "Nguyễn Văn Mới")}
	}},
	"GET /api/v1/dossiers": {access: bearer, roles: staff, ok: 200, build: func(x *authz, target string) request {
		return request{Method: "GET", Path: "/api/v1/dossiers?agency_code=" + target}
	}},
	"GET /api/v1/dossiers/:code":          {access: bearer, roles: staff, scope: scoped, ok: 200, build: getf("/api/v1/dossiers/%s", markerCode)},
	"GET /api/v1/dossiers/:code/deadline": {access: bearer, roles: staff, scope: scoped, ok: 200, build: getf("/api/v1/dossiers/%s/deadline", markerCode)},
	"POST /api/v1/dossiers/:code/actions/:action": {access: bearer, roles: staff, scope: scoped, ok: 200, build: func(x *authz, target string) request {
		return request{Method: "POST", Path: "/api/v1/dossiers/" + x.freshDossier(target) + "/actions/start", Body: map[string]any{"note": "bắt đầu"}}
	}},
	"GET /api/v1/dossiers/:code/receipt.pdf": {access: bearer, roles: staff, scope: scoped, ok: 200, build: getf("/api/v1/dossiers/%s/receipt.pdf", markerCode)},
	"GET /api/v1/dossiers/:code/qr.png":      {access: bearer, roles: staff, scope: scoped, ok: 200, build: getf("/api/v1/dossiers/%s/qr.png", markerCode)},
	"GET /api/v1/dossiers/:code/apology.pdf": {access: bearer, roles: staff, scope: scoped, ok: 200, build: getf("/api/v1/dossiers/%s/apology.pdf", markerCode)},
	"GET /api/v1/scan":                       {access: bearer, roles: staff, scope: scoped, ok: 200, build: getf("/api/v1/scan?data=%s", markerCode)},

	"POST /api/v1/imports/dossiers": {access: bearer, roles: adminOnly, scope: scoped, ok: 200, denied: []int{403, 404, 422},
		build: func(x *authz, target string) request {
			return request{Method: "POST", Path: "/api/v1/imports/dossiers", Type: "text/csv", Body: strings.Join(domain.ImportColumns, ",") + "\n" +
				"," + target + "," + procCode + ",Trần Thị Nhập,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,\n"}
		}},

	"POST /api/v1/feedback": {access: bearer, roles: reception, scope: scoped, ok: 201, build: func(x *authz, target string) request {
		return request{Method: "POST", Path: "/api/v1/feedback", Body: map[string]any{"agency_code": target, "content": "Phản ánh thử"}}
	}},
	"POST /api/v1/feedback/:id/resolve": {access: bearer, roles: reception, scope: scoped, ok: 200, build: func(x *authz, target string) request {
		return request{Method: "POST", Path: "/api/v1/feedback/" + x.freshFeedback(target) + "/resolve", Body: map[string]any{"answer": "Đã trả lời"}}
	}},
	"GET /api/v1/feedback": {access: bearer, roles: staff, ok: 200, build: func(x *authz, target string) request {
		return request{Method: "GET", Path: "/api/v1/feedback?agency_code=" + target}
	}},

	"GET /api/v1/public/dossiers/:token": {access: public, ok: 200, build: getf("/api/v1/public/dossiers/%s", markerToken)},
	"POST /api/v1/public/dossiers/:token/survey": {access: public, ok: 201, build: func(x *authz, target string) request {
		return request{Method: "POST", Path: "/api/v1/public/dossiers/" + x.returnedToken(target) + "/survey", Body: map[string]any{"satisfied": true}}
	}},
	"GET /api/v1/public/lookup": {access: public, ok: 200, build: func(x *authz, target string) request {
		return request{Method: "GET", Path: "/api/v1/public/lookup?code=" + x.markers[target].code + "&phone_last4=" + x.markers[target].phone[6:]}
	}},
	"GET /t/:token": {access: public, ok: 200, build: getf("/t/%s", markerToken)},
	"POST /t/:token/survey": {access: public, ok: 303, build: func(x *authz, target string) request {
		return request{Method: "POST", Path: "/t/" + x.returnedToken(target) + "/survey", Type: "application/x-www-form-urlencoded", Body: "satisfied=1&comment=T%E1%BB%91t"}
	}},

	"GET /api/v1/reports/appendix": {access: bearer, roles: reporters, scope: scoped, ok: 200, build: getf("/api/v1/reports/appendix?period=2024&agency_code=%s", agencyOf)},
	"GET /api/v1/reports/by-field": {access: bearer, roles: reporters, scope: scoped, ok: 200, build: getf("/api/v1/reports/by-field?period=2024&agency_code=%s", agencyOf)},
	"GET /api/v1/reports/manual":   {access: bearer, roles: reporters, scope: scoped, ok: 200, build: getf("/api/v1/reports/manual?period=2024&agency_code=%s", agencyOf)},
	"PUT /api/v1/reports/manual": {access: bearer, roles: reporters, scope: scoped, ok: 200, build: func(x *authz, target string) request {
		return request{Method: "PUT", Path: "/api/v1/reports/manual?period=2024&agency_code=" + target, Body: map[string]any{"figures": map[string]any{}}}
	}},
	"GET /api/v1/reports/snapshots": {access: bearer, roles: reporters, scope: scoped, ok: 200, build: getf("/api/v1/reports/snapshots?agency_code=%s", agencyOf)},
	"POST /api/v1/reports/snapshots": {access: bearer, roles: reporters, scope: scoped, ok: 201, build: func(x *authz, target string) request {
		return request{Method: "POST", Path: "/api/v1/reports/snapshots?period=2024&agency_code=" + target}
	}},
	"GET /api/v1/reports/snapshots/:id": {access: bearer, roles: reporters, scope: scoped, ok: 200, build: getf("/api/v1/reports/snapshots/%s", snapshotOf)},

	"GET /counter/login": {access: public, ok: 200, build: get("/counter/login")},
	"POST /counter/login": {access: public, ok: 303, build: func(x *authz, _ string) request {
		return request{Method: "POST", Path: "/counter/login", Type: "application/x-www-form-urlencoded", Body: "username=admin&password=" + url.QueryEscape(password)}
	}},
	"POST /counter/logout":                    {access: public, ok: 303, build: func(x *authz, _ string) request { return request{Method: "POST", Path: "/counter/logout"} }},
	"GET /counter":                            {access: cookie, roles: staff, scope: scoped, ok: 200, build: getf("/counter?data=%s", markerCode)},
	"GET /counter/dossiers/:code/receipt.pdf": {access: cookie, roles: staff, scope: scoped, ok: 200, build: getf("/counter/dossiers/%s/receipt.pdf", markerCode)},
	"GET /counter/dossiers/:code/qr.png":      {access: cookie, roles: staff, scope: scoped, ok: 200, build: getf("/counter/dossiers/%s/qr.png", markerCode)},
	"GET /counter/dossiers/:code/apology.pdf": {access: cookie, roles: staff, scope: scoped, ok: 200, build: getf("/counter/dossiers/%s/apology.pdf", markerCode)},
	"GET /counter/new":                        {access: cookie, roles: reception, ok: 200, build: get("/counter/new")},
	"GET /counter/dossiers/:code":             {access: cookie, roles: staff, scope: scoped, ok: 200, build: getf("/counter/dossiers/%s", markerCode)},
	"POST /counter/dossiers": {access: cookie, roles: reception, scope: scoped, ok: 303, csrf: true, build: func(x *authz, target string) request {
		return request{Method: "POST", Path: "/counter/dossiers", Type: "application/x-www-form-urlencoded",
			Body: "agency_code=" + url.QueryEscape(target) + "&procedure_code=" + url.QueryEscape(procCode) + "&applicant.name=Tr%E1%BA%A7n+M%E1%BB%9Bi&channel=direct"}
	}},
	"POST /counter/dossiers/:code/actions/:action": {access: cookie, roles: staff, scope: scoped, ok: 303, csrf: true, build: func(x *authz, target string) request {
		return request{Method: "POST", Path: "/counter/dossiers/" + x.freshDossier(target) + "/actions/start",
			Type: "application/x-www-form-urlencoded", Body: "note=b%E1%BA%AFt+%C4%91%E1%BA%A7u"}
	}},
}

// get builds a GET of a fixed path.
func get(path string) func(*authz, string) request {
	return func(*authz, string) request { return request{Method: "GET", Path: path} }
}

// getf builds a GET of a path holding what arg returns for the target.
func getf(format string, arg func(*authz, string) string) func(*authz, string) request {
	return func(x *authz, target string) request {
		return request{Method: "GET", Path: fmt.Sprintf(format, arg(x, target))}
	}
}

func agencyOf(_ *authz, target string) string    { return target }
func markerCode(x *authz, target string) string  { return x.markers[target].code }
func markerToken(x *authz, target string) string { return x.markers[target].token }

// snapshotOf returns the id of a report snapshot of the target agency, made once.
func snapshotOf(x *authz, target string) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if id, ok := x.snapshots[target]; ok {
		return id
	}
	res := x.must(201, request{Method: "POST", Path: "/api/v1/reports/snapshots?period=2024&agency_code=" + target, Token: x.token("admin")})
	id := fmt.Sprint(res.json()["id"])
	x.snapshots[target] = id
	return id
}

// marker is a dossier of one agency with an applicant nobody outside it may see.
type marker struct {
	code, token, name, phone string
}

// authz is the matrix's state: the harness, a marker dossier per agency, and the principals.
type authz struct {
	*harness
	markers   map[string]marker
	mu        sync.Mutex // guards snapshots
	snapshots map[string]string
	seq       atomic.Int64
	public    *rotator
}

// rotator hands out servers over the same store, a new one every per requests, so that the
// per-client rate limits of the public answers (which count from one address) do not answer
// for the server under test.
type rotator struct {
	mu   sync.Mutex
	h    *harness
	per  int
	n    int
	base string
}

func (r *rotator) next() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n%r.per == 0 {
		r.base = serve(r.h.t, r.h.newServer(testSecret, r.h.clock.Now))
	}
	r.n++
	return r.base
}

func (x *authz) unique(prefix string) string { return fmt.Sprintf("%s%d", prefix, x.seq.Add(1)) }
func (x *authz) uniqueCode() string          { return fmt.Sprintf("900.%d.00.H99", x.seq.Add(1)) }
func (x *authz) uniqueDate() string {
	return domain.DateOf(vn("2024-04-01 12:00")).AddDays(int(x.seq.Add(1))).String()
}

// freshDossier takes in a new dossier at agency (as the global admin) and returns its code.
func (x *authz) freshDossier(agency string) string {
	return x.mustIntake(agency, "Nguyễn Văn Tạm")["code"].(string)
}

// freshRejudgement changes the calendar of a year of its own (as the global admin) and
// returns the id of the re-judgement that records.
func (x *authz) freshRejudgement() string {
	// Three days in a row of a year, never the same ones twice: some working day changes.
	n := int(x.seq.Add(1))
	y := 2040 + n%60
	first := domain.Date{Year: y, Month: 1, Day: 10}.AddDays((n / 60) % 300)
	var days []string
	for d := range 3 {
		days = append(days, first.AddDays(d).String())
	}
	res := x.must(200, request{Method: "PUT", Path: fmt.Sprintf("/api/v1/calendar/%d", y), Token: x.token("admin"),
		Body: map[string]any{"holidays": days, "extra_workdays": []string{}}})
	return fmt.Sprint(res.json()["rejudge"].(map[string]any)["id"])
}

// freshFeedback records an open feedback at agency and returns its id.
func (x *authz) freshFeedback(agency string) string {
	res := x.must(201, request{Method: "POST", Path: "/api/v1/feedback", Token: x.token("admin"),
		Body: map[string]any{"agency_code": agency, "content": "Phản ánh"}})
	return fmt.Sprint(res.json()["id"])
}

// returnedToken returns the lookup token of a new dossier at agency whose result was returned.
func (x *authz) returnedToken(agency string) string {
	d := x.mustIntake(agency, "Lê Thị Trả")
	code := d["code"].(string)
	admin := x.token("admin")
	x.must(200, request{Method: "POST", Path: "/api/v1/dossiers/" + code + "/actions/resolve", Token: admin, Body: map[string]any{"outcome": "approved"}})
	x.must(200, request{Method: "POST", Path: "/api/v1/dossiers/" + code + "/actions/return", Token: admin, Body: map[string]any{"channel": "direct"}})
	tok, _ := qr.TokenFromURL(d["lookup_url"].(string))
	return tok
}

// csrf returns the CSRF token that the counter's pages carry for the session with login token.
func (x *authz) csrf(t *testing.T, token string) string {
	t.Helper()
	res, err := sendTo(x.base, request{Method: "GET", Path: "/counter", Headers: map[string]string{"Cookie": "motcua_token=" + token}})
	if err != nil {
		t.Fatal(err)
	}
	m := csrfField.FindSubmatch(res.Body)
	if m == nil {
		return "" // a token the counter refuses: no form, no CSRF token
	}
	return html.UnescapeString(string(m[1]))
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

// principal is a caller of the matrix.
type principal struct {
	name   string
	user   string // harness user; "" for the bad-token cases
	token  string // what goes in Authorization or the counter's cookie
	roles  []domain.Role
	agency string // "" = global
	header string // a whole Authorization header instead of Bearer token
}

func (p principal) sees(target string) bool {
	if p.agency == "" {
		return true
	}
	// The harness's tree: the city holds both wards.
	return p.agency == target || p.agency == cityCode
}

// TestAuthorisationMatrix sends every route of the application, as every role, to its own and to
// other agencies, and with missing, expired, forged and garbage tokens; it checks who gets
// 401, 403/404 or a success, and that no answer shows another agency's applicants.
func TestAuthorisationMatrix(t *testing.T) {
	h := newHarness(t)
	h.mustProcedure()
	x := &authz{harness: h, markers: map[string]marker{}, snapshots: map[string]string{}}
	x.public = &rotator{h: h, per: 25}
	admin := h.token("admin")
	for i, agency := range []string{cityCode, ward1Code, ward2Code} {
		m := marker{name: fmt.Sprintf("Bí Mật Đơn Vị %d", i), phone: fmt.Sprintf("09876543%02d", i)}
		body := intakeBody(agency, m.name)
		body["applicant"].(map[string]any)["phone"] = m.phone
		d := h.must(201, request{Method: "POST", Path: "/api/v1/dossiers", Token: admin, Body: body}).json()
		m.code = d["code"].(string)
		m.token, _ = qr.TokenFromURL(d["lookup_url"].(string))
		h.must(200, request{Method: "POST", Path: "/api/v1/dossiers/" + m.code + "/actions/apologize", Token: admin,
			Body: map[string]any{"reason": "Chờ xác minh", "new_appointment_at": "2024-03-20T10:00:00+07:00"}})
		x.markers[agency] = m
	}

	// The callers: every role at ward 1, and the global admin.
	var principals []principal
	for _, u := range harnessUsers {
		if u.agency == ward1Code || u.name == "admin" {
			principals = append(principals, principal{name: u.name, user: u.name, token: h.token(u.name), roles: []domain.Role{u.role}, agency: u.agency})
		}
	}
	// Bad credentials: each must be refused as if there were none.
	expired := expiredToken(t, h)
	otherSecret := otherSecretToken(t, h)
	forged := forgeClaims(t, h.token("ward1.reporter"))
	bad := []principal{
		{name: "no token"},
		{name: "expired token", token: expired},
		{name: "token signed with another secret", token: otherSecret},
		{name: "reporter token with forged admin claims", token: forged},
		{name: "garbage token", token: "not-a-token"},
		{name: "truncated token", token: admin[:len(admin)-5]},
		{name: "basic auth", header: "Basic YWRtaW46cGFzc3dvcmQtMTIz"},
		{name: "empty bearer", header: "Bearer "},
	}
	targets := []string{ward1Code, ward2Code, cityCode}

	routes := h.srv.App().GetRoutes(true)
	if len(routes) < 20 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	var unclassified []string
	var checked atomic.Int64
	t.Cleanup(func() { t.Logf("%d routes, %d requests", len(routes), checked.Load()) })
	for _, r := range routes {
		key := r.Method + " " + r.Path
		method := r.Method
		if method == "HEAD" {
			key = "GET " + r.Path
		}
		rule, ok := routeRules[key]
		if !ok {
			unclassified = append(unclassified, r.Method+" "+r.Path)
			continue
		}
		t.Run(strings.ReplaceAll(r.Method+" "+r.Path, "/", "_"), func(t *testing.T) {
			t.Parallel()
			send := func(p principal, target string) (request, response) {
				t.Helper()
				req := rule.build(x, target)
				req.Method = method
				base := h.base
				if rule.access == public {
					base = x.public.next()
				}
				switch {
				case p.header != "":
					req.Headers = map[string]string{"Authorization": p.header}
				case rule.access == cookie && p.token != "":
					req.Headers = map[string]string{"Cookie": "motcua_token=" + p.token}
					if rule.csrf {
						req.Body = req.Body.(string) + "&csrf=" + url.QueryEscape(x.csrf(t, p.token))
					}
				case p.token != "":
					req.Token = p.token
				}
				res, err := sendTo(base, req)
				if err != nil {
					t.Fatalf("%s %s as %s: %v", req.Method, req.Path, p.name, err)
				}
				checked.Add(1)
				if res.Status >= 500 {
					t.Errorf("%s %s as %s: %s", req.Method, req.Path, p.name, res)
				}
				if p.agency != "" {
					x.checkNoLeak(t, p, req, res)
				}
				return req, res
			}
			switch rule.access {
			case public:
				// Any credentials, or none, get the same success. (A few kinds only, and fewer for
				// the logins, which cost a bcrypt comparison each.)
				callers := []principal{bad[0], bad[1], bad[3], bad[4], principals[1]}
				if strings.HasSuffix(r.Path, "/login") {
					callers = []principal{bad[0], bad[4]}
				}
				for _, p := range callers {
					if req, res := send(p, ward1Code); res.Status != rule.ok {
						t.Errorf("%s %s (public) as %s: %s, want %d", req.Method, req.Path, p.name, res, rule.ok)
					}
				}
				return
			case bearer:
				for _, p := range bad {
					req, res := send(p, ward1Code)
					if res.Status != 401 {
						t.Errorf("%s %s with %s: %s, want 401", req.Method, req.Path, p.name, res)
					} else if method != "HEAD" {
						checkProblem(t, req, res, "unauthorized")
					}
				}
			case cookie:
				for _, p := range bad {
					req, res := send(p, ward1Code)
					if res.Status != 303 || res.Header.Get("Location") != "/counter/login" {
						t.Errorf("%s %s with %s: %s (Location %q), want 303 to /counter/login", req.Method, req.Path, p.name, res, res.Header.Get("Location"))
					}
				}
			}
			for _, p := range principals {
				allowed := rule.roles == nil || slices.ContainsFunc(p.roles, func(r domain.Role) bool { return slices.Contains(rule.roles, r) })
				targets := targets
				if method == "HEAD" {
					// HEAD runs the GET's handler: the other agency's answer is what is worth sending again.
					targets = []string{ward2Code}
				}
				for _, target := range targets {
					req, res := send(p, target)
					what := fmt.Sprintf("%s %s as %s (agency %q) aimed at %s", req.Method, req.Path, p.name, p.agency, target)
					switch {
					case !allowed:
						if res.Status != 403 {
							t.Errorf("%s: role not allowed: %s, want 403", what, res)
						} else if rule.access == bearer && method != "HEAD" {
							checkProblem(t, req, res, "forbidden")
						}
					case rule.scope == deploymentWide && p.agency != "":
						if res.Status != 403 {
							t.Errorf("%s: an agency's admin changing the deployment's rules: %s, want 403", what, res)
						}
					case rule.scope == scoped && !p.sees(target):
						denied := rule.denied
						if denied == nil {
							denied = []int{403, 404}
						}
						if !slices.Contains(denied, res.Status) {
							t.Errorf("%s: outside the caller's agency: %s, want one of %v", what, res, denied)
						}
					default:
						if res.Status != rule.ok {
							t.Errorf("%s: allowed: %s, want %d", what, res, rule.ok)
						}
					}
				}
			}
		})
	}
	if len(unclassified) > 0 {
		t.Errorf("routes missing from routeRules (say who may call them): %s", strings.Join(unclassified, ", "))
	}
}

// sendTo is send with a shorter name clash avoided in closures.
func sendTo(base string, req request) (response, error) { return send(base, req) }

// checkProblem checks a problem+json answer with code.
func checkProblem(t *testing.T, req request, res response, code string) {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("%s %s: Content-Type %q, want application/problem+json", req.Method, req.Path, ct)
		return
	}
	if m := res.json(); m == nil || m["code"] != code || m["status"] != float64(res.Status) {
		t.Errorf("%s %s: problem %s, want code %s", req.Method, req.Path, res.Body, code)
	}
}

// checkNoLeak fails when an answer to an agency's user shows an applicant of an agency outside its scope.
func (x *authz) checkNoLeak(t *testing.T, p principal, req request, res response) {
	t.Helper()
	for agency, m := range x.markers {
		if p.sees(agency) {
			continue
		}
		if strings.Contains(string(res.Body), m.name) || strings.Contains(string(res.Body), m.phone) {
			t.Errorf("%s %s as %s shows an applicant of %s: %s", req.Method, req.Path, p.name, agency, res)
		}
	}
}

// expiredToken is a login token of the global admin that expired an hour ago (issued by a
// replica whose clock is 13 hours behind; tokens live 12 hours).
func expiredToken(t *testing.T, h *harness) string {
	past := h.clock.Now().Add(-13 * time.Hour)
	base := serve(t, h.newServer(testSecret, func() time.Time { return past }))
	return login(t, base, "admin", password)
}

// otherSecretToken is a login token of the global admin from a server with another secret.
func otherSecretToken(t *testing.T, h *harness) string {
	base := serve(t, h.newServer([]byte("another-secret-another-secret-0123456789"), h.clock.Now))
	return login(t, base, "admin", password)
}

// forgeClaims rewrites a token's claims to a global admin's, keeping its signature.
func forgeClaims(t *testing.T, token string) string {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok {
		t.Fatalf("token %q has no signature part", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	c["roles"], c["agency"], c["path"] = []string{"admin"}, "", ""
	raw, _ = json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(raw) + "." + sig
}
