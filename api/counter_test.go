package api_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token the counter's pages carry for the session with cookie.
func (e *env) csrf(cookie string) string {
	e.t.Helper()
	m := csrfRE.FindSubmatch(e.page("GET", "/counter", nil, cookie).expect(200).body)
	if m == nil {
		e.t.Fatal("the counter's page has no csrf field")
	}
	return html.UnescapeString(string(m[1]))
}

// counterPost posts a counter form with the session's CSRF token.
func (e *env) counterPost(cookie, path string, form url.Values) response {
	e.t.Helper()
	f := url.Values{"csrf": {e.csrf(cookie)}}
	for k, v := range form {
		f[k] = v
	}
	return e.page("POST", path, f, cookie)
}

// location is where a 303 answer sends the browser.
func (r response) location() string { return r.header.Get("Location") }

// dossierCode is the code of the card a Location names.
func dossierCode(t testing.TB, loc string) string {
	t.Helper()
	const prefix = "/counter/dossiers/"
	if !strings.HasPrefix(loc, prefix) {
		t.Fatalf("Location = %q, want a dossier's card", loc)
	}
	code, _, _ := strings.Cut(strings.TrimPrefix(loc, prefix), "?")
	return code
}

// counterCount is how many dossiers the JSON API lists for admin.
func (e *env) counterCount() int {
	e.t.Helper()
	return len(e.do("GET", "/api/v1/dossiers", "admin", nil).expect(200).json()["items"].([]any))
}

// status is the dossier's status as the JSON API tells it.
func (e *env) status(code string) string {
	e.t.Helper()
	return e.do("GET", "/api/v1/dossiers/"+code, "admin", nil).expect(200).json()["status"].(string)
}

