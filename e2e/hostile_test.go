package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/domain"
	"motcua/qr"
)

// hostileSeed makes the generated requests the same on every run; MOTCUA_HOSTILE_SEED picks others.
func hostileSeed() uint64 {
	if v, err := strconv.ParseUint(os.Getenv("MOTCUA_HOSTILE_SEED"), 10, 64); err == nil {
		return v
	}
	return 20240304
}

// hostileCase is one generated request and what may come of it.
type hostileCase struct {
	family string // what kind of hostility, for the summary
	route  string // "METHOD pattern" of the route aimed at ("" = none)
	req    request
	public bool // sent to a fresh replica now and then: the public rate limits count per address
	html   bool // an HTML page: errors are pages, not problem+json
	// mustFail: the request is invalid, a success is a bug. Otherwise (well-formed requests
	// carrying nasty but legal text) a success is allowed and its rows are accounted for.
	mustFail bool
	// echo: for a created dossier, the applicant fields that must come back exactly as sent.
	echo map[string]string
}

// Text that is legal but hostile: SQL, markup, spreadsheet formulas, control characters.
var (
	sqlFragments = []string{`' OR '1'='1`, `'; DROP TABLE dossiers; --`, `" OR ""="`, `1; SELECT pg_sleep(5)--`,
		`') UNION SELECT username, password_hash FROM users--`, `%' AND 1=0 UNION SELECT NULL--`,
		`\'; DELETE FROM dossier_events; --`, `$$; DROP SCHEMA public CASCADE; $$`, `admin'--`, `1' ORDER BY 99--`}
	htmlFragments = []string{`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `"><svg onload=alert(1)>`,
		`javascript:alert(1)`, `{{.}}{{template "x"}}`, `<!--`, `]]>`, `&lt;script&gt;`, `<a href="//evil">x</a>`,
		`</title><script>alert(document.cookie)</script>`}
	formulaFragments = []string{`=HYPERLINK("http://evil.example","bấm")`, `+1+1`, `-2+3`, `@SUM(A1:A9)`,
		`=cmd|' /C calc'!A0`, "\t=1+1", `=1+1;=2`}
	controlFragments = []string{"\x00", "a\x00b", "\x01\x02\x03", "\x1b[31mđỏ", "\r\nSet-Cookie: x=1", "\u202eRTL",
		"zero\u200bwidth", "\ufeffBOM", "\U0001F600 vui", "e\u0301", "\x7f", "\u2028line", "\ud7ff", "tab\there"}
	// htmlRaw is what must never appear unescaped in a page.
	htmlRaw = []string{`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `<svg onload=alert(1)>`,
		`<script>alert(document.cookie)</script>`, `<a href="//evil">`}
)

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// nastyText returns a legal but hostile string and its family.
func nastyText(r *rand.Rand) (string, string) {
	switch r.IntN(5) {
	case 0:
		return pick(r, sqlFragments), "sql"
	case 1:
		return pick(r, htmlFragments), "html"
	case 2:
		return pick(r, formulaFragments), "formula"
	case 3:
		return pick(r, controlFragments), "control"
	}
	return "Nguyễn " + pick(r, sqlFragments) + " " + pick(r, htmlFragments), "mixed"
}

// fieldKind is the JSON type of a body field.
type fieldKind int

const (
	kString fieldKind = iota
	kBool
	kInt
	kList
	kObject
)

// bodyTemplate is a valid JSON request to a route and the kinds of its fields.
type bodyTemplate struct {
	route  string
	method string
	path   func(r *rand.Rand) string
	user   string // whose token it goes with ("" = none)
	query  string
	public bool
	body   func(r *rand.Rand) map[string]any
	fields map[string]fieldKind // dotted paths
	text   []string             // free-text fields that take any legal text (success allowed)
	format []string             // fields with a format: hostile text must be refused
}

// hostileFixtures are what the generated requests aim at.
type hostileFixtures struct {
	dossiers []string // codes at ward 1
	token    string   // lookup token of dossiers[0]
	feedback string   // an open feedback id at ward 1
	seq      int
	mu       sync.Mutex
}

func (f *hostileFixtures) next() int { f.mu.Lock(); defer f.mu.Unlock(); f.seq++; return f.seq }

func (f *hostileFixtures) templates() []bodyTemplate {
	actionBodies := map[string]map[string]any{
		"start": {}, "request_supplement": {"reason": "Thiếu giấy tờ"}, "supplement": {}, "pause": {"reason": "Chờ nộp thuế"},
		"resume": {}, "resolve": {"outcome": "approved", "result_digitized": false}, "return": {"channel": "direct"},
		"apologize": {"reason": "Chờ xác minh", "new_appointment_at": "2024-03-20T10:00:00+07:00"}, "withdraw": {"reason": "Công dân rút"},
	}
	actions := make([]string, 0, len(actionBodies))
	for a := range actionBodies {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	fixed := func(p string) func(*rand.Rand) string { return func(*rand.Rand) string { return p } }
	return []bodyTemplate{
		{route: "POST /api/v1/auth/login", method: "POST", path: fixed("/api/v1/auth/login"),
			body: func(*rand.Rand) map[string]any {
				// No password: refused before bcrypt, which is slow on purpose (the limiter and the
				// lockout are what bound a real attacker's bcrypt work).
				return map[string]any{"username": "nobody", "password": ""}
			},
			fields: map[string]fieldKind{"username": kString, "password": kString}},
		{route: "POST /api/v1/users", method: "POST", path: fixed("/api/v1/users"), user: "admin",
			body: func(*rand.Rand) map[string]any {
				return map[string]any{"username": fmt.Sprintf("hostile%d", f.next()), "password": "password-789",
					"roles": []any{"reception"}, "agency_code": ward1Code}
			},
			fields: map[string]fieldKind{"username": kString, "password": kString, "roles": kList, "agency_code": kString},
			format: []string{"username", "agency_code"}},
		{route: "POST /api/v1/agencies", method: "POST", path: fixed("/api/v1/agencies"), user: "admin",
			body: func(*rand.Rand) map[string]any {
				return map[string]any{"code": fmt.Sprintf("800.%d.00.H99", f.next()), "name": "UBND Xã Mới", "level": "commune", "parent_code": cityCode}
			},
			fields: map[string]fieldKind{"code": kString, "name": kString, "level": kString, "parent_code": kString},
			text:   []string{"name"}, format: []string{"code", "level", "parent_code"}},
		{route: "PUT /api/v1/calendar/:year", method: "PUT", path: fixed("/api/v1/calendar/2024"), user: "admin",
			body: func(*rand.Rand) map[string]any {
				return map[string]any{"holidays": []any{"2024-02-12"}, "extra_workdays": []any{}, "source": "Thông báo"}
			},
			fields: map[string]fieldKind{"holidays": kList, "extra_workdays": kList, "source": kString}},
		{route: "POST /api/v1/procedures", method: "POST", path: fixed("/api/v1/procedures"), user: "admin",
			body: func(*rand.Rand) map[string]any {
				return procedureBody(fmt.Sprintf("2.%06d.000.00.00.H50", f.next()), true)
			},
			fields: map[string]fieldKind{"code": kString, "name": kString, "field": kString, "level": kString, "time_limit_days": kInt,
				"online_eligible": kString, "online_provided": kString, "national_portal": kBool, "fee": kBool, "online_payment": kBool,
				"postal": kBool, "interlinked_same_level": kBool, "interlinked_cross_level": kBool, "published_on": kString},
			text: []string{"name", "field"}, format: []string{"code", "level", "online_eligible", "online_provided", "published_on"}},
		{route: "PUT /api/v1/procedures/:code", method: "PUT", path: fixed("/api/v1/procedures/" + procCode), user: "admin",
			body: func(*rand.Rand) map[string]any {
				b := procedureBody(procCode, true)
				b["effective_on"] = "2024-06-01"
				return b
			},
			fields: map[string]fieldKind{"name": kString, "level": kString, "time_limit_days": kInt, "postal": kBool, "effective_on": kString, "published_on": kString},
			format: []string{"level", "effective_on", "published_on"}},
		{route: "POST /api/v1/dossiers", method: "POST", path: fixed("/api/v1/dossiers"), user: "ward1.reception",
			body: func(*rand.Rand) map[string]any { return intakeBody(ward1Code, "Trần Văn Thử") },
			fields: map[string]fieldKind{"agency_code": kString, "procedure_code": kString, "channel": kString, "return_channel": kString,
				"applicant": kObject, "applicant.name": kString, "applicant.id_number": kString, "applicant.phone": kString,
				"applicant.email": kString, "applicant.address": kString, "note": kString, "digitized": kBool, "received_at": kString},
			text:   []string{"applicant.name", "applicant.email", "applicant.address", "note"},
			format: []string{"agency_code", "procedure_code", "channel", "return_channel", "applicant.id_number", "applicant.phone", "received_at"}},
		{route: "POST /api/v1/dossiers/:code/actions/:action", method: "POST", user: "ward1.specialist",
			path: func(r *rand.Rand) string { return "" }, // set with the body below
			fields: map[string]fieldKind{"note": kString, "reason": kString, "outcome": kString, "channel": kString,
				"new_appointment_at": kString, "result_digitized": kBool, "at": kString},
			text: []string{"note", "reason"}, format: []string{"outcome", "channel", "new_appointment_at", "at"},
			body: func(r *rand.Rand) map[string]any {
				a := pick(r, actions)
				b := map[string]any{"note": "", "__path": "/api/v1/dossiers/" + pick(r, f.dossiers) + "/actions/" + a}
				for k, v := range actionBodies[a] {
					b[k] = v
				}
				return b
			}},
		{route: "POST /api/v1/feedback", method: "POST", path: fixed("/api/v1/feedback"), user: "ward1.reception",
			body: func(*rand.Rand) map[string]any {
				return map[string]any{"agency_code": ward1Code, "content": "Phản ánh", "procedure_code": ""}
			},
			fields: map[string]fieldKind{"agency_code": kString, "content": kString, "procedure_code": kString, "received_at": kString},
			text:   []string{"content"}, format: []string{"agency_code", "received_at"}},
		{route: "POST /api/v1/feedback/:id/resolve", method: "POST", path: func(*rand.Rand) string { return "/api/v1/feedback/" + f.feedback + "/resolve" },
			user: "ward1.reception", body: func(*rand.Rand) map[string]any { return map[string]any{"answer": "Đã trả lời"} },
			fields: map[string]fieldKind{"answer": kString, "at": kString}, text: []string{"answer"}, format: []string{"at"}},
		{route: "POST /api/v1/public/dossiers/:token/survey", method: "POST", public: true,
			path: func(*rand.Rand) string { return "/api/v1/public/dossiers/" + f.token + "/survey" },
			body: func(*rand.Rand) map[string]any { return map[string]any{"satisfied": true, "comment": "Tốt"} },
			// The dossier is not returned yet: no rating can be stored.
			fields: map[string]fieldKind{"satisfied": kBool, "comment": kString}, format: []string{"comment"}},
		{route: "PUT /api/v1/reports/manual", method: "PUT", path: fixed("/api/v1/reports/manual"), query: "?period=2024&agency_code=" + ward1Code,
			user: "admin", body: func(*rand.Rand) map[string]any { return map[string]any{"figures": map[string]any{}} },
			fields: map[string]fieldKind{"figures": kObject}},
		{route: "POST /api/v1/reports/snapshots", method: "POST", path: fixed("/api/v1/reports/snapshots"), query: "?period=2024&agency_code=" + ward1Code,
			user: "admin", body: func(*rand.Rand) map[string]any { return map[string]any{} }, fields: map[string]fieldKind{}},
	}
}

// setPath sets a dotted path in a JSON object.
func setPath(m map[string]any, path string, v any) {
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		m[path] = v
		return
	}
	sub, ok := m[head].(map[string]any)
	if !ok {
		sub = map[string]any{}
		m[head] = sub
	}
	setPath(sub, rest, v)
}

// rawMarker is replaced by raw bytes after marshalling, for what json.Marshal cannot write.
const rawMarker = "\"__RAW_VALUE__\""

func marshalRaw(m map[string]any, raw string) []byte {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	if raw != "" {
		b = bytes.Replace(b, []byte(rawMarker), []byte(raw), 1)
	}
	return b
}

// wrongValue returns a raw JSON value of another type than kind.
func wrongValue(r *rand.Rand, kind fieldKind) string {
	switch kind {
	case kString:
		return pick(r, []string{"123", "true", "[]", "{}", "1e400", `["a"]`, `{"$ne":""}`, "-0"})
	case kBool:
		return pick(r, []string{`"true"`, "1", "0", "[]", "{}", `"yes"`})
	case kInt:
		return pick(r, []string{`"3"`, "3.5", "true", "1e400", "-1e400", "99999999999999999999999", "[3]", "{}"})
	case kList:
		return pick(r, []string{`"2024-01-01"`, "1", "{}", "true", `[1,2]`, `[[]]`, `[{"a":1}]`})
	}
	return pick(r, []string{`"x"`, "1", "[]", "true"})
}

// nested returns JSON nested depth levels deep.
func nested(r *rand.Rand, depth int) string {
	if r.IntN(2) == 0 {
		return strings.Repeat("[", depth) + strings.Repeat("]", depth)
	}
	return strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
}

// jsonCase makes one hostile JSON request from a template.
func (f *hostileFixtures) jsonCase(r *rand.Rand, t bodyTemplate) hostileCase {
	body := t.body(r)
	path := t.path(r)
	if p, ok := body["__path"].(string); ok {
		path = p
		delete(body, "__path")
	}
	c := hostileCase{route: t.route, public: t.public, mustFail: true}
	c.req = request{Method: t.method, Path: path + t.query, Headers: map[string]string{}}
	c.req.Token = t.user // a user name for now; the runner swaps in the token
	fields := make([]string, 0, len(t.fields))
	for k := range t.fields {
		// An action ignores the fields of other actions: only its own, and those every action reads, count.
		if _, own := body[k]; t.route != "POST /api/v1/dossiers/:code/actions/:action" || own || k == "at" || k == "new_appointment_at" {
			fields = append(fields, k)
		}
	}
	sort.Strings(fields)
	var field string
	if len(fields) > 0 {
		field = pick(r, fields)
	}
	raw := ""
	switch n := r.IntN(100); {
	case n < 12 && len(fields) > 0: // a value of the wrong type
		c.family = "json-wrong-type"
		setPath(body, field, "__RAW_VALUE__")
		raw = wrongValue(r, t.fields[field])
	case n < 20: // truncated
		c.family = "json-truncated"
		b := marshalRaw(body, "")
		c.req.Body = b[:1+r.IntN(len(b)-1)]
	case n < 26 && len(fields) > 0: // deeply nested value
		c.family = "json-deep"
		setPath(body, field, "__RAW_VALUE__")
		raw = nested(r, pick(r, []int{64, 1000, 10001, 50000}))
	case n < 30: // deeply nested body
		c.family = "json-deep-body"
		c.req.Body = nested(r, pick(r, []int{100, 10001, 100000}))
	case n < 36: // unknown field
		c.family = "json-unknown-field"
		where := pick(r, []string{"zz_unknown", "applicant.zz_unknown", "Agency_Code", "__proto__", "constructor"})
		if where == "Agency_Code" && body["agency_code"] == nil {
			where = "zz_unknown"
		}
		setPath(body, where, 1)
		if where == "Agency_Code" {
			c.family = "json-case-variant-field" // encoding/json matches names case-insensitively; a success is allowed
			c.mustFail = false
		}
	case n < 42 && len(fields) > 0: // invalid UTF-8 in a string
		c.family = "json-invalid-utf8"
		setPath(body, field, "__RAW_VALUE__")
		raw = pick(r, []string{"\"\xff\xfe\"", "\"ab\xc3\"", "\"\xed\xa0\x80\"", "\"\xc0\xaf\"", "\"Nguy\xe1\xbb\""})
	case n < 48 && len(fields) > 0: // a huge string (written raw: marshalling megabytes costs more than sending them)
		c.family = "json-huge-string"
		size := pick(r, []int{10_000, 10_000, 10_000, 70_000, 70_000, 70_000, 70_000, 70_000, 70_000, 70_000})
		setPath(body, field, "__RAW_VALUE__")
		raw = `"` + strings.Repeat(pick(r, []string{"A", "Ệ", "<", "'", `\u0041`}), size) + `"`
	case n < 54: // not JSON, or JSON of another shape
		c.family = "json-not-an-object"
		c.req.Body = pick(r, []string{"null", "[]", `"x"`, "1", "true", "<xml/>", "a=b&c=d", "{", "}", "{}{}", `{"a":1}garbage`,
			"\ufeff{}", `{"a":1,"a":2}`, "\x00", "NaN", "Infinity", strings.Repeat(" ", 2000)})
		if b := c.req.Body.(string); b == "{}" || b == "null" || strings.TrimSpace(b) == "" {
			c.mustFail = false // an empty object is a valid request to some routes (empty calendar, no-op body); an empty body to those whose body is optional
		}
	case n < 58: // wrong Content-Type
		c.family = "json-content-type"
		c.req.Body = marshalRaw(body, "")
		c.req.Type = pick(r, []string{"text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/csv", "application/jsonx"})
		if c.req.Type == "application/jsonx" {
			c.mustFail = false // decode only looks at the prefix: lax, not harmful
		}
	case n < 59: // oversize body (bigger ones are among the giants)
		c.family = "json-oversize"
		setPath(body, "zz_padding", "__RAW_VALUE__")
		raw = `"` + strings.Repeat("x", 1<<20+1) + `"`
	case n < 66 && t.method == "POST" && strings.HasPrefix(t.route, "POST /api/v1/dossiers"): // hostile Idempotency-Key on an invalid body
		c.family = "idempotency-key"
		setPath(body, "zz_unknown", 1)
		c.req.Headers["Idempotency-Key"] = pick(r, []string{strings.Repeat("k", 201), "\xff\xfe", "'; DROP TABLE idempotency_keys;--", "%00", strings.Repeat("é", 100)})
	case n < 70: // hostile Authorization
		c.family = "authorization"
		c.req.Token = ""
		c.req.Headers["Authorization"] = pick(r, []string{"Bearer " + strings.Repeat("a", 5000), "Bearer \xff\xfe", "Bearer a.b.c",
			"Bearer e30.", "Bearer .", "Bearer ..", "bearer x", "Bearer  " + strings.Repeat(".", 100), "Token x", "Bearer eyJ1aWQiOjF9.AAAA"})
		if t.user == "" || t.public {
			c.mustFail = t.public || t.route != "POST /api/v1/auth/login"
		}
	default: // legal but hostile text
		var format []string
		for _, k := range t.format {
			if _, own := body[k]; t.route != "POST /api/v1/dossiers/:code/actions/:action" || own || k == "at" || k == "new_appointment_at" {
				format = append(format, k)
			}
		}
		if len(format) > 0 && (len(t.text) == 0 || r.IntN(3) == 0) {
			c.family = "text-in-format-field"
			text, _ := nastyText(r)
			setPath(body, pick(r, format), text)
		} else if len(t.text) > 0 {
			text, fam := nastyText(r)
			c.family = "text-" + fam
			field := pick(r, t.text)
			setPath(body, field, text)
			c.mustFail = false
			if t.route == "POST /api/v1/dossiers" && strings.HasPrefix(field, "applicant.") {
				c.echo = map[string]string{strings.TrimPrefix(field, "applicant."): text}
			}
		} else {
			c.family = "json-unknown-field"
			setPath(body, "zz_unknown", "x")
		}
	}
	if c.req.Body == nil {
		c.req.Body = marshalRaw(body, raw)
	}
	return c
}

