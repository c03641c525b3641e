package api_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The reasons of an apology and of a supplement request are the citizen's to read; those of a
// pause or a withdrawal stay inside (pubReason).
const (
	pubApologyReason    = "Cần xác minh thêm nguồn gốc thửa đất"
	pubSupplementReason = "Bản sao giấy chứng sinh có chứng thực"
)

// publicLetters is what the public answer says of the apology and of an awaited supplement.
type publicLetters struct {
	Apology           map[string]any `json:"apology"`
	SupplementRequest map[string]any `json:"supplement_request"`
}

// publicAnswers reads the public answer of d by its token and by its code and phone, checks
// they are the same and hold nothing personal, and returns it.
func (e *env) publicAnswers(d pubDossier) (publicLetters, []byte) {
	e.t.Helper()
	byToken := e.do("GET", "/api/v1/public/dossiers/"+d.token, "", nil).expect(200)
	byCode := e.do("GET", "/api/v1/public/lookup?code="+d.code+"&phone_last4="+pubLast4, "", nil).expect(200)
	if !bytes.Equal(byToken.body, byCode.body) {
		e.t.Errorf("lookup answer %s differs from the token answer %s", byCode.body, byToken.body)
	}
	assertNoSecrets(e.t, "public answer", byToken.body)
	var v publicLetters
	if err := json.Unmarshal(byToken.body, &v); err != nil {
		e.t.Fatal(err)
	}
	return v, byToken.body
}

// checkObject checks a JSON object's keys and values.
func checkObject(t testing.TB, what string, got map[string]any, want map[string]any) {
	t.Helper()
	var gk, wk []string
	for k := range got {
		gk = append(gk, k)
	}
	for k := range want {
		wk = append(wk, k)
	}
	slices.Sort(gk)
	slices.Sort(wk)
	if !slices.Equal(gk, wk) {
		t.Errorf("%s has keys %v, want %v", what, gk, wk)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s.%s = %v, want %v", what, k, got[k], w)
		}
	}
}

// TestPublicApologyAndSupplement follows a dossier through a pause, a supplement request and
// an apology: the citizen's JSON answer and page say what is asked for and by when while it is
// awaited, and when the apology letter was issued, why and the new appointment — and nothing
// personal, nor the reasons of a pause.
func TestPublicApologyAndSupplement(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	page := func() response {
		t.Helper()
		r := e.page("GET", "/t/"+d.token, nil, "").html(200).lacks(pubName)
		assertNoSecrets(t, "citizen page", r.body)
		return r
	}

	// A pause keeps its reason inside.
	e.act("ward1.specialist", d.code, "start", nil)
	e.act("ward1.specialist", d.code, "pause", map[string]any{"reason": pubReason})
	if v, _ := e.publicAnswers(d); v.Apology != nil || v.SupplementRequest != nil {
		t.Errorf("a paused dossier's answer: %+v, want no apology and no supplement request", v)
	}
	page().lacks("Hồ sơ cần bổ sung", "Thư xin lỗi")
	e.advance(10 * time.Minute)
	e.act("ward1.specialist", d.code, "resume", nil)

	// A supplement request with a time to bring it by.
	e.advance(10 * time.Minute)
	e.act("ward1.specialist", d.code, "request_supplement", map[string]any{"reason": pubSupplementReason,
		"supplement_due_at": "2024-03-11T17:00:00+07:00"})
	v, _ := e.publicAnswers(d)
	checkObject(t, "supplement_request", v.SupplementRequest, map[string]any{"requested_at": "2024-03-04T09:20:00+07:00",
		"reason": pubSupplementReason, "due_at": "2024-03-11T17:00:00+07:00"})
	if v.Apology != nil {
		t.Errorf("apology = %v before any", v.Apology)
	}
	page().html(200, "Chờ bổ sung hồ sơ", "Hồ sơ cần bổ sung", "Cần bổ sung", pubSupplementReason, "09:20 ngày 04/03/2024",
		"Hạn nộp bổ sung", "17:00 ngày 11/03/2024").lacks("Thư xin lỗi")

	// Received: the request is no longer shown.
	e.advance(time.Hour)
	e.act("ward1.reception", d.code, "supplement", nil)
	if v, _ := e.publicAnswers(d); v.SupplementRequest != nil {
		t.Errorf("supplement_request = %v after the supplement came", v.SupplementRequest)
	}
	page().lacks("Hồ sơ cần bổ sung", pubSupplementReason)

	// Late, then the apology letter with a new appointment.
	e.setNow(vn("2024-03-08 09:00"))
	e.act("ward1.specialist", d.code, "apologize", map[string]any{"reason": pubApologyReason,
		"new_appointment_at": "2024-03-12T14:30:00+07:00"})
	v, _ = e.publicAnswers(d)
	checkObject(t, "apology", v.Apology, map[string]any{"issued_at": "2024-03-08T09:00:00+07:00", "reason": pubApologyReason,
		"new_appointment_at": "2024-03-12T14:30:00+07:00"})
	page().html(200, "Thư xin lỗi", "Ngày gửi thư xin lỗi", "09:00 ngày 08/03/2024", "Lý do chậm", pubApologyReason,
		"Ngày hẹn trả kết quả mới", "14:30 ngày 12/03/2024").lacks("Hồ sơ cần bổ sung")

	// Resolved and returned: the apology stays on the record.
	e.act("ward1.specialist", d.code, "resolve", map[string]any{"outcome": "approved"})
	e.act("ward1.reception", d.code, "return", map[string]any{"channel": "direct"})
	v, _ = e.publicAnswers(d)
	if v.Apology == nil || v.Apology["reason"] != pubApologyReason || v.SupplementRequest != nil {
		t.Errorf("a returned dossier's answer: %+v", v)
	}
	page().html(200, "Đã trả kết quả", "Thư xin lỗi", pubApologyReason)
}

