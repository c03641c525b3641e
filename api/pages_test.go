package api_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// page sends a request without following redirects, with a form body when form is not nil
// and the counter's cookie when cookie is not empty.
func (e *env) page(method, path string, form url.Values, cookie string) response {
	e.t.Helper()
	var r io.Reader
	if form != nil {
		r = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.base+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "motcua_token", Value: cookie})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{t: e.t, status: res.StatusCode, header: res.Header, body: b}
}

// html checks an HTML answer: status, Content-Type, Vietnamese, no script, and each of want.
func (r response) html(status int, want ...string) response {
	r.t.Helper()
	r.expect(status, want...)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		r.t.Fatalf("Content-Type = %q, want text/html", ct)
	}
	for _, w := range []string{`<html lang="vi">`, `name="viewport"`} {
		if !bytes.Contains(r.body, []byte(w)) {
			r.t.Errorf("page lacks %s", w)
		}
	}
	if bytes.Contains(bytes.ToLower(r.body), []byte("<script")) {
		r.t.Errorf("page holds a script: %s", r.body)
	}
	return r
}

// lacks fails when the body holds any of s.
func (r response) lacks(s ...string) response {
	r.t.Helper()
	for _, x := range s {
		if bytes.Contains(r.body, []byte(x)) {
			r.t.Errorf("body holds %q", x)
		}
	}
	return r
}

func TestCitizenPage(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	form := `action="/t/` + d.token + `/survey"`

	res := e.page("GET", "/t/"+d.token, nil, "").html(200, "Đã tiếp nhận", pubMasked, d.code, "Đăng ký khai sinh", "UBND Phường 1",
		"09:00 ngày 04/03/2024", "09:00 ngày 07/03/2024", "Đang trong hạn giải quyết").lacks(form, pubName)
	assertNoSecrets(t, "citizen page", res.body)
	if cc := res.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q", cc)
	}

	// Overdue, then an apology with a new appointment.
	e.setNow(vn("2024-03-07 10:00"))
	e.page("GET", "/t/"+d.token, nil, "").html(200, "Đã quá hạn giải quyết")
	e.act("ward1.specialist", d.code, "start", nil)
	e.act("ward1.specialist", d.code, "apologize", map[string]any{"reason": pubApologyReason, "new_appointment_at": "2024-03-12T14:30:00+07:00"})
	e.page("GET", "/t/"+d.token, nil, "").html(200, "Đang giải quyết", "Ngày hẹn trả kết quả mới", "14:30 ngày 12/03/2024").lacks(form)
	e.page("POST", "/t/"+d.token+"/survey", url.Values{"satisfied": {"1"}}, "").html(409, "sau khi ông/bà đã nhận kết quả")

	e.setNow(vn("2024-03-08 15:20"))
	e.act("ward1.specialist", d.code, "resolve", map[string]any{"outcome": "approved"})
	e.act("ward1.reception", d.code, "return", map[string]any{"channel": "direct"})
	res = e.page("GET", "/t/"+d.token, nil, "").html(200, "Đã trả kết quả", "Giải quyết quá hạn", "15:20 ngày 08/03/2024", form,
		`name="satisfied" value="1"`, `name="satisfied" value="0"`)
	assertNoSecrets(t, "page of a returned dossier", res.body)

	// The survey form: a wrong form shows the page again; a rating goes back to the page, once.
	e.page("POST", "/t/"+d.token+"/survey", url.Values{"comment": {"quên chọn"}}, "").html(400, "Vui lòng chọn", "quên chọn")
	e.page("POST", "/t/"+d.token+"/survey", url.Values{"satisfied": {"1"}, "comment": {strings.Repeat("ơ", 501)}}, "").html(400, "Góp ý quá dài")
	res = e.page("POST", "/t/"+d.token+"/survey", url.Values{"satisfied": {"1"}, "comment": {"Nhanh <b>gọn</b>"}}, "").expect(303)
	if got := res.header.Get("Location"); got != "/t/"+d.token {
		t.Errorf("Location = %q, want /t/%s", got, d.token)
	}
	e.page("GET", "/t/"+d.token, nil, "").html(200, "Cảm ơn ông/bà đã đánh giá", "Hài lòng").lacks(form)
	e.page("POST", "/t/"+d.token+"/survey", url.Values{"satisfied": {"0"}}, "").expect(303)
	e.do("POST", "/api/v1/public/dossiers/"+d.token+"/survey", "", map[string]any{"satisfied": false}).problem(409, "conflict")
	var stored struct {
		Satisfied bool
		Comment   string
	}
	if err := e.store.DB().Raw("SELECT satisfied, comment FROM surveys").Scan(&stored).Error; err != nil || !stored.Satisfied || stored.Comment != "Nhanh <b>gọn</b>" {
		t.Errorf("stored survey = %+v, %v; want the first rating", stored, err)
	}

	// Unknown, forged and altered tokens, and bare codes: a 404 page, not JSON.
	for name, path := range map[string]string{
		"forged":                   "/t/" + strings.Repeat("x", len(d.token)),
		"altered":                  "/t/" + alter(d.token, 10),
		"bare code":                "/t/" + d.code,
		"survey of a forged token": "/t/" + alter(d.token, 1) + "/survey",
	} {
		t.Run(name, func(t *testing.T) {
			e := e.in(t)
			method, form := "GET", url.Values(nil)
			if strings.HasSuffix(path, "/survey") {
				method, form = "POST", url.Values{"satisfied": {"1"}}
			}
			e.page(method, path, form, "").html(404, "Không tìm thấy hồ sơ").lacks(pubMasked, "Đăng ký khai sinh")
		})
	}
}