// Path and query tricks.
var (
	pathTricks = []string{"..%2F..%2Fetc%2Fpasswd", "..%2f", "%2e%2e", "..", ".", "%00", "%00%00", "x%00y", "%ff%fe", "%c0%af",
		"%25", "%25%32%65", "%E1%BB%87", "%3Cscript%3E", "'%20OR%201=1--", "%27", "%22", "%5C", "*", ";", "%3B", "%0d%0aX:1",
		"%20", "+", "null", "undefined", "-1", "0", "99999999999999999999", "1e9", "0x10", "%7B%7D", "%5B%5D", "~", "%7E",
		"..%5C..%5C", "%u002e", "%", "%zz", "%2", "CON", "aux.txt"}
	queryNames  = []string{"agency_code", "status", "procedure_code", "field", "channel", "overdue", "received_from", "received_to", "q", "limit", "cursor", "as_of", "level", "open", "data", "code", "phone_last4", "period", "kind", "number", "cutoff", "format", "live", "compare"}
	queryTricks = []string{"%00", "%ff", "%27", "'%20OR%201=1", "1e999", "-1", "0", "99999999999999999999", "%25", "%5F%25",
		"2024-02-30", "9999-99-99", "true%00", "../../etc/passwd", "%3Cscript%3Ealert(1)%3C/script%3E", "%E1%BB%87", "", "%20",
		"a&a=b", "%0d%0a", "NaN", "Infinity", "-0", "2024", "year", "json", "xlsx", "csv", "decree09", "000.01.24.H50-240304-0001%00"}
)

