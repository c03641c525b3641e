package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua/qr/qrtest"
	"motcua/store"
)

// The applicant of the public fixture: every value distinctive, so that its absence from
// public answers means something.
const (
	pubName      = "Nguyễn Thị Hồng Nhung"
	pubMasked    = "Nguyễn T** H** N**"
	pubIDNumber  = "079301118642"
	pubPhone     = "0987123456"
	pubLast4     = "3456"
	pubEmail     = "nhung.kin.dao@example.vn"
	pubAddress   = "Số 77 Hẻm Bí Mật, Khóm 9"
	pubNote      = "GHI-CHU-NOI-BO-7731"
	pubReason    = "LY-DO-NOI-BO-5512"
	pubProcedure = "1.002.000.00.00.H50"
)

// pubSecrets are what no public answer or page may hold: the applicant's identity number,
// phone, e-mail and address, the staff's notes and reasons (but those of an apology and of a
// supplement request), and the staff's usernames.
var pubSecrets = []string{pubIDNumber, pubPhone, pubEmail, pubAddress, "Hẻm Bí Mật", pubNote, pubReason,
	"ward1.reception", "ward1.specialist", "city.admin"}

// pubDossier is a dossier taken in for the public tests.
type pubDossier struct {
	code, token, lookupURL string
}

// mustPublicProcedure adds the 3-day procedure the public tests use.
func (e *env) mustPublicProcedure() {
	e.t.Helper()
	e.do("POST", "/api/v1/procedures", "admin", map[string]any{
		"code": pubProcedure, "name": "Đăng ký khai sinh", "field": "Hộ tịch", "level": "commune", "time_limit_days": 3,
		"online_eligible": "full", "online_provided": "partial", "national_portal": true, "fee": false, "online_payment": false,
		"postal": false, "interlinked_same_level": false, "interlinked_cross_level": false, "published_on": "2023-01-01",
	}).expect(201)
}

// mustPublicIntake takes in a dossier for the fixture applicant at ward 1 (Monday 09:00 on the
// harness clock, so due Thursday 2024-03-07 09:00) with the given applicant fields changed.
func (e *env) mustPublicIntake(applicant map[string]any) pubDossier {
	e.t.Helper()
	a := map[string]any{"name": pubName, "id_number": pubIDNumber, "phone": pubPhone, "email": pubEmail, "address": pubAddress}
	for k, v := range applicant {
		a[k] = v
	}
	d := e.do("POST", "/api/v1/dossiers", "ward1.reception", map[string]any{
		"agency_code": ward1Code, "procedure_code": pubProcedure, "channel": "direct", "return_channel": "direct",
		"applicant": a, "note": pubNote,
	}).expect(201).json()
	u := d["lookup_url"].(string)
	token := u[strings.LastIndex(u, "/t/")+3:]
	return pubDossier{code: d["code"].(string), token: token, lookupURL: u}
}

// act takes an action on the dossier as user and expects it to succeed.
func (e *env) act(user, code, action string, body map[string]any) {
	e.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	if _, ok := body["note"]; !ok {
		body["note"] = pubNote
	}
	e.do("POST", "/api/v1/dossiers/"+code+"/actions/"+action, user, body).expect(200)
}

// assertNoSecrets fails when body holds any personal value of the fixture.
func assertNoSecrets(t testing.TB, what string, body []byte) {
	t.Helper()
	for _, s := range pubSecrets {
		if bytes.Contains(body, []byte(s)) {
			t.Errorf("%s holds %q: %s", what, s, body)
		}
	}
}