// TestPublicSupplementWithoutTime: a supplement request need not say by when; a withdrawal's
// reason stays inside.
func TestPublicSupplementWithoutTime(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	e.act("ward1.reception", d.code, "request_supplement", map[string]any{"reason": pubSupplementReason})
	v, _ := e.publicAnswers(d)
	checkObject(t, "supplement_request", v.SupplementRequest, map[string]any{"requested_at": "2024-03-04T09:00:00+07:00",
		"reason": pubSupplementReason, "due_at": nil})
	e.page("GET", "/t/"+d.token, nil, "").html(200, "Hồ sơ cần bổ sung", pubSupplementReason).lacks("Hạn nộp bổ sung")

	e.act("ward1.reception", d.code, "withdraw", map[string]any{"reason": pubReason})
	if v, _ := e.publicAnswers(d); v.SupplementRequest != nil || v.Apology != nil {
		t.Errorf("a withdrawn dossier's answer: %+v", v)
	}
	r := e.page("GET", "/t/"+d.token, nil, "").html(200, "Đã rút hồ sơ").lacks("Hồ sơ cần bổ sung")
	assertNoSecrets(t, "page of a withdrawn dossier", r.body)
}

// TestSupplementDueAt checks the time a supplement is asked by: after the request, and only
// for a supplement request; a refused request changes nothing.
func TestSupplementDueAt(t *testing.T) {
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	e.act("ward1.specialist", d.code, "start", nil)
	for _, tt := range []struct {
		name, action string
		body         map[string]any
	}{
		{"before the request", "request_supplement", map[string]any{"reason": "x", "supplement_due_at": "2024-03-04T08:00:00+07:00"}},
		{"not a time", "request_supplement", map[string]any{"reason": "x", "supplement_due_at": "11/03/2024"}},
		{"another action", "pause", map[string]any{"reason": "x", "supplement_due_at": "2024-03-11T17:00:00+07:00"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.do("POST", "/api/v1/dossiers/"+d.code+"/actions/"+tt.action, "ward1.specialist", tt.body).
				problem(400, "invalid_input", "supplement_due_at")
		})
	}
	got := e.do("GET", "/api/v1/dossiers/"+d.code, "ward1.specialist", nil).expect(200).json()
	if got["status"] != "processing" || got["version"] != float64(2) {
		t.Errorf("after refused requests: status %v, version %v; want processing, 2", got["status"], got["version"])
	}
}

// TestBrowserCitizenLetters shows the citizen's page in a browser, on a phone and on a desk's
// screen, while a supplement is awaited and after an apology.
func TestBrowserCitizenLetters(t *testing.T) {
	needChromium(t)
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	url := e.base + "/t/" + d.token
	shoot := func(name string) {
		t.Helper()
		dir := os.Getenv("MOTCUA_ARTIFACTS")
		if dir == "" {
			dir = t.TempDir()
		}
		for _, size := range []string{"412,915", "1366,768"} {
			path := filepath.Join(dir, name+"-"+strings.Replace(size, ",", "x", 1)+".png")
			chromium(t, "--screenshot="+path, "--window-size="+size, url)
			if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
				t.Fatalf("no screenshot %s: %v", path, err)
			}
			t.Logf("screenshot: %s", path)
		}
	}

	e.act("ward1.reception", d.code, "request_supplement", map[string]any{"reason": pubSupplementReason,
		"supplement_due_at": "2024-03-11T17:00:00+07:00"})
	text := visibleText(chromium(t, "--dump-dom", url))
	for _, want := range []string{"Hồ sơ cần bổ sung", "Cần bổ sung " + pubSupplementReason, "Hạn nộp bổ sung 17:00 ngày 11/03/2024"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page shows no %q: %s", want, text)
		}
	}
	shoot("citizen-supplement")

	e.act("ward1.reception", d.code, "supplement", nil)
	e.setNow(vn("2024-03-08 09:00"))
	e.act("ward1.specialist", d.code, "apologize", map[string]any{"reason": pubApologyReason,
		"new_appointment_at": "2024-03-12T14:30:00+07:00"})
	dom := chromium(t, "--dump-dom", url)
	text = visibleText(dom)
	for _, want := range []string{"Thư xin lỗi", "Ngày gửi thư xin lỗi 09:00 ngày 08/03/2024", "Lý do chậm " + pubApologyReason,
		"Ngày hẹn trả kết quả mới 14:30 ngày 12/03/2024"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page shows no %q: %s", want, text)
		}
	}
	if strings.Contains(text, "Hồ sơ cần bổ sung") {
		t.Errorf("the page still shows the supplement request: %s", text)
	}
	assertNoSecrets(t, "the page in the browser", dom)
	shoot("citizen-apology")
}