// pathCase makes a request with a hostile path parameter, query or whole path.
func (f *hostileFixtures) pathCase(r *rand.Rand, routes []routeInfo) hostileCase {
	rt := pick(r, routes)
	c := hostileCase{route: rt.method + " " + rt.path, family: "path-param"}
	user := pick(r, []string{"admin", "ward1.reception", "ward1.specialist", "ward1.reporter", ""})
	c.public = strings.Contains(rt.path, "/public/") || strings.HasPrefix(rt.path, "/t/")
	c.html = strings.HasPrefix(rt.path, "/t/") || strings.HasPrefix(rt.path, "/counter")
	segs := strings.Split(rt.path, "/")
	hasParam := false
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			hasParam = true
			v := pick(r, pathTricks)
			switch r.IntN(6) {
			case 0:
				v = strings.Repeat(pick(r, []string{"A", "9", "%41", "."}), pick(r, []int{300, 3000, 9000}))
			case 1:
				v = f.dossiers[0] + v
			case 2:
				v = v + f.dossiers[0]
			}
			segs[i] = v
		}
	}
	path := strings.Join(segs, "/")
	if !hasParam || r.IntN(4) == 0 {
		c.family = "query"
		var q []string
		for i := 1 + r.IntN(4); i > 0; i-- {
			q = append(q, pick(r, queryNames)+"="+pick(r, queryTricks))
		}
		if r.IntN(10) == 0 {
			q = append(q, "q="+strings.Repeat("%41", 6000))
		}
		path += "?" + strings.Join(q, "&")
	}
	c.req = request{Method: rt.method, Path: path, Token: user}
	if rt.method != "GET" && rt.method != "HEAD" {
		// Writes with a hostile path must not succeed: no body, or an invalid one.
		c.req.Body = `{"zz_unknown":1}`
		c.mustFail = true
		if rt.path == "/counter/logout" || rt.path == "/counter/login" || rt.path == "/api/v1/auth/login" || strings.HasPrefix(rt.path, "/t/") {
			c.mustFail = false // pages and logins answer their own way
		}
	}
	return c
}