// alter changes the character of s at i to another one of the token alphabet.
func alter(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestPublicDossierByToken(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)

	res := e.do("GET", "/api/v1/public/dossiers/"+d.token, "", nil).expect(200)
	assertNoSecrets(t, "public answer", res.body)
	if cc := res.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	m := res.json()
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	wantKeys := []string{"agency_name", "apology", "applicant_name_masked", "appointment_at", "code", "due_at", "history", "procedure_name",
		"received_at", "resolved_at", "returned_at", "status", "status_label", "supplement_request", "timeliness"}
	if !slices.Equal(keys, wantKeys) {
		t.Errorf("keys = %v, want %v", keys, wantKeys)
	}
	for k, want := range map[string]any{
		"code": d.code, "procedure_name": "Đăng ký khai sinh", "agency_name": "UBND Phường 1", "status": "received",
		"status_label": "Đã tiếp nhận", "received_at": "2024-03-04T09:00:00+07:00", "due_at": "2024-03-07T09:00:00+07:00",
		"appointment_at": "2024-03-07T09:00:00+07:00", "resolved_at": nil, "returned_at": nil, "timeliness": nil,
		"applicant_name_masked": pubMasked, "apology": nil, "supplement_request": nil,
	} {
		if got := m[k]; got != want {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}

	// Its whole life: the history has the status changes only, in order, in +07:00.
	e.act("ward1.specialist", d.code, "start", nil)
	e.advance(30 * time.Minute)
	e.act("ward1.specialist", d.code, "request_supplement", map[string]any{"reason": pubSupplementReason})
	e.advance(30 * time.Minute)
	e.act("ward1.reception", d.code, "supplement", nil)
	e.act("city.admin", d.code, "apologize", map[string]any{"reason": pubApologyReason, "new_appointment_at": "2024-03-15T10:00:00+07:00"})
	e.advance(time.Hour)
	e.act("ward1.specialist", d.code, "resolve", map[string]any{"outcome": "approved"})
	e.advance(time.Hour)
	e.act("ward1.reception", d.code, "return", map[string]any{"channel": "direct"})

	res = e.do("GET", "/api/v1/public/dossiers/"+d.token, "", nil).expect(200)
	assertNoSecrets(t, "public answer of a returned dossier", res.body)
	var v struct {
		History []map[string]any `json:"history"`
	}
	if err := json.Unmarshal(res.body, &v); err != nil {
		t.Fatal(err)
	}
	m2 := res.json()
	if m2["status"] != "returned" || m2["status_label"] != "Đã trả kết quả" || m2["timeliness"] != "early" {
		t.Errorf("status, label, timeliness = %v, %v, %v; want returned, Đã trả kết quả, early", m2["status"], m2["status_label"], m2["timeliness"])
	}
	if got, want := m2["appointment_at"], "2024-03-15T10:00:00+07:00"; got != want {
		t.Errorf("appointment_at = %v, want %v", got, want)
	}
	if got, want := m2["resolved_at"], "2024-03-04T11:00:00+07:00"; got != want {
		t.Errorf("resolved_at = %v, want %v", got, want)
	}
	if got, want := m2["returned_at"], "2024-03-04T12:00:00+07:00"; got != want {
		t.Errorf("returned_at = %v, want %v", got, want)
	}
	var statuses []string
	for _, h := range v.History {
		if len(h) != 2 || h["at"] == nil || h["status"] == nil {
			t.Errorf("history entry %v, want exactly at and status", h)
		}
		if at, _ := h["at"].(string); !strings.HasSuffix(at, "+07:00") {
			t.Errorf("history at = %v, want +07:00", h["at"])
		}
		statuses = append(statuses, h["status"].(string))
	}
	if want := []string{"received", "processing", "awaiting_supplement", "processing", "resolved", "returned"}; !slices.Equal(statuses, want) {
		t.Errorf("history = %v, want %v", statuses, want)
	}

	// Everything that is not this server's token for a dossier answers exactly as an unknown dossier.
	unknown := e.do("GET", "/api/v1/public/dossiers/"+strings.Repeat("A", len(d.token)), "", nil)
	unknown.problem(404, "not_found")
	for name, tok := range map[string]string{
		"bare code":       d.code,
		"altered first":   alter(d.token, 0),
		"altered middle":  alter(d.token, len(d.token)/2),
		"altered last":    alter(d.token, len(d.token)-1),
		"truncated":       d.token[:len(d.token)-1],
		"extended":        d.token + "A",
		"upper-cased":     strings.ToUpper(d.token),
		"lookup id (hex)": "00000000000000000000000000000000",
	} {
		t.Run(name, func(t *testing.T) {
			e := e.in(t)
			if tok == d.token {
				t.Skip("the change left the token as it was")
			}
			res := e.do("GET", "/api/v1/public/dossiers/"+url.PathEscape(tok), "", nil)
			res.problem(404, "not_found")
			if !bytes.Equal(res.body, unknown.body) {
				t.Errorf("body %s differs from an unknown dossier's %s", res.body, unknown.body)
			}
		})
	}
}

func TestPublicTokenIsCheckedBeforeTheDatabase(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	e.store.Close() // from here on, any query fails
	e.do("GET", "/api/v1/public/dossiers/"+alter(d.token, 3), "", nil).problem(404, "not_found")
	e.do("GET", "/t/"+alter(d.token, 3), "", nil).expect(404)
	if res := e.do("GET", "/api/v1/public/dossiers/"+d.token, "", nil); res.status < 500 {
		t.Fatalf("a valid token with the database closed answered %d; the test does not prove what it should", res.status)
	}
}

func TestPublicLookup(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	noPhone := e.mustPublicIntake(map[string]any{"phone": ""})

	byToken := e.do("GET", "/api/v1/public/dossiers/"+d.token, "", nil).expect(200)
	res := e.do("GET", "/api/v1/public/lookup?code="+d.code+"&phone_last4="+pubLast4, "", nil).expect(200)
	assertNoSecrets(t, "lookup answer", res.body)
	if !bytes.Equal(res.body, byToken.body) {
		t.Errorf("lookup answer %s differs from the token answer %s", res.body, byToken.body)
	}
	// Codes as people type them.
	e.do("GET", "/api/v1/public/lookup?code="+url.QueryEscape("  "+strings.ToLower(d.code)+" ")+"&phone_last4="+pubLast4, "", nil).
		expect(200, `"code":"`+d.code+`"`)

	unknown := e.do("GET", "/api/v1/public/lookup?code="+ward1Code+"-240304-0099&phone_last4="+pubLast4, "", nil)
	unknown.problem(404, "not_found")
	for name, q := range map[string]string{
		"wrong digits":     "code=" + d.code + "&phone_last4=3457",
		"first four":       "code=" + d.code + "&phone_last4=" + pubPhone[:4],
		"no phone given":   "code=" + noPhone.code + "&phone_last4=0000",
		"other ward's day": "code=" + ward2Code + "-240304-0001&phone_last4=" + pubLast4,
	} {
		t.Run(name, func(t *testing.T) {
			e := e.in(t)
			res := e.do("GET", "/api/v1/public/lookup?"+q, "", nil)
			if res.status != unknown.status || !bytes.Equal(res.body, unknown.body) ||
				res.header.Get("Content-Type") != unknown.header.Get("Content-Type") {
				t.Errorf("answer %d %s differs from an unknown code's %d %s", res.status, res.body, unknown.status, unknown.body)
			}
		})
	}

	tests := []struct {
		name, query string
		fields      []string
	}{
		{"nothing", "", []string{"code", "phone_last4"}},
		{"bad code", "code=abc&phone_last4=1234", []string{"code"}},
		{"impossible date", "code=" + ward1Code + "-241332-0001&phone_last4=1234", []string{"code"}},
		{"letters", "code=" + d.code + "&phone_last4=12a4", []string{"phone_last4"}},
		{"five digits", "code=" + d.code + "&phone_last4=12345", []string{"phone_last4"}},
		{"three digits", "code=" + d.code + "&phone_last4=123", []string{"phone_last4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.do("GET", "/api/v1/public/lookup?"+tt.query, "", nil).problem(400, "invalid_input", tt.fields...)
		})
	}
}

func TestPublicRateLimit(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	// 30 lookups a minute from one address, each of another code so that only the address counts.
	for i := 1; i <= 30; i++ {
		code := fmt.Sprintf("%s-240305-%04d", ward1Code, i)
		e.do("GET", "/api/v1/public/lookup?code="+code+"&phone_last4=1234", "", nil).problem(404, "not_found")
	}
	res := e.do("GET", "/api/v1/public/lookup?code="+d.code+"&phone_last4="+pubLast4, "", nil)
	res.problem(429, "rate_limited")
	if res.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// The token answer and the citizen's page have a budget of their own
	// (TestTokenPagesKeepTheirBudget).
	e.do("GET", "/api/v1/public/dossiers/"+d.token, "", nil).expect(200)
	e.do("GET", "/t/"+d.token, "", nil).expect(200)
	// Staff are not limited by it.
	e.do("GET", "/api/v1/dossiers/"+d.code, "ward1.reception", nil).expect(200)
}

func TestPublicLookupLimitPerCode(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	for i := 0; i < 20; i++ {
		e.do("GET", "/api/v1/public/lookup?code="+d.code+"&phone_last4="+strconv.Itoa(1000+i), "", nil).problem(404, "not_found")
	}
	// Guessing stops at the code, even with the right digits; the QR code still works.
	e.do("GET", "/api/v1/public/lookup?code="+strings.ToLower(d.code)+"&phone_last4="+pubLast4, "", nil).problem(429, "rate_limited")
	e.do("GET", "/api/v1/public/dossiers/"+d.token, "", nil).expect(200)
}

func TestSurveyJSON(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	path := "/api/v1/public/dossiers/" + d.token + "/survey"

	e.do("POST", path, "", map[string]any{"satisfied": true}).problem(409, "invalid_transition")
	e.act("ward1.specialist", d.code, "resolve", map[string]any{"outcome": "approved"})
	e.do("POST", path, "", map[string]any{"satisfied": true}).problem(409, "invalid_transition")
	e.act("ward1.reception", d.code, "return", map[string]any{"channel": "direct"})

	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"empty", "", "body"},
		{"no rating", map[string]any{"comment": "x"}, "satisfied"},
		{"not a bool", map[string]any{"satisfied": "yes"}, "satisfied"},
		{"unknown field", map[string]any{"satisfied": true, "stars": 5}, "stars"},
		{"long comment", map[string]any{"satisfied": true, "comment": strings.Repeat("ệ", 334)}, "comment"}, // 1002 bytes
		{"control characters", map[string]any{"satisfied": true, "comment": "a\x00b"}, "comment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.do("POST", path, "", tt.body).problem(400, "invalid_input", tt.field)
		})
	}
	e.do("POST", "/api/v1/public/dossiers/"+alter(d.token, 5)+"/survey", "", map[string]any{"satisfied": true}).problem(404, "not_found")

	comment := strings.Repeat("ệ", 333) + "x" // exactly 1000 bytes
	res := e.do("POST", path, "", map[string]any{"satisfied": false, "comment": comment}).expect(201).json()
	if res["satisfied"] != false || res["comment"] != comment || res["code"] != d.code {
		t.Errorf("answer = %v", res)
	}
	e.do("POST", path, "", map[string]any{"satisfied": true}).problem(409, "conflict")
	var n int64
	if err := e.store.DB().Raw("SELECT COUNT(*) FROM surveys WHERE satisfied = ?", false).Scan(&n).Error; err != nil || n != 1 {
		t.Errorf("stored ratings = %d, %v; want the first one only", n, err)
	}
}

