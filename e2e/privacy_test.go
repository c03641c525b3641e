package e2e

import (
	"log"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"motcua/qr"
)

// The applicant of the privacy flow: values distinctive enough to find anywhere.
const (
	secretName    = "Trần Thị Riêng Tư"
	secretID      = "079199900123"
	secretPhone   = "0987654321"
	secretEmail   = "tran.rieng.tu@example.vn"
	secretAddress = "99 Đường Bí Mật, Phường 9"
	userPassword  = "Mật-khẩu-rất-riêng-123"
)

// TestPersonalDataStaysOutOfLogs runs a dossier's whole life, public lookups, receipts and some
// failing requests with the server's logs (and the process's default loggers) captured, and
// checks that no log line holds the applicant's identity number, phone, e-mail or address, nor
// a password; that the public answers show none of them either; that passwords are stored as
// bcrypt hashes; that login tokens expire; and that the HTML pages carry the security headers.
func TestPersonalDataStaysOutOfLogs(t *testing.T) {
	global := &syncBuffer{}
	oldSlog, oldLog := slog.Default(), log.Writer()
	slog.SetDefault(slog.New(slog.NewJSONHandler(global, nil)))
	log.SetOutput(global)
	t.Cleanup(func() { slog.SetDefault(oldSlog); log.SetOutput(oldLog) })

	h := newHarness(t)
	h.mustProcedure()
	admin, reception, specialist := h.token("admin"), h.token("ward1.reception"), h.token("ward1.specialist")
	body := intakeBody(ward1Code, secretName)
	body["applicant"] = map[string]any{"name": secretName, "id_number": secretID, "phone": secretPhone, "email": secretEmail, "address": secretAddress}
	d := h.must(201, request{Method: "POST", Path: "/api/v1/dossiers", Token: reception, Body: body,
		Headers: map[string]string{"Idempotency-Key": "privacy-1"}}).json()
	code := d["code"].(string)
	lookup, _ := qr.TokenFromURL(d["lookup_url"].(string))
	act := func(token, action string, b map[string]any) {
		t.Helper()
		h.must(200, request{Method: "POST", Path: "/api/v1/dossiers/" + code + "/actions/" + action, Token: token, Body: b})
	}
	act(specialist, "start", nil)
	act(specialist, "request_supplement", map[string]any{"reason": "Thiếu bản sao CCCD"})
	act(reception, "supplement", map[string]any{"note": "Đã nộp bổ sung"})
	act(specialist, "pause", map[string]any{"reason": "Chờ nộp thuế"})
	act(specialist, "resume", nil)
	act(specialist, "apologize", map[string]any{"reason": "Cần xác minh", "new_appointment_at": "2024-03-20T10:00:00+07:00"})
	act(specialist, "resolve", map[string]any{"outcome": "approved"})
	act(reception, "return", map[string]any{"channel": "direct"})

	pub := &rotator{h: h, per: 20}
	publicReads := []request{
		{Method: "GET", Path: "/api/v1/public/dossiers/" + lookup},
		{Method: "GET", Path: "/api/v1/public/lookup?code=" + code + "&phone_last4=" + secretPhone[len(secretPhone)-4:]},
		{Method: "GET", Path: "/t/" + lookup},
	}
	for _, req := range publicReads {
		res, err := send(pub.next(), req)
		if err != nil || res.Status != 200 {
			t.Fatalf("%s: %v %s", req.Path, err, res)
		}
		for _, v := range []string{secretID, secretPhone, secretEmail, secretAddress, secretName} {
			if strings.Contains(string(res.Body), v) {
				t.Errorf("the public answer %s shows %q", req.Path, v)
			}
		}
	}
	if res, _ := send(pub.next(), request{Method: "POST", Path: "/api/v1/public/dossiers/" + lookup + "/survey", Body: map[string]any{"satisfied": true, "comment": "Gọi " + secretPhone}}); res.Status != 201 {
		t.Errorf("survey: %s", res)
	}
	cookie := map[string]string{"Cookie": "motcua_token=" + reception}
	for _, req := range []request{
		{Method: "GET", Path: "/api/v1/dossiers/" + code, Token: reception},
		{Method: "GET", Path: "/api/v1/dossiers?q=" + secretPhone, Token: reception},
		{Method: "GET", Path: "/api/v1/dossiers?q=" + url.QueryEscape("tran thi rieng"), Token: reception},
		{Method: "GET", Path: "/api/v1/scan?data=" + url.QueryEscape(d["lookup_url"].(string)), Token: reception},
		{Method: "GET", Path: "/api/v1/dossiers/" + code + "/receipt.pdf", Token: reception},
		{Method: "GET", Path: "/api/v1/dossiers/" + code + "/apology.pdf", Token: reception},
		{Method: "GET", Path: "/api/v1/dossiers/" + code + "/qr.png", Token: reception},
		{Method: "GET", Path: "/counter?data=" + code, Headers: cookie},
	} {
		if res := h.do(req); res.Status != 200 {
			t.Errorf("%s: %s", req.Path, res)
		} else if req.Path == "/api/v1/dossiers/"+code && !strings.Contains(string(res.Body), secretID) {
			t.Errorf("staff do not see the identity number: %s", res)
		}
	}
	// Failing requests that carry personal data.
	bad := intakeBody(ward1Code, secretName)
	bad["applicant"] = map[string]any{"name": secretName, "id_number": secretID + "!", "phone": secretPhone, "email": secretEmail, "address": secretAddress}
	h.must(400, request{Method: "POST", Path: "/api/v1/dossiers", Token: reception, Body: bad})
	h.must(403, request{Method: "POST", Path: "/api/v1/dossiers", Token: h.token("ward2.reception"), Body: body})
	h.must(422, request{Method: "POST", Path: "/api/v1/imports/dossiers", Token: admin, Type: "text/csv",
		Body: csvHeader + "\n," + ward1Code + "," + procCode + "," + secretName + "," + secretID + "," + secretPhone + ",fax,direct,2024-03-01T08:00:00+07:00,,,,,,,\n"})
	h.must(401, request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"username": "ward1.reception", "password": userPassword}})
	h.must(400, request{Method: "GET", Path: "/api/v1/dossiers?q=" + secretID + "&status=nope", Token: reception})
	// A user created through the API, with a distinctive password.
	u := h.must(201, request{Method: "POST", Path: "/api/v1/users", Token: admin, Body: map[string]any{
		"username": "privacy.user", "password": userPassword, "roles": []string{"reception"}, "agency_code": ward1Code}})
	if strings.Contains(string(u.Body), "password") || strings.Contains(string(u.Body), "$2") {
		t.Errorf("the created user's answer shows its password or hash: %s", u.Body)
	}
	login(t, h.base, "privacy.user", userPassword)

	// The logs.
	logs := h.logs.String() + global.String()
	if !strings.Contains(logs, `"request"`) {
		t.Fatalf("no request was logged; the capture is broken:\n%s", tail(logs, 500))
	}
	checkLogsHoldNoPersonalData(t, logs, secretID, secretPhone, secretEmail, secretAddress, userPassword, password, "Thiếu bản sao CCCD")

	// Passwords are bcrypt hashes, of a decent cost, and nothing else in the users table holds them.
	var users []map[string]any
	if err := h.st.DB().Raw(`SELECT * FROM users`).Scan(&users).Error; err != nil {
		t.Fatal(err)
	}
	for _, row := range users {
		hash, _ := row["password_hash"].(string)
		cost, err := bcrypt.Cost([]byte(hash))
		if err != nil || cost < bcrypt.DefaultCost || !strings.HasPrefix(hash, "$2") {
			t.Errorf("user %v: password_hash %q is not a bcrypt hash of cost ≥ %d (%v)", row["username"], hash, bcrypt.DefaultCost, err)
		}
		for col, v := range row {
			if s, ok := v.(string); ok && (strings.Contains(s, userPassword) || strings.Contains(s, password)) {
				t.Errorf("user %v: column %s holds a password in clear", row["username"], col)
			}
		}
		if row["username"] == "privacy.user" && bcrypt.CompareHashAndPassword([]byte(hash), []byte(userPassword)) != nil {
			t.Errorf("privacy.user's hash does not match its password")
		}
	}

	// Tokens expire: 12 hours after login, the token and the counter's cookie are refused.
	fresh := login(t, h.base, "ward1.specialist", password)
	h.must(200, request{Method: "GET", Path: "/api/v1/dossiers/" + code, Token: fresh})
	h.clock.Add(12*time.Hour - time.Minute)
	h.must(200, request{Method: "GET", Path: "/api/v1/dossiers/" + code, Token: fresh})
	h.clock.Add(2 * time.Minute)
	h.must(401, request{Method: "GET", Path: "/api/v1/dossiers/" + code, Token: fresh})
	if res := h.do(request{Method: "GET", Path: "/counter", Headers: map[string]string{"Cookie": "motcua_token=" + fresh}}); res.Status != 303 {
		t.Errorf("an expired counter cookie: %s, want 303 to the login form", res)
	}

	// Security headers on the HTML pages (and the API), and the counter's cookie flags.
	h.clock.Add(-12 * time.Hour)
	pages := []struct {
		req     request
		base    string
		noStore bool
	}{
		{request{Method: "GET", Path: "/t/" + lookup}, pub.next(), true},
		{request{Method: "GET", Path: "/t/not-a-token"}, pub.next(), true},
		{request{Method: "GET", Path: "/counter/login"}, h.base, true},
		{request{Method: "GET", Path: "/counter?data=" + code, Headers: map[string]string{"Cookie": "motcua_token=" + login(t, h.base, "ward1.reception", password)}}, h.base, true},
		{request{Method: "GET", Path: "/api/v1/dossiers/" + code, Token: reception}, h.base, false},
		{request{Method: "GET", Path: "/api/v1/public/dossiers/" + lookup}, pub.next(), true},
	}
	for _, p := range pages {
		res, err := send(p.base, p.req)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}
		for k, v := range want {
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", p.req.Path, k, got, v)
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script-src") && strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: Content-Security-Policy %q", p.req.Path, csp)
		}
		if p.noStore && !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
			t.Errorf("%s: Cache-Control %q, want no-store", p.req.Path, res.Header.Get("Cache-Control"))
		}
	}
	res := h.do(request{Method: "POST", Path: "/counter/login", Type: "application/x-www-form-urlencoded",
		Body: "username=ward1.reception&password=" + url.QueryEscape(password)})
	c := res.Header.Get("Set-Cookie")
	if res.Status != 303 || !strings.Contains(c, "HttpOnly") || !strings.Contains(strings.ToLower(c), "samesite=strict") {
		t.Errorf("counter login: %d, cookie %q: want HttpOnly and SameSite=Strict", res.Status, c)
	}
	checkLogsHoldNoPersonalData(t, h.logs.String()+global.String(), secretID, secretPhone, secretEmail, secretAddress, userPassword, password)
}