// bypassCases try to reach authenticated answers without a token through the public prefix,
// dot segments, encodings and case.
func bypassCases(f *hostileFixtures) []hostileCase {
	d := f.dossiers[0]
	var out []hostileCase
	for _, p := range []string{
		"/api/v1/public/../dossiers", "/api/v1/public/../dossiers/" + d, "/api/v1/public/%2e%2e/dossiers/" + d,
		"/api/v1/public/..%2fdossiers", "/api/v1/public/..%2Fdossiers%2F" + d, "/api/v1/PUBLIC/../dossiers",
		"/api/v1/public/dossiers/../../dossiers/" + d, "/api/v1/public/./../users", "/api/v1/public//../agencies",
		"/api/v1/public/%2E%2E/%2E%2E/api/v1/dossiers", "/API/V1/DOSSIERS", "/api/v1/dossiers/", "//api/v1/dossiers",
		"/api/v1//dossiers", "/api/v1/./dossiers", "/api/v1/dossiers;/public/", "/api/v1/dossiers?/public/",
		"/api/v1/dossiers%3F/public/", "/api/v1/public%2F..%2Fdossiers", "/api/v1/agencies/../public/lookup",
		"/api/v1/public/../reports/appendix?period=2024&agency_code=" + ward1Code, "/api/v1/public/../feedback",
		"/api/v1/public/../dossiers/" + d + "/receipt.pdf", "/api/v1/public/../scan?data=" + d,
	} {
		for _, m := range []string{"GET", "HEAD"} {
			out = append(out, hostileCase{family: "auth-bypass", req: request{Method: m, Path: p}, mustFail: true, public: true})
		}
	}
	for _, p := range []string{"/api/v1/public/../dossiers", "/api/v1/public/../agencies", "/api/v1/public/../users",
		"/api/v1/public/../dossiers/" + d + "/actions/withdraw", "/api/v1/public/../imports/dossiers"} {
		out = append(out, hostileCase{family: "auth-bypass", req: request{Method: "POST", Path: p, Body: `{"reason":"x"}`}, mustFail: true, public: true})
	}
	return out
}

// csvHeader is the import's header row.
var csvHeader = strings.Join(domain.ImportColumns, ",")

func csvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// goodRow is a valid import row at ward 1, received on the harness's day.
func goodRow(name string) string {
	return "," + ward1Code + "," + procCode + "," + csvQuote(name) + ",,,direct,direct,2024-03-04T08:00:00+07:00,,,,,,,"
}