func TestReceiptPDF(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	path := "/api/v1/dossiers/" + d.code

	res := e.do("GET", path+"/receipt.pdf", "ward1.reception", nil).expect(200)
	if ct := res.header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := res.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline; filename=") || !strings.Contains(cd, d.code) {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if !bytes.HasPrefix(res.body, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.40q", res.body)
	}
	pngRes := e.do("GET", path+"/qr.png", "ward1.specialist", nil).expect(200)
	if ct := pngRes.header.Get("Content-Type"); ct != "image/png" {
		t.Errorf("qr.png Content-Type = %q", ct)
	}
	if cd := pngRes.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline; filename=") {
		t.Errorf("qr.png Content-Disposition = %q", cd)
	}
	img, _, err := image.Decode(bytes.NewReader(pngRes.body))
	if err != nil {
		t.Fatalf("qr.png: %v", err)
	}
	if got := decodeQR(t, img); got != d.lookupURL {
		t.Errorf("qr.png holds %q, want %q", got, d.lookupURL)
	}

	// Scope, roles, and the apology letter that exists only after an apology.
	e.do("GET", path+"/receipt.pdf", "ward2.reception", nil).problem(404, "not_found")
	e.do("GET", path+"/qr.png", "city.reporter", nil).problem(403, "forbidden")
	e.do("GET", path+"/receipt.pdf", "", nil).problem(401, "unauthorized")
	e.do("GET", "/api/v1/dossiers/"+ward1Code+"-240304-0099/receipt.pdf", "admin", nil).problem(404, "not_found")
	e.do("GET", path+"/apology.pdf", "ward1.reception", nil).problem(404, "not_found")
	e.act("ward1.specialist", d.code, "apologize", map[string]any{"reason": "Chờ ý kiến của Sở Tư pháp", "new_appointment_at": "2024-03-12T14:30:00+07:00"})
	apology := e.do("GET", path+"/apology.pdf", "city.admin", nil).expect(200)
	if ct := apology.header.Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(apology.body, []byte("%PDF-")) {
		t.Fatalf("apology: Content-Type %q, %.20q", ct, apology.body)
	}

	requireTools(t, "pdftotext", "pdftoppm")
	text := pdfText(t, res.body)
	for _, want := range []string{pubName, d.code, "Đăng ký khai sinh", "UBND Phường 1", "3 ngày làm việc", "09 giờ 00 phút, ngày 07 tháng 3 năm 2024"} {
		if !strings.Contains(text, norm.NFC.String(want)) {
			t.Errorf("receipt text lacks %q: %s", want, text)
		}
	}
	if got := pdfQR(t, res.body); got != d.lookupURL {
		t.Errorf("receipt QR holds %q, want %q", got, d.lookupURL)
	}
	text = pdfText(t, apology.body)
	for _, want := range []string{pubName, d.code, "Chờ ý kiến của Sở Tư pháp", "14 giờ 30 phút, ngày 12 tháng 3 năm 2024"} {
		if !strings.Contains(text, norm.NFC.String(want)) {
			t.Errorf("apology text lacks %q: %s", want, text)
		}
	}
	if got := pdfQR(t, apology.body); got != d.lookupURL {
		t.Errorf("apology QR holds %q, want %q", got, d.lookupURL)
	}
}