func TestPageEscapesEverything(t *testing.T) {
	e := mustEnv(t)
	e.do("POST", "/api/v1/procedures", "admin", map[string]any{
		"code": pubProcedure, "name": `Cấp phép <script>alert("x")</script> & "khác"`, "field": "Xây dựng", "level": "commune",
		"time_limit_days": 3, "online_eligible": "none", "online_provided": "none", "national_portal": false, "fee": false,
		"online_payment": false, "postal": false, "interlinked_same_level": false, "interlinked_cross_level": false, "published_on": "2023-01-01",
	}).expect(201)
	d := e.mustPublicIntake(map[string]any{"name": `<b>Trần</b> Văn Bình`})
	e.page("GET", "/t/"+d.token, nil, "").html(200, "&lt;script&gt;", "&lt;b&gt;Trần&lt;/b&gt; V** B**").lacks("<b>Trần", `alert("x")`)
	cookie := e.counterLogin("ward1.reception")
	e.page("GET", "/counter?data="+url.QueryEscape(d.code), nil, cookie).html(200, "&lt;b&gt;Trần&lt;/b&gt; Văn Bình", "&lt;script&gt;").
		lacks("<b>Trần", `alert("x")`)
	e.page("GET", "/counter?data="+url.QueryEscape(`"><img src=x>`), nil, cookie).html(400, "&#34;&gt;&lt;img src=x&gt;").lacks("<img")
}

// counterLogin logs in at the counter's form as user and returns the cookie's value.
func (e *env) counterLogin(user string) string {
	e.t.Helper()
	res := e.page("POST", "/counter/login", url.Values{"username": {user}, "password": {"password-123"}}, "").expect(303)
	if got := res.header.Get("Location"); got != "/counter" {
		e.t.Fatalf("login Location = %q, want /counter", got)
	}
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == "motcua_token" && c.Value != "" {
			return c.Value
		}
	}
	e.t.Fatalf("login set no cookie: %v", res.header)
	return ""
}