// badRows are import rows that must each make the whole file fail.
var badRows = []string{
	"," + ward1Code + ",9.999.H00,An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	",999.99.99.H99," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	"," + ward1Code + "," + procCode + ",An,,,fax,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	"," + ward1Code + "," + procCode + ",An,,,direct,direct,yesterday,,,,,,,",
	"," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-09T08:00:00+07:00,,,,,,,",
	"," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,2024-03-02T08:00:00+07:00,,,,,",
	"," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,approved,,,,",
	"," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,2024-03-02T08:00:00+07:00,approved,2024-03-01T09:00:00+07:00,,,",
	"X-1," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	ward2Code + "-240301-0001," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	"," + ward1Code + "," + procCode + "," + strings.Repeat("A", 300) + ",,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	"," + ward1Code + "," + procCode + ",An\x00Bình,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	"," + ward1Code + "," + procCode + ",An\xff\xfe,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	"," + ward1Code + "," + procCode + ",An,'; DROP TABLE users;--,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	"," + ward1Code + "," + procCode + ",An,,<script>,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	"," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,",
	"," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,,",
	"," + ward1Code + "," + procCode + ",,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	"," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,2024-03-02T08:00:00+07:00,,",
	`"a"b,` + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	`a"b,` + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,",
	"," + ward1Code + "," + procCode + `,"An"x,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,`,
	"," + ward1Code + "," + procCode + `,"An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,`,
	"," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,2024-02-01T08:00:00+07:00",
	"," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,2024-03-02T08:00:00+07:00,approved,,,,2024-03-02T09:00:00+07:00",
	"," + ward1Code + "," + procCode + ",An,,,direct,direct,1999-03-01T08:00:00+07:00,,,,,,,",
	"," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00Z07:00,,,,,,,",
}

// csvCase makes a hostile import: a file with at least one bad row, a malformed file, or
// (rarely) a valid file whose names carry formulas and markup.
func (f *hostileFixtures) csvCase(r *rand.Rand) hostileCase {
	c := hostileCase{route: "POST /api/v1/imports/dossiers", family: "csv-bad-row", mustFail: true}
	c.req = request{Method: "POST", Path: "/api/v1/imports/dossiers", Token: pick(r, []string{"admin", "admin", "ward1.admin"}), Type: "text/csv"}
	var b strings.Builder
	switch n := r.IntN(100); {
	case n < 60:
		b.WriteString(pick(r, []string{"", "\ufeff"}) + csvHeader + pick(r, []string{"\n", "\r\n"}))
		rows := 1 + r.IntN(8)
		bad := r.IntN(rows)
		for i := 0; i < rows; i++ {
			if i == bad || r.IntN(5) == 0 {
				b.WriteString(pick(r, badRows))
			} else {
				name, _ := nastyText(r)
				if strings.ContainsAny(name, "\x00\x01\x02\x03\x1b\x7f\r\n") {
					name = pick(r, formulaFragments)
				}
				b.WriteString(goodRow(name))
			}
			b.WriteString(pick(r, []string{"\n", "\r\n"}))
		}
	case n < 85:
		c.family = "csv-malformed"
		b.WriteString(pick(r, []string{"", "\ufeff", "\ufeff\ufeff" + csvHeader + "\n" + goodRow("An"), csvHeader, csvHeader + "\n",
			strings.Replace(csvHeader, "code", "ma", 1) + "\n" + goodRow("An"), csvHeader + ",extra\n" + goodRow("An") + ",x",
			strings.ToUpper(csvHeader) + "\n" + goodRow("An"), "a,b,c\n1,2,3", "\x00\x00\x00\x00", "\xff\xfe\x00c\x00o\x00d\x00e",
			csvHeader + "\r" + goodRow("An") + "\r", `"` + csvHeader, csvHeader + "\n" + `"` + strings.Repeat("x", 1000),
			strings.Repeat(",", 100_000), strings.Repeat("\n", 10_000), "=1+1\n=2+2", "<html><body>not csv</body></html>",
			`{"code":"x"}`, csvHeader + "\n" + strings.Repeat(goodRow("An")+"\n", 3) + `"broken`}))
		if r.IntN(4) == 0 {
			randBytes := make([]byte, 1+r.IntN(4096))
			for i := range randBytes {
				randBytes[i] = byte(r.UintN(256))
			}
			b.Reset()
			b.Write(randBytes)
		}
	case n < 92:
		c.family = "csv-content-type"
		b.WriteString(csvHeader + "\n" + goodRow("An") + "\n")
		c.req.Type = pick(r, []string{"application/json", "text/plain", "application/octet-stream", "text/csvx", "multipart/form-data; boundary=x"})
		if c.req.Type == "text/csvx" {
			c.mustFail = false // starts with text/csv: accepted as CSV
		}
	case n < 96:
		c.family = "csv-formula-valid"
		c.mustFail = false
		b.WriteString(csvHeader + "\n")
		for i := 1 + r.IntN(3); i > 0; i-- {
			b.WriteString(goodRow(pick(r, formulaFragments)) + "\n")
		}
	default:
		c.family = "csv-scope"
		c.req.Token = "ward1.admin"
		b.WriteString(csvHeader + "\n" + goodRow("An") + "\n" + strings.Replace(goodRow("Bình"), ward1Code, ward2Code, 1) + "\n")
	}
	c.req.Body = b.String()
	return c
}

// formCase makes a hostile HTML form post: the citizen's survey or the counter login.
func (f *hostileFixtures) formCase(r *rand.Rand) hostileCase {
	c := hostileCase{html: true, public: true, family: "form"}
	vals := []string{"1", "0", "2", "", "%00", "%ff", "%3Cscript%3E", strings.Repeat("A", 20_000), "'%20OR%201=1--", "%E1%BB%87"}
	if r.IntN(3) > 0 {
		c.route = "POST /t/:token/survey"
		body := "satisfied=" + pick(r, vals) + "&comment=" + pick(r, vals)
		if r.IntN(5) == 0 {
			body = pick(r, []string{"%", "satisfied", "&&&", "a=%zz", strings.Repeat("a=1&", 5000), "\xff\xfe"})
		}
		c.req = request{Method: "POST", Path: "/t/" + f.token + "/survey", Type: pick(r, []string{"application/x-www-form-urlencoded", "text/plain", "application/json"}), Body: body}
		c.mustFail = true // the dossier is not returned: no rating can be stored
	} else {
		c.route = "POST /counter/login"
		body := "username=" + pick(r, vals) + "&password=" + pick(r, []string{"", "", "", strings.Repeat("A", 100), "%00"})
		c.req = request{Method: "POST", Path: "/counter/login", Type: pick(r, []string{"application/x-www-form-urlencoded", "text/plain"}), Body: body}
		c.mustFail = true
		c.public = false // one server, so that its login limit bounds the bcrypt work
	}
	return c
}

type routeInfo struct{ method, path string }