func TestScan(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	forged := strings.Replace(d.lookupURL, d.token, alter(d.token, 7), 1)
	tests := []struct {
		name, user, data string
		status           int
		code, field      string
	}{
		{"lookup URL", "ward1.reception", d.lookupURL, 200, "", ""},
		{"URL with a scanner's newline", "ward1.specialist", "  " + d.lookupURL + "\r\n", 200, "", ""},
		{"URL on another host", "ward1.reception", strings.Replace(d.lookupURL, "http://motcua.test", "https://tracuu.example.vn", 1), 200, "", ""},
		{"typed code", "ward1.reception", "\t" + strings.ToLower(d.code) + " \n", 200, "", ""},
		{"city sees the ward", "city.admin", d.code, 200, "", ""},
		{"other ward by URL", "ward2.reception", d.lookupURL, 404, "not_found", ""},
		{"other ward by code", "ward2.reception", d.code, 404, "not_found", ""},
		{"forged URL", "ward1.reception", forged, 404, "not_found", ""},
		{"unknown code", "ward1.reception", ward1Code + "-240304-0042", 404, "not_found", ""},
		{"garbage", "ward1.reception", "hello world", 400, "invalid_input", "data"},
		{"another site", "ward1.reception", "https://example.com/", 400, "invalid_input", "data"},
		{"empty", "ward1.reception", " \n", 400, "invalid_input", "data"},
		{"too long", "ward1.reception", strings.Repeat("A", 1100), 400, "invalid_input", "data"},
		{"reporter", "city.reporter", d.code, 403, "forbidden", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			res := e.do("GET", "/api/v1/scan?data="+url.QueryEscape(tt.data), tt.user, nil)
			if tt.status != 200 {
				var fields []string
				if tt.field != "" {
					fields = append(fields, tt.field)
				}
				res.problem(tt.status, tt.code, fields...)
				return
			}
			m := res.expect(200).json()
			if m["code"] != d.code || m["lookup_url"] != d.lookupURL || m["events"] == nil {
				t.Errorf("scan answered %v, want the dossier as GET /dossiers/{code} does", m)
			}
			if res.header.Get("ETag") == "" {
				t.Error("no ETag")
			}
		})
	}
	e.do("GET", "/api/v1/scan?data="+url.QueryEscape(d.code), "", nil).problem(401, "unauthorized")
}