func TestCounter(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)

	// Without the cookie: to the login form, which a browser can fill in.
	if res := e.page("GET", "/counter", nil, "").expect(303); res.header.Get("Location") != "/counter/login" {
		t.Errorf("Location = %q, want /counter/login", res.header.Get("Location"))
	}
	e.page("GET", "/counter/dossiers/"+d.code+"/receipt.pdf", nil, "").expect(303)
	e.page("GET", "/counter/login", nil, "").html(200, `action="/counter/login"`, `name="username"`, `name="password"`, `type="password"`)
	e.page("POST", "/counter/login", url.Values{"username": {"ward1.reception"}, "password": {"wrong-password"}}, "").
		html(401, "Sai tên đăng nhập hoặc mật khẩu", `value="ward1.reception"`).lacks("wrong-password")
	e.page("POST", "/counter/login", url.Values{"username": {"nobody"}, "password": {"password-123"}}, "").html(401, "Sai tên đăng nhập")
	e.page("POST", "/counter/login", url.Values{"username": {""}}, "").html(400)

	res := e.page("POST", "/counter/login", url.Values{"username": {"ward1.reception"}, "password": {"password-123"}}, "").expect(303)
	setCookie := res.header.Get("Set-Cookie")
	for _, want := range []string{"motcua_token=", "HttpOnly", "SameSite=Strict", "path=/counter"} {
		if !strings.Contains(strings.ToLower(setCookie), strings.ToLower(want)) {
			t.Errorf("Set-Cookie %q lacks %s", setCookie, want)
		}
	}
	cookie := e.counterLogin("ward1.reception")
	e.page("GET", "/counter/login", nil, cookie).expect(303)
	e.page("GET", "/counter", nil, alter(cookie, len(cookie)/2)).expect(303)

	page := e.page("GET", "/counter", nil, cookie).html(200, `action="/counter"`, `method="get"`, `name="data"`, "autofocus", "ward1.reception")
	if bytes.Contains(page.body, []byte("Không tìm thấy")) {
		t.Error("the empty counter says not found")
	}
	receipt := "/counter/dossiers/" + d.code + "/receipt.pdf"
	e.page("GET", "/counter?data="+url.QueryEscape(d.lookupURL+"\r\n"), nil, cookie).
		html(200, d.code, "Đã tiếp nhận", "Đăng ký khai sinh", pubName, "09:00 ngày 07/03/2024", `href="`+receipt+`"`)
	e.page("GET", "/counter?data="+url.QueryEscape(" "+strings.ToLower(d.code)+" "), nil, cookie).html(200, d.code, `href="`+receipt+`"`)
	pdf := e.page("GET", receipt, nil, cookie).expect(200)
	if ct := pdf.header.Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(pdf.body, []byte("%PDF-")) {
		t.Errorf("receipt from the counter: %q, %.10q", ct, pdf.body)
	}
	e.page("GET", "/counter/dossiers/"+d.code+"/qr.png", nil, cookie).expect(200)
	e.page("GET", "/counter?data=xin+chao", nil, cookie).html(400, "Không đọc được mã")
	e.page("GET", "/counter?data="+url.QueryEscape(ward1Code+"-240304-0077"), nil, cookie).html(404, "Không tìm thấy hồ sơ")

	// Another ward's counter does not find it; the cookie is not a bearer token elsewhere.
	other := e.counterLogin("ward2.reception")
	e.page("GET", "/counter?data="+url.QueryEscape(d.lookupURL), nil, other).html(404, "Không tìm thấy hồ sơ").lacks(pubName)
	e.page("GET", receipt, nil, other).problem(404, "not_found")
	e.page("GET", "/api/v1/dossiers/"+d.code, nil, cookie).problem(401, "unauthorized")
	// A reporter may log in but not use the counter.
	e.page("GET", "/counter", nil, e.counterLogin("city.reporter")).html(403, "Không có quyền")

	e.page("POST", "/counter/logout", url.Values{}, cookie).html(403)
	out := e.page("POST", "/counter/logout", url.Values{"csrf": {e.csrf(cookie)}}, cookie).expect(303)
	if c := out.header.Get("Set-Cookie"); !strings.Contains(c, "motcua_token=;") || !strings.Contains(strings.ToLower(c), "expires=") {
		t.Errorf("logout Set-Cookie = %q, want the cookie cleared", c)
	}
}