// effects are the rows a successful write adds, per route; a success on a write route that is
// not listed fails the test.
var effects = map[string]map[string]int64{
	"POST /api/v1/dossiers":                       {"dossiers": 1, "dossier_events": 1},
	"POST /api/v1/dossiers/:code/actions/:action": {"dossier_events": 1},
	"POST /api/v1/feedback":                       {"feedback": 1},
	"POST /api/v1/feedback/:id/resolve":           {},
	"POST /api/v1/agencies":                       {"agencies": 1},
	"POST /api/v1/procedures":                     {"procedure_versions": 1},
	"PUT /api/v1/procedures/:code":                {"procedure_versions": 1},
	"POST /api/v1/users":                          {"users": 1},
	"POST /api/v1/auth/login":                     {},
	"POST /counter/login":                         {},
	"POST /counter/logout":                        {},
	"POST /api/v1/imports/dossiers":               {}, // counted from the answer
	"POST /api/v1/reports/snapshots":              {"report_snapshots": 1},
	"PUT /api/v1/calendar/:year":                  {}, // an upsert, and recomputed due times: counted from the answer
	"PUT /api/v1/reports/manual":                  {}, // an upsert: counted below
}

// rejudgedEvents waits for the re-judgement id to finish and returns how many dossiers it
// changed (each got an event).
func rejudgedEvents(t *testing.T, h *harness, id, admin string) int64 {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err := send(h.base, request{Method: "GET", Path: "/api/v1/calendar/rejudgements/" + id, Token: admin})
		if err != nil || res.Status != 200 {
			t.Fatalf("re-judgement %s: %v %s", id, err, res)
		}
		rj := res.json()
		if rj["finished"] == true {
			n, _ := rj["changed"].(float64)
			return int64(n)
		} else if time.Now().After(deadline) {
			t.Fatalf("re-judgement %s not finished after 30 s: %v", id, rj)
		}
	}
}