func TestCounterIntakeForm(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustPublicProcedure()
	e.mustProcedure("9.001", 5, true) // "Thủ tục 9.001", postal
	e.mustProcedure("9.002", 5, false)
	cookie := e.counterLogin("ward1.reception")

	e.page("GET", "/counter/new", nil, cookie).html(200, `action="/counter/dossiers"`, `name="csrf"`, `name="procedure_code"`,
		`list="procedures"`, `<option value="`+pubProcedure+`">Đăng ký khai sinh</option>`, `name="applicant.name"`,
		`name="return_channel"`, `name="handed_over_at"`, `for="applicant-name"`, `id="applicant-name"`)
	applicant := url.Values{"applicant.name": {"Trần Thị Bình"}, "applicant.phone": {"0912345678"}, "channel": {"direct"},
		"return_channel": {"direct"}, "agency_code": {ward1Code}}
	with := func(kv ...string) url.Values {
		f := url.Values{}
		for k, v := range applicant {
			f[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}

	// Without the CSRF token, or with another session's, nothing is taken in.
	e.page("POST", "/counter/dossiers", with("procedure_code", pubProcedure), cookie).html(403, "Biểu mẫu không hợp lệ")
	other := e.counterLogin("ward2.reception")
	f := with("procedure_code", pubProcedure)
	f.Set("csrf", e.csrf(other))
	e.page("POST", "/counter/dossiers", f, cookie).html(403)
	if n := e.counterCount(); n != 0 {
		t.Fatalf("%d dossiers after forms without a valid token", n)
	}

	// A wrong form comes back filled in, the problem beside its field.
	e.counterPost(cookie, "/counter/dossiers", with("procedure_code", pubProcedure, "applicant.phone", "12ab")).
		html(400, `value="Trần Thị Bình"`, `value="12ab"`, `id="applicant-phone-err"`, `aria-describedby="applicant-phone-err"`, "Vui lòng sửa",
			"phải gồm 8 đến 15 chữ số")
	e.counterPost(cookie, "/counter/dossiers", with("procedure_code", "1.999")).html(422, `id="procedure_code-err"`, `value="1.999"`,
		"Không có thủ tục mã 1.999")
	e.counterPost(cookie, "/counter/dossiers", with("procedure_code", "9.002", "channel", "postal")).
		html(422, `id="channel-err"`)
	if n := e.counterCount(); n != 0 {
		t.Fatalf("%d dossiers after wrong forms", n)
	}

	// The procedure by its name typed without diacritics.
	res := e.counterPost(cookie, "/counter/dossiers", with("procedure_code", "dang ky KHAI SINH")).expect(303)
	code := dossierCode(t, res.location())
	if !strings.HasSuffix(res.location(), "?done=intake") {
		t.Errorf("Location = %q", res.location())
	}
	e.page("GET", res.location(), nil, cookie).html(200, code, "Đã ghi nhận: Tiếp nhận hồ sơ", "Đăng ký khai sinh", "Trần Thị Bình",
		`href="/counter/dossiers/`+code+`/receipt.pdf" target="_blank" autofocus`, `/counter/dossiers/`+code+`/qr.png`)
	d := e.do("GET", "/api/v1/dossiers/"+code, "admin", nil).expect(200).json()
	if d["procedure_code"] != pubProcedure || d["applicant"].(map[string]any)["name"] != "Trần Thị Bình" || d["channel"] != "direct" {
		t.Errorf("the API shows %v", d)
	}

	// A name several procedures share: the form offers them, and the pick takes the dossier in.
	e.counterPost(cookie, "/counter/dossiers", with("procedure_code", "thu tuc")).
		html(400, `name="procedure_pick" value="9.001"`, `name="procedure_pick" value="9.002"`, "Có nhiều thủ tục khớp")
	res = e.counterPost(cookie, "/counter/dossiers", with("procedure_code", "thu tuc", "procedure_pick", "9.001",
		"channel", "postal", "return_channel", "postal", "handed_over_at", "2024-03-04T08:30"))
	res.expect(303)
	d = e.do("GET", "/api/v1/dossiers/"+dossierCode(t, res.location()), "admin", nil).expect(200).json()
	if d["procedure_code"] != "9.001" || d["channel"] != "postal" || d["handed_over_at"] != "2024-03-04T08:30:00+07:00" {
		t.Errorf("the postal intake: procedure %v, channel %v, handed over %v", d["procedure_code"], d["channel"], d["handed_over_at"])
	}

	// Another agency's intake is refused beside the field.
	e.counterPost(cookie, "/counter/dossiers", with("procedure_code", pubProcedure, "agency_code", ward2Code)).
		html(403, `id="agency_code-err"`)
	if n := e.counterCount(); n != 2 {
		t.Errorf("%d dossiers, want 2", n)
	}
}

func TestCounterActions(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	card := "/counter/dossiers/" + d.code
	reception := e.counterLogin("ward1.reception")
	specialist := e.counterLogin("ward1.specialist")

	// Reception sees the actions its role allows, never the specialist's.
	forms := func(body []byte) []string {
		var out []string
		for _, m := range regexp.MustCompile(`action="/counter/dossiers/[^/]+/actions/([a-z_]+)"`).FindAllSubmatch(body, -1) {
			out = append(out, string(m[1]))
		}
		return out
	}
	if got := forms(e.page("GET", card, nil, reception).html(200, d.code, pubName).body); strings.Join(got, ",") != "start,request_supplement,withdraw" {
		t.Errorf("reception's actions on a received dossier: %v", got)
	}
	if got := forms(e.page("GET", card, nil, specialist).html(200).body); strings.Join(got, ",") != "start,request_supplement,resolve,apologize,withdraw" {
		t.Errorf("the specialist's actions on a received dossier: %v", got)
	}

	// A specialist does not take dossiers in, as through the API.
	e.page("GET", "/counter", nil, specialist).html(200).lacks(`href="/counter/new"`)
	e.page("GET", "/counter/new", nil, specialist).html(403, "Không có quyền")
	e.counterPost(specialist, "/counter/dossiers", url.Values{"agency_code": {ward1Code}, "procedure_code": {pubProcedure},
		"applicant.name": {"Ai Đó"}, "channel": {"direct"}}).html(403)

	// Without the CSRF token nothing changes.
	e.page("POST", card+"/actions/start", url.Values{"note": {"x"}}, reception).html(403, "Biểu mẫu không hợp lệ")
	if s := e.status(d.code); s != "received" {
		t.Fatalf("status %s after a post without the token", s)
	}

	// A form the role does not allow is refused, and changes nothing.
	e.counterPost(reception, card+"/actions/resolve", url.Values{"outcome": {"approved"}}).html(403, "Vai trò của bạn không được làm việc này")
	e.counterPost(reception, card+"/actions/nothing", nil).html(404, "Không có thao tác này")
	// A missing reason: the card again, the form unfolded and filled in, the problem beside the field.
	e.counterPost(reception, card+"/actions/request_supplement", url.Values{"note": {"gọi điện trước"}}).
		html(400, `id="act-request_supplement" open`, `value="gọi điện trước"`, `id="request_supplement-reason-err"`)
	if s := e.status(d.code); s != "received" {
		t.Fatalf("status %s after refused forms", s)
	}

	step := func(cookie, action string, form url.Values, status string) {
		t.Helper()
		res := e.counterPost(cookie, card+"/actions/"+action, form).expect(303)
		if res.location() != card+"?done="+action {
			t.Errorf("%s: Location = %q", action, res.location())
		}
		if s := e.status(d.code); s != status {
			t.Fatalf("after %s: status %s, want %s", action, s, status)
		}
	}
	step(reception, "start", nil, "processing")
	step(reception, "request_supplement", url.Values{"reason": {"Bản sao giấy chứng sinh"}}, "awaiting_supplement")
	e.page("GET", card, nil, reception).html(200, "Đang chờ công dân bổ sung", "Bản sao giấy chứng sinh")
	// A card gone stale (another clerk acted meanwhile) changes nothing.
	e.counterPost(reception, card+"/actions/supplement", url.Values{"if_match": {`"2"`}}).html(412, "vừa được người khác thay đổi")
	if s := e.status(d.code); s != "awaiting_supplement" {
		t.Fatalf("status %s after a stale card's form", s)
	}
	step(reception, "supplement", url.Values{"if_match": {`"3"`}}, "processing")
	e.setNow(vn("2024-03-07 10:00")) // late now
	specialist = e.counterLogin("ward1.specialist")
	reception = e.counterLogin("ward1.reception")
	e.counterPost(specialist, card+"/actions/apologize", url.Values{"reason": {"Chờ xác minh"}, "new_appointment_at": {"2024-03-01T10:00"}}).
		html(400, `id="apologize-new_appointment_at-err"`, `value="2024-03-01T10:00"`)
	step(specialist, "apologize", url.Values{"reason": {"Chờ xác minh"}, "new_appointment_at": {"2024-03-12T14:30"}}, "processing")
	e.page("GET", card, nil, specialist).html(200, "Phiếu xin lỗi (PDF)", "Chờ xác minh", "14:30 ngày 12/03/2024").lacks(`actions/apologize"`)
	e.page("GET", card+"/apology.pdf", nil, specialist).expect(200)
	step(specialist, "resolve", url.Values{"outcome": {"refused"}, "result_digitized": {"1"}}, "resolved")
	e.page("GET", "/counter", nil, reception).html(200, "Có kết quả, chờ trả", d.code)
	step(reception, "return", url.Values{"channel": {"online"}}, "returned")
	m := e.do("GET", "/api/v1/dossiers/"+d.code, "admin", nil).expect(200).json()
	if m["outcome"] != "refused" || m["result_digitized"] != true || m["returned_channel"] != "online" {
		t.Errorf("the API shows outcome %v, digitized %v, returned by %v", m["outcome"], m["result_digitized"], m["returned_channel"])
	}
	if got := forms(e.page("GET", card, nil, reception).html(200, "Đã trả kết quả", "Không còn thao tác nào").body); len(got) != 0 {
		t.Errorf("actions on a returned dossier: %v", got)
	}

	// Another ward's counter neither sees the dossier nor acts on it.
	other := e.counterLogin("ward2.reception")
	e.page("GET", card, nil, other).html(404, "Không tìm thấy hồ sơ").lacks(pubName)
	e.page("GET", "/counter", nil, other).html(200).lacks(d.code)
	e.counterPost(other, card+"/actions/withdraw", url.Values{"reason": {"x"}}).html(404).lacks(pubName)
	if s := e.status(d.code); s != "returned" {
		t.Errorf("status %s after another ward's post", s)
	}
}

func TestCounterLoginFromAnotherSite(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	req, err := http.NewRequest("POST", e.base+"/counter/login", strings.NewReader("username=ward1.reception&password=password-123"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 || len(res.Cookies()) != 0 {
		t.Errorf("a login posted from another site: %d, cookies %v", res.StatusCode, res.Cookies())
	}
}

// counterSection is the HTML of the home page's list with id.
func counterSection(t testing.TB, body []byte, id string) string {
	t.Helper()
	s := string(body)
	i := strings.Index(s, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("the home page has no list %s", id)
	}
	j := strings.Index(s[i:], "</section>")
	return s[i : i+j]
}

func TestCounterLists(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustPublicProcedure()
	due := e.mustPublicIntake(nil) // Monday 09:00, due Thursday 09:00
	waiting := e.mustPublicIntake(map[string]any{"name": "Lê Văn Chờ"})
	e.act("ward1.reception", waiting.code, "request_supplement", map[string]any{"reason": "Thiếu tờ khai"})
	ready := e.mustPublicIntake(map[string]any{"name": "Lê Văn Xong"})
	e.act("ward1.specialist", ready.code, "resolve", map[string]any{"outcome": "approved"})

	lists := func(user string) []byte {
		return e.page("GET", "/counter", nil, e.counterLogin(user)).html(200).body
	}
	has := func(body []byte, id string, want bool, codes ...string) {
		t.Helper()
		sec := counterSection(t, body, id)
		for _, c := range codes {
			if strings.Contains(sec, c) != want {
				t.Errorf("list %s holds %s: %v, want %v", id, c, !want, want)
			}
		}
	}
	e.setNow(vn("2024-03-04 10:00"))
	body := lists("ward1.reception")
	has(body, "den-han", false, due.code, waiting.code, ready.code)
	has(body, "cho-bo-sung", true, waiting.code)
	has(body, "tra-ket-qua", true, ready.code)
	has(body, "chua-chuyen", false, due.code)
	if !strings.Contains(counterSection(t, body, "tra-ket-qua"), `href="/counter/dossiers/`+ready.code+`"`) {
		t.Error("a line does not open its dossier")
	}

	e.setNow(vn("2024-03-07 08:00"))
	body = lists("ward1.reception")
	has(body, "den-han", true, due.code)
	has(body, "den-han", false, waiting.code, ready.code)
	has(body, "chua-chuyen", true, due.code)
	has(body, "qua-han", false, due.code)

	e.setNow(vn("2024-03-08 08:00"))
	body = lists("ward1.reception")
	has(body, "den-han", false, due.code)
	has(body, "qua-han", true, due.code)

	// Another ward's desk lists none of them.
	body = lists("ward2.reception")
	for _, id := range []string{"den-han", "qua-han", "chua-chuyen", "cho-bo-sung", "tra-ket-qua"} {
		has(body, id, false, due.code, waiting.code, ready.code)
	}
}
