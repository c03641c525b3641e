package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"motcua/desk"
	"motcua/domain"
)

// mustStart does what `motcua serve` does on start before it answers: it loads the shipped
// calendars (desk.LoadShippedCalendars) into e's database and judges the dossiers again (in
// serve that goes on in the background, here it is done before mustStart returns).
func (e *env) mustStart() desk.ShippedLoad {
	e.t.Helper()
	dk := desk.New(e.store, desk.Config{Now: e.clock.Now})
	res, err := dk.LoadShippedCalendars(context.Background(), "calendar-load")
	if err == nil && res.Rejudge != nil {
		err = dk.ProcessRejudges(context.Background())
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// TestCalendarFreshInstall: a fresh install counts with every shipped year and computes the
// rest from the law; it says which is which, and /readyz warns of a year in use that is only
// statutory.
func TestCalendarFreshInstall(t *testing.T) {
	e := mustEnv(t)
	if res := e.mustStart(); fmt.Sprint(res.Loaded) != "[2024 2025 2026]" || len(res.KeptSet) != 0 {
		t.Fatalf("start loaded %v, kept %v; want 2024–2026 loaded", res.Loaded, res.KeptSet)
	}
	e.mustProcedure(procCode, 3, false)

	// Friday 13/2/2026 10:00, 3 working days: Tết Bính Ngọ is off from 14/2 to 22/2, so Monday
	// 23/2, Tuesday 24/2 and Wednesday 25/2 until 10:00.
	e.setNow(vn("2026-02-13 10:00"))
	d := e.mustIntake("ward1.reception", ward1Code, procCode)
	if d["due_at"] != "2026-02-25T10:00:00+07:00" {
		t.Errorf("due_at = %v, want Wednesday 25/2/2026 10:00", d["due_at"])
	}
	code := d["code"].(string)
	pdf := e.do("GET", "/api/v1/dossiers/"+code+"/receipt.pdf", "ward1.reception", nil).expect(200)
	if text := pdfText(t, pdf.body); !strings.Contains(text, "trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 25 tháng 02 năm 2026") {
		t.Errorf("the receipt does not print Wednesday 25/2/2026: %s", text)
	}
	dl := e.do("GET", "/api/v1/dossiers/"+code+"/deadline", "ward1.reception", nil).
		expect(200, `"calendar_years":[{"year":2026,"source":"announced","provisional":false}]`, `"missing_years":[]`).json()
	if steps := fmt.Sprint(dl["deadline"].(map[string]any)["steps"]); !strings.Contains(steps, "Năm 2026: tính theo lịch nghỉ lễ, Tết đã công bố") {
		t.Errorf("the explanation does not name 2026's calendar: %s", steps)
	}

	e.do("GET", "/api/v1/calendar/2026", "admin", nil).expect(200, `"source":"announced"`, `"provisional":false`,
		`"2026-02-16"`, `"2026-08-31"`, `"extra_workdays":["2026-08-22"]`, `Công văn 9859/VPCP-KGVX`)
	// 2027 is computed: 1/1, Tết (mùng 1 Saturday 6/2) from Friday 5/2, made up on Wednesday 10/2
	// and Thursday 11/2; 10/3 lunar Friday 16/4; 30/4; 1/5 Saturday → Monday 3/5; 1/9 and 2/9.
	e.do("GET", "/api/v1/calendar/2027", "admin", nil).expect(200, `"source":"statutory"`, `"provisional":true`,
		`"holidays":["2027-01-01","2027-02-05","2027-02-08","2027-02-09","2027-02-10","2027-02-11","2027-04-16","2027-04-30","2027-05-03","2027-09-01","2027-09-02"]`,
		`"extra_workdays":[]`, `điều 112`)
	e.do("GET", "/api/v1/calendar/1999", "admin", nil).problem(400, "invalid_input", "year")

	// In December 2026, 2027 is in use and only statutory: ready, with a warning.
	e.setNow(vn("2026-12-02 09:00"))
	e.do("GET", "/readyz", "", nil).expect(200, `"status":"ready"`, `"warnings":["calendar 2027: statutory holidays only`,
		`{"provisional":false,"source":"announced","year":2026}`, `{"provisional":true,"source":"statutory","year":2027}`)
	// A deadline from 2026 into 2027 names both years' calendars.
	e.setNow(vn("2026-12-30 10:00"))
	late := e.mustIntake("ward1.reception", ward1Code, procCode)["code"].(string)
	e.do("GET", "/api/v1/dossiers/"+late+"/deadline", "ward1.reception", nil).expect(200,
		`"calendar_years":[{"year":2026,"source":"announced","provisional":false},{"year":2027,"source":"statutory","provisional":true}]`,
		`tạm tính các ngày nghỉ lễ, Tết theo Bộ luật Lao động 2019 điều 112`, `"due_at":"2027-01-05T10:00:00+07:00"`)
}

// TestCalendarShippedOnStart: a start loads a shipped year that replaces a statutory one and
// judges the dossiers again; it never replaces a year an admin set; it corrects an announced
// year a later release changed; a second start changes nothing.
func TestCalendarShippedOnStart(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, false)
	// Before the calendars are loaded, Friday 28/8/2026 10:00 counts with the statutory 2026:
	// 1/9 and 2/9 off, so Monday 31/8, Thursday 3/9 and Friday 4/9 10:00.
	e.setNow(vn("2026-08-28 10:00"))
	code := e.mustIntake("ward1.reception", ward1Code, procCode)["code"].(string)
	e.do("GET", "/api/v1/dossiers/"+code, "ward1.specialist", nil).expect(200, `"due_at":"2026-09-04T10:00:00+07:00"`)
	e.do("PUT", "/api/v1/calendar/2025", "admin", map[string]any{"holidays": []string{"2025-01-01"}, "notice": "office decision"}).
		expect(200, `"source":"custom"`, `"provisional":false`, `"notice":"office decision"`)

	res := e.mustStart()
	if fmt.Sprint(res.Loaded) != "[2024 2026]" || fmt.Sprint(res.KeptSet) != "[2025]" {
		t.Fatalf("start loaded %v, kept %v; want 2024 and 2026 loaded, 2025 kept", res.Loaded, res.KeptSet)
	}
	// The announced 2026 adds Monday 31/8 off: due Monday 7/9 10:00, with an event (the
	// judging may finish after the load returns).
	for i := 0; ; i++ {
		d := e.do("GET", "/api/v1/dossiers/"+code, "ward1.specialist", nil).expect(200)
		if strings.Contains(string(d.body), `"due_at":"2026-09-07T10:00:00+07:00"`) {
			d.expect(200, `"action":"recompute_due"`)
			break
		}
		if i == 100 {
			t.Fatalf("not judged again with the shipped 2026: %s", d.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.do("GET", "/api/v1/calendar/2025", "admin", nil).expect(200, `"source":"custom"`, `"holidays":["2025-01-01"]`)

	// A release that corrects 2026 reloads it; the same release again changes nothing.
	e.do("GET", "/api/v1/calendar/2026", "admin", nil).expect(200, `"source":"announced"`)
	old := domain.StatutoryYear(2026)
	old.Kind, old.Source = domain.CalendarAnnounced, "an older release"
	if err := e.store.PutCalendarYear(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	if res := e.mustStart(); fmt.Sprint(res.Loaded) != "[2026]" {
		t.Errorf("start after a correction loaded %v, want [2026]", res.Loaded)
	}
	if res := e.mustStart(); len(res.Loaded) != 0 {
		t.Errorf("a second start loaded %v, want nothing", res.Loaded)
	}
}

// TestCalendarShippedOnStart_Replicas: replicas starting at once load the same days once
// over; the year ends as shipped.
func TestCalendarShippedOnStart_Replicas(t *testing.T) {
	e := mustEnv(t)
	r := e.replica()
	errs := make(chan error, 2)
	for _, x := range []*env{e, r} {
		go func(x *env) {
			_, err := desk.New(x.store, desk.Config{Now: x.clock.Now}).LoadShippedCalendars(context.Background(), "calendar-load")
			errs <- err
		}(x)
	}
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, year := range []string{"2024", "2025", "2026"} {
		e.do("GET", "/api/v1/calendar/"+year, "admin", nil).expect(200, `"source":"announced"`)
	}
}