// TestHostileInput sends at least 10,000 generated malformed or hostile requests (a fixed seed)
// to the in-process server and checks: no 5xx, every API error is problem+json, no internals
// leak, nothing is stored but what the well-formed requests among them create, markup is
// escaped on the pages, and the service is still ready afterwards.
func TestHostileInput(t *testing.T) {
	h := newHarness(t)
	h.mustProcedure()
	f := &hostileFixtures{}
	for _, agency := range []string{cityCode, ward2Code} {
		h.mustIntake(agency, "Người Cố Định") // the day's dossier sequence exists for every agency
	}
	for i := 0; i < 8; i++ {
		d := h.mustIntake(ward1Code, "Phạm Thị Mục Tiêu")
		f.dossiers = append(f.dossiers, d["code"].(string))
		if i == 0 {
			f.token, _ = qr.TokenFromURL(d["lookup_url"].(string))
		}
	}
	fb := h.must(201, request{Method: "POST", Path: "/api/v1/feedback", Token: h.token("admin"), Body: map[string]any{"agency_code": ward1Code, "content": "Phản ánh"}})
	f.feedback = fmt.Sprint(fb.json()["id"])
	tokens := map[string]string{"": ""}
	for _, u := range []string{"admin", "ward1.admin", "ward1.reception", "ward1.specialist", "ward1.reporter"} {
		tokens[u] = h.token(u)
	}
	var routes []routeInfo
	for _, r := range h.srv.App().GetRoutes(true) {
		routes = append(routes, routeInfo{r.Method, r.Path})
	}
	before := tableCounts(t, h.st)

	// The requests: fixed bypass attempts, then generated ones, each from the seed and its
	// index (made when sent, so that megabyte bodies are not all held at once), then the giants.
	total := 10_000
	if long() {
		total = 50_000
	}
	if n, err := strconv.Atoi(os.Getenv("MOTCUA_HOSTILE_REQUESTS")); err == nil && n > 0 {
		total = n
	}
	templates := f.templates()
	// The catalogue and the users are bigger bodies to check and costlier to store (every import
	// loads the whole catalogue; a user costs a bcrypt hash): they are aimed at less often.
	var weighted []int
	for i, tp := range templates {
		w := 4
		switch tp.route {
		case "POST /api/v1/users", "POST /api/v1/agencies", "POST /api/v1/procedures", "PUT /api/v1/procedures/:code", "POST /api/v1/auth/login":
			w = 2
		case "PUT /api/v1/calendar/:year": // a change recomputes the due time of every open dossier
			w = 1
		}
		for ; w > 0; w-- {
			weighted = append(weighted, i)
		}
	}
	bypass, giants := bypassCases(f), giantCases(f)
	count := len(bypass) + total + len(giants)
	caseAt := func(i int) hostileCase {
		switch {
		case i < len(bypass):
			return bypass[i]
		case i >= len(bypass)+total:
			return giants[i-len(bypass)-total]
		}
		r := rand.New(rand.NewPCG(hostileSeed(), uint64(i)))
		switch n := r.IntN(100); {
		case n < 60:
			return f.jsonCase(r, templates[weighted[r.IntN(len(weighted))]])
		case n < 92:
			return f.pathCase(r, routes)
		case n < 97:
			return f.csvCase(r)
		}
		return f.formCase(r)
	}

	// Send, four at a time; the public answers go to replicas that are replaced every 25 requests.
	pub := &rotator{h: h, per: 25}
	var pubMu sync.Mutex
	var mu sync.Mutex
	var problems []string
	statuses := map[string]int{}
	var successes []struct {
		c   hostileCase
		res response
	}
	fail := func(format string, args ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	start := time.Now()
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				c := caseAt(i)
				req := c.req
				req.Token = tokens[req.Token]
				base := h.base
				if c.public {
					pubMu.Lock()
					base = pub.next()
					pubMu.Unlock()
				}
				cl := client
				if bodySize(req.Body) > 8<<10 || req.Headers["Transfer-Encoding"] != "" {
					// The server reads the first 8 KiB of a body ahead; what a refused request leaves
					// beyond that stays on the connection and spoils the next request on it
					// (TestUnreadBodyIsNotParsedAsARequest): bigger bodies get a connection of their own.
					cl = oneShot
				}
				res, err := sendWith(cl, base, req)
				what := fmt.Sprintf("#%d %s [%s] %s %s", i, c.family, c.route, req.Method, abbreviate(req.Path, 120))
				if err != nil {
					// A connection the server closed after refusing an oversize body is fine.
					// A server may answer a big body before reading it all, and close: the client then
					// fails to write the rest; and a request line longer than the server's read buffer
					// (16 KiB) is answered 431 and the connection closed with the rest unread, which
					// can reset the connection before the answer is read. Other requests must always
					// get an answer.
					if bodySize(req.Body) < 64<<10 && len(req.Path) < 8<<10 {
						fail("%s: transport error %v", what, err)
					}
					continue
				}
				mu.Lock()
				statuses[fmt.Sprintf("%s %d", c.family, res.Status)]++
				mu.Unlock()
				if res.Status >= 500 {
					fail("%s: %s", what, res)
					continue
				}
				if res.Status >= 400 {
					ct := res.Header.Get("Content-Type")
					if c.html && !strings.HasPrefix(ct, "text/html") && !strings.HasPrefix(ct, "application/problem+json") {
						fail("%s: error page with Content-Type %q", what, ct)
					} else if !c.html && !strings.HasPrefix(ct, "application/problem+json") {
						fail("%s: error is %s, not problem+json", what, res)
					} else if strings.HasPrefix(ct, "application/problem+json") && req.Method != "HEAD" {
						if m := res.json(); m == nil || m["code"] == nil || m["code"] == "" || m["status"] != float64(res.Status) {
							fail("%s: malformed problem %s", what, res)
						}
					}
				}
				if leak := internalLeak(res.Body, req.Path+bodyText(req.Body)); leak != "" && c.route != "GET /metrics" && c.route != "HEAD /metrics" {
					fail("%s: the answer shows internals (%q): %s", what, leak, res)
				}
				if res.Status < 400 {
					if c.mustFail && res.Status < 300 {
						fail("%s: invalid request accepted: %s", what, res)
						continue
					}
					if req.Method != "GET" && req.Method != "HEAD" && res.Status < 300 {
						mu.Lock()
						successes = append(successes, struct {
							c   hostileCase
							res response
						}{c, res})
						mu.Unlock()
					}
				}
			}
		}()
	}
	for i := 0; i < count; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	elapsed := time.Since(start)

	// What the well-formed requests created, and nothing else.
	want := map[string]int64{}
	for k, v := range before {
		want[k] = v
	}
	var created []map[string]any
	upserted := map[string]bool{} // "table key" of upserts that succeeded
	for _, s := range successes {
		eff, ok := effects[s.c.route]
		if !ok {
			fail("%s %s: a write succeeded on a route with unknown effects: %s", s.c.req.Method, s.c.req.Path, s.res)
			continue
		}
		for table, n := range eff {
			want[table] += n
		}
		if s.c.req.Headers["Idempotency-Key"] != "" && s.res.Header.Get("Idempotent-Replayed") == "" {
			want["idempotency_keys"]++
		}
		switch s.c.route {
		case "POST /api/v1/imports/dossiers":
			n, _ := s.res.json()["imported"].(float64)
			want["dossiers"] += int64(n)
			want["dossier_events"] += int64(n)
		case "PUT /api/v1/calendar/:year":
			// The dossiers are judged again in the background: counted when it is over.
			if rj, ok := s.res.json()["rejudge"].(map[string]any); ok {
				want["rejudge_runs"]++
				want["dossier_events"] += rejudgedEvents(t, h, fmt.Sprint(rj["id"]), tokens["admin"])
			}
			upserted["calendar_years "+s.c.req.Path] = true
		case "PUT /api/v1/reports/manual":
			upserted["manual_figures "+s.c.req.Path] = true
		case "POST /api/v1/dossiers":
			d := s.res.json()
			created = append(created, d)
			app, _ := d["applicant"].(map[string]any)
			for k, v := range s.c.echo {
				if app[k] != v {
					fail("intake stored applicant.%s = %q, sent %q", k, app[k], v)
				}
			}
		}
	}
	for k := range upserted {
		// The harness holds no calendar and no manual figures before: each key upserted is one row.
		table, _, _ := strings.Cut(k, " ")
		want[table]++
	}
	after := tableCounts(t, h.st)
	for table, n := range after {
		if n != want[table] {
			fail("table %s holds %d rows, want %d (before: %d): something invalid was stored", table, n, want[table], before[table])
		}
	}
	if n := scalar(t, h.st, `SELECT COUNT(*) FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id)`); n != 0 {
		fail("%d dossiers have no history", n)
	}

	// Markup in stored names is escaped on the citizen's page and the counter; receipts render.
	cookie := map[string]string{"Cookie": "motcua_token=" + tokens["admin"]}
	for i, d := range created {
		if i >= 12 {
			break // receipts are slow to draw
		}
		tok, _ := qr.TokenFromURL(d["lookup_url"].(string))
		code := d["code"].(string)
		for _, req := range []request{{Method: "GET", Path: "/t/" + tok}, {Method: "GET", Path: "/counter?data=" + code, Headers: cookie},
			{Method: "GET", Path: "/api/v1/dossiers/" + code + "/receipt.pdf", Token: tokens["admin"]}} {
			base := h.base
			if strings.HasPrefix(req.Path, "/t/") {
				base = pub.next()
			}
			res, err := send(base, req)
			if err != nil || res.Status != 200 {
				fail("%s for a dossier with applicant %q: %v %s", req.Path, d["applicant"], err, res)
				continue
			}
			for _, raw := range htmlRaw {
				if strings.Contains(string(res.Body), raw) {
					fail("%s shows markup unescaped: %q", req.Path, raw)
				}
			}
		}
	}
	if res := h.do(request{Method: "GET", Path: "/readyz"}); res.Status != 200 {
		fail("not ready after the hostile requests: %s", res)
	}

	keys := make([]string, 0, len(statuses))
	for k := range statuses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var summary strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&summary, "%s×%d ", k, statuses[k])
	}
	t.Logf("%d requests in %s (%d successful writes, %d dossiers created); %s", count, elapsed.Round(time.Millisecond), len(successes), len(created), summary.String())
	if len(problems) > 0 {
		t.Errorf("%d problems (seed %d):\n%s", len(problems), hostileSeed(), groupProblems(problems))
	}
}