// requireTools skips the test when a command is missing, or fails it when MOTCUA_REQUIRE_TOOLS=1.
func requireTools(t testing.TB, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("MOTCUA_REQUIRE_TOOLS") == "1" {
				t.Fatalf("%s not found and MOTCUA_REQUIRE_TOOLS=1", n)
			}
			t.Skipf("%s not found; set MOTCUA_REQUIRE_TOOLS=1 to fail instead", n)
		}
	}
}

// runTool runs a command and returns its standard output; it fails the test on error.
func runTool(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, stderr.Bytes())
	}
	return out
}

// writeTemp writes b to a file in a temporary directory and returns its path.
func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// pdfText extracts a PDF's text with pdftotext, white space collapsed, in NFC.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	out := runTool(t, "pdftotext", "-enc", "UTF-8", writeTemp(t, "doc.pdf", pdf), "-")
	return norm.NFC.String(strings.Join(strings.Fields(string(out)), " "))
}

// pdfQR rasterises the first page of a PDF at 150 dpi with pdftoppm and decodes its QR code.
func pdfQR(t testing.TB, pdf []byte) string {
	t.Helper()
	path := writeTemp(t, "doc.pdf", pdf)
	prefix := filepath.Join(filepath.Dir(path), "page")
	runTool(t, "pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", path, prefix)
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return decodeQR(t, img)
}