// giantCases are the few big bodies: sent once each.
func giantCases(f *hostileFixtures) []hostileCase {
	var big strings.Builder
	big.WriteString(csvHeader + "\n")
	for i := 0; i < 10_000; i++ {
		big.WriteString(goodRow(fmt.Sprintf("Người Nhập Số %05d", i)) + "\n")
	}
	big.WriteString(badRows[0] + "\n")
	imp := func(family, body string) hostileCase {
		return hostileCase{family: family, route: "POST /api/v1/imports/dossiers", mustFail: true,
			req: request{Method: "POST", Path: "/api/v1/imports/dossiers", Token: "admin", Type: "text/csv", Body: body}}
	}
	intake := intakeBody(ward1Code, "An")
	return []hostileCase{
		imp("csv-giant-last-row-bad", big.String()),
		imp("csv-giant-field", csvHeader+"\n"+goodRow(strings.Repeat("Ệ", 1_000_000))+"\n"),
		imp("csv-giant-columns", csvHeader+"\n"+goodRow("An")+strings.Repeat(",x", 200_000)+"\n"),
		imp("csv-giant-line-no-newline", csvHeader+"\n"+`"`+strings.Repeat("x", 3_000_000)),
		imp("csv-giant-many-bad-rows", csvHeader+"\n"+strings.Repeat(badRows[2]+"\n", 5000)),
		{family: "json-giant-body", route: "POST /api/v1/dossiers", mustFail: true,
			req: request{Method: "POST", Path: "/api/v1/dossiers", Token: "ward1.reception", Body: marshalRaw(map[string]any{"agency_code": ward1Code, "note": strings.Repeat("x", 6<<20)}, "")}},
		{family: "json-giant-nesting", route: "POST /api/v1/dossiers", mustFail: true,
			req: request{Method: "POST", Path: "/api/v1/dossiers", Token: "ward1.reception", Body: strings.Repeat("[", 900_000)}},
		{family: "json-giant-array", route: "PUT /api/v1/calendar/:year", mustFail: true,
			req: request{Method: "PUT", Path: "/api/v1/calendar/2024", Token: "admin", Body: `{"holidays":[` + strings.Repeat(`"2024-02-12",`, 70_000) + `"x"]}`}},
		{family: "json-giant-huge-key", route: "POST /api/v1/dossiers", mustFail: true,
			req: request{Method: "POST", Path: "/api/v1/dossiers", Token: "ward1.reception", Body: marshalRaw(map[string]any{strings.Repeat("k", 900_000): 1, "applicant": intake["applicant"]}, "")}},
	}
}

// internalLeak returns the first sign of internals in an answer: SQL errors, stack traces,
// drivers. Generated identifiers (lookup tokens, cursors, form tokens) are random text in
// which any short word turns up by chance ("pgx" in one token of a few thousand), so they are
// masked before looking: see maskGenerated. A word the request itself carried may come back
// in the answer (a name, a note) and is not a leak.
func internalLeak(body []byte, sent string) string {
	s := string(body)
	if len(s) > 1<<16 {
		s = s[:1<<16]
	}
	s = maskGenerated(s)
	for _, w := range []string{"SQLSTATE", "sqlite", "gorm", "goroutine ", "runtime/", ".go:", "pq: ", "pgx", "syntax error at",
		"no such table", "panic:", "database/sql", "invalid byte sequence"} {
		if strings.Contains(s, w) && !strings.Contains(sent, w) {
			return w
		}
	}
	return ""
}

// generatedRE matches what a generated identifier looks like: 16 or more base64url
// characters in a row. Words of a message are shorter, and the package paths and file names
// of a stack trace are cut by '/', '.' and ':' into short words, so none of them is masked.
var generatedRE = regexp.MustCompile(`[A-Za-z0-9_-]{16,}`)

// maskGenerated replaces every run of generatedRE that looks random (it mixes letters with
// digits, or lower with upper case) by "#".
func maskGenerated(s string) string {
	return generatedRE.ReplaceAllStringFunc(s, func(w string) string {
		digit := strings.ContainsAny(w, "0123456789")
		lower := strings.ContainsAny(w, "abcdefghijklmnopqrstuvwxyz")
		upper := strings.ContainsAny(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
		if digit && (lower || upper) || lower && upper {
			return "#"
		}
		return w
	})
}

// bodyText is a request body as text, for comparing with what comes back.
func bodyText(b any) string {
	switch v := b.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}

func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…(" + strconv.Itoa(len(s)) + " bytes)"
}

// groupProblems shows one example of each kind of problem (the text after the case number and
// up to the first colon), with how many there were.
func groupProblems(problems []string) string {
	type group struct {
		n       int
		example string
	}
	groups := map[string]*group{}
	var keys []string
	for _, p := range problems {
		key := p
		if strings.HasPrefix(key, "#") {
			if _, rest, ok := strings.Cut(key, " "); ok {
				key = rest
			}
		}
		if i := strings.Index(key, " /"); i > 0 {
			key = key[:i]
		}
		if i := strings.Index(p, ": "); i > 0 {
			key += " → " + abbreviate(p[i+2:], 40)
		}
		g, ok := groups[key]
		if !ok {
			g = &group{example: p}
			groups[key] = g
			keys = append(keys, key)
		}
		g.n++
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %d× %s\n", groups[k].n, abbreviate(groups[k].example, 700))
	}
	return b.String()
}

func bodySize(b any) int {
	switch v := b.(type) {
	case string:
		return len(v)
	case []byte:
		return len(v)
	}
	return 0
}

// TestUnreadBodyIsNotParsedAsARequest sends, on one keep-alive connection, a request that is
// refused before its body is read (no token), then checks that what is left of that body is
// not taken for a request of its own (request smuggling), and that the next real request gets
// its own answer. fasthttp's StreamRequestBody (which the streamed CSV import needs) leaves an
// unread body on the connection unless the service drains it or closes the connection.
func TestUnreadBodyIsNotParsedAsARequest(t *testing.T) {
	h := newHarness(t)
	addr := strings.TrimPrefix(h.base, "http://")
	smuggled := "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	// fasthttp reads the first 8 KiB of a streamed body ahead; what follows stays on the connection.
	cases := []struct {
		name  string
		first string // the refused request, body and all
		want  []int  // the statuses the connection must answer, in order
	}{
		{"fixed-length body holding a request", "POST /api/v1/dossiers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
			strconv.Itoa(8<<10+len(smuggled)) + "\r\n\r\n" + strings.Repeat(" ", 8<<10) + smuggled, []int{401}},
		{"chunked body, then a real request", "POST /api/v1/dossiers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
			"2\r\n{}\r\n0\r\n\r\n" + smuggled, []int{401, 200}},
		{"fixed-length body, then a real request", "POST /api/v1/imports/dossiers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + h.token("admin") +
			"\r\nContent-Type: text/plain\r\nContent-Length: " + strconv.Itoa(20<<10) + "\r\n\r\n" + strings.Repeat("x", 20<<10) + smuggled, []int{400, 200}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.Write([]byte(tc.first)); err != nil {
				t.Fatal(err)
			}
			conn.SetReadDeadline(time.Now().Add(time.Second))
			br := bufio.NewReader(conn)
			var got []int
			for len(got) < len(tc.want)+1 {
				res, err := http.ReadResponse(br, nil)
				if err != nil {
					break // closed, or nothing more within the deadline
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				got = append(got, res.StatusCode)
			}
			// Closing the connection after the first answer is fine too.
			if len(got) == 0 || len(got) > len(tc.want) || !slices.Equal(got, tc.want[:len(got)]) {
				t.Errorf("answers on the connection: %v, want %v (or %v and a closed connection)", got, tc.want, tc.want[:1])
			}
		})
	}
}