// decodeQR reads the QR code in img with zbarimg, a decoder independent of the encoder.
func decodeQR(t testing.TB, img image.Image) string {
	t.Helper()
	return qrtest.Decode(t, img)
}

// publicCacheHits reads how many public answers the server gave from its cache (/metrics).
func (e *env) publicCacheHits() int {
	e.t.Helper()
	body := e.do("GET", "/metrics", "", nil).expect(200).body
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, `motcua_public_cache_lookups_total{result="hit"} `); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				e.t.Fatalf("metric line %q", line)
			}
			return n
		}
	}
	return 0
}

// TestPublicAnswerIsNeverStale: a public answer changes with the dossier, whichever replica
// answers and whichever took the action. On PostgreSQL the answers come from each
// replica's cache between changes; the embedded database keeps none.
func TestPublicAnswerIsNeverStale(t *testing.T) {
	a := mustEnv(t)
	a.mustPublicProcedure()
	d := a.mustPublicIntake(nil)
	b := a.replica()
	status := func(e *env) string {
		t.Helper()
		return e.do("GET", "/api/v1/public/dossiers/"+d.token, "", nil).expect(200).json()["status"].(string)
	}
	// waitFor asks replica e until it answers want: another replica hears of a change a
	// moment after its commit (NOTIFY); the replica that made it, at once. (A few times
	// only, more slowly each time: public answers are rate limited.)
	waitFor := func(e *env, want string) {
		t.Helper()
		pause := 25 * time.Millisecond
		for got := status(e); got != want; got = status(e) {
			if pause > 5*time.Second {
				t.Fatalf("replica still answers %s, want %s", got, want)
			}
			time.Sleep(pause)
			pause *= 2
		}
	}
	for _, e := range []*env{a, b} {
		for range 3 {
			if got := status(e); got != "received" {
				t.Fatalf("status = %s, want received", got)
			}
		}
	}
	a.act("ward1.specialist", d.code, "start", nil)
	if got := status(a); got != "processing" {
		t.Fatalf("the replica that acted answers %s, want processing", got)
	}
	waitFor(b, "processing")
	b.act("ward1.specialist", d.code, "resolve", map[string]any{"outcome": "approved"})
	if got := status(b); got != "resolved" {
		t.Fatalf("the replica that acted answers %s, want resolved", got)
	}
	waitFor(a, "resolved")
	// The citizen's page reads the same answers.
	b.do("GET", "/t/"+d.token, "", nil).expect(200, "Đã có kết quả")

	hits := a.publicCacheHits() + b.publicCacheHits()
	if a.store.Dialect() == store.Postgres && hits == 0 {
		t.Error("no public answer came from a cache on PostgreSQL")
	} else if a.store.Dialect() != store.Postgres && hits != 0 {
		t.Errorf("%d public answers came from a cache on the embedded database", hits)
	}
	if t.Failed() || a.store.Dialect() != store.Postgres {
		return
	}

	// A replica whose listener loses its connection forgets what it kept (it may miss
	// changes), and keeps nothing until it listens again.
	if err := a.store.DB().Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE pid <> pg_backend_pid() AND query LIKE 'LISTEN %'`).Error; err != nil {
		t.Fatal(err)
	}
	a.act("ward1.reception", d.code, "return", map[string]any{"channel": "direct"})
	waitFor(b, "returned")
	b.do("GET", "/t/"+d.token, "", nil).expect(200, "Đã trả kết quả")
}
