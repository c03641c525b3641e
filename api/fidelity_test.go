package api_test

import (
	"fmt"
	"strings"
	"testing"
)

// The figures of the report judged from each dossier's history: one test per finding of the
// probe dossiers, each back-dated by an admin with received_at and at, through the HTTP API.
// The clock stands in June 2024; March 2024 has no public holiday, so a limit of 3 working
// days taken in on Monday 4/3 at 09:00 is due on Thursday 7/3 at 09:00.

// probe takes a dossier in at ward 1 at the given local time, as the admin back-entering it.
func (e *env) probe(received string, extra map[string]any) string {
	e.t.Helper()
	body := map[string]any{"agency_code": ward1Code, "procedure_code": procCode, "channel": "direct",
		"received_at": vnRFC(received), "applicant": map[string]any{"name": "Hồ Sơ Thử", "phone": "0912345678"}}
	for k, v := range extra {
		body[k] = v
	}
	return e.do("POST", "/api/v1/dossiers", "admin", body).expect(201).json()["code"].(string)
}

// actAt takes action on code at the given local time, as the admin.
func (e *env) actAt(code, action, at string, body map[string]any) map[string]any {
	e.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	body["at"] = vnRFC(at)
	return e.do("POST", "/api/v1/dossiers/"+code+"/actions/"+action, "admin", body).expect(200).json()
}

// vnRFC turns "2024-03-04 09:00[:ss]" local time into RFC 3339.
func vnRFC(s string) string {
	if len(s) == len("2024-03-04 09:00") {
		s += ":00"
	}
	return strings.Replace(s, " ", "T", 1) + "+07:00"
}

// marchFigures returns ward 1's commune figures for a month of 2024 (calendar cut-off), live.
func (e *env) monthFigures(month int) map[string]any {
	e.t.Helper()
	app := e.do("GET", fmt.Sprintf("/api/v1/reports/appendix?agency_code=%s&period=2024&kind=month&number=%d&cutoff=calendar&live=true",
		ward1Code, month), "admin", nil).expect(200).json()
	return app["section_iii"].(map[string]any)["dossiers"].(map[string]any)["commune"].(map[string]any)
}

func wantFigures(t *testing.T, what string, got map[string]any, want map[string]float64) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s = %v, want %v (all: %v)", what, k, got[k], v, got)
		}
	}
}

func newFidelityEnv(t *testing.T) *env {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, true)
	e.setNow(vn("2024-06-03 09:00"))
	return e
}

func TestFidelityPausedBeforeDueIsNotOverdue(t *testing.T) {
	e := newFidelityEnv(t)
	code := e.probe("2024-03-04 09:00", nil)
	e.actAt(code, "start", "2024-03-04 10:00", nil)
	e.actAt(code, "pause", "2024-03-05 10:00", map[string]any{"reason": "Chờ nộp thuế"})
	d := e.do("GET", "/api/v1/dossiers/"+code, "admin", nil).expect(200).json()
	if d["overdue"] != false || d["late_since"] != nil {
		t.Errorf("paused before its due time: overdue %v, late_since %v", d["overdue"], d["late_since"])
	}
	for _, m := range []int{3, 4, 5} {
		wantFigures(t, fmt.Sprintf("month %d", m), e.monthFigures(m), map[string]float64{"pending": 1, "pending_within": 1, "pending_overdue": 0})
	}
	e.do("GET", "/api/v1/dossiers?overdue=true", "admin", nil).expect(200, `"items":[]`)
}

func TestFidelityPastPeriodsKeepTheirOverdue(t *testing.T) {
	e := newFidelityEnv(t)
	code := e.probe("2024-03-04 09:00", nil)
	e.actAt(code, "start", "2024-03-04 10:00", nil)
	// Overdue since 7/3; the supplement asked on 5/4 and supplied on 8/4 gives a new limit.
	e.actAt(code, "request_supplement", "2024-04-05 09:00", map[string]any{"reason": "Thiếu bản sao"})
	d := e.actAt(code, "supplement", "2024-04-08 09:00", nil)
	if !strings.HasPrefix(d["due_at"].(string), "2024-04-11T09:00:00") {
		t.Errorf("due_at after the supplement = %v, want the new limit 2024-04-11 09:00", d["due_at"])
	}
	// March, computed now, counts it as it stood at the end of March: overdue.
	wantFigures(t, "March", e.monthFigures(3), map[string]float64{"pending": 1, "pending_overdue": 1})
	// Late it stays: April and May too.
	wantFigures(t, "April", e.monthFigures(4), map[string]float64{"pending": 1, "pending_overdue": 1})
	d = e.do("GET", "/api/v1/dossiers/"+code, "admin", nil).expect(200).json()
	if d["overdue"] != true || !strings.HasPrefix(fmt.Sprint(d["late_since"]), "2024-03-07T09:01:00") {
		t.Errorf("overdue %v since %v, want since 2024-03-07 09:01", d["overdue"], d["late_since"])
	}
	// The event that found it late says since when.
	found := false
	for _, ev := range d["events"].([]any) {
		if det, ok := ev.(map[string]any)["details"].(map[string]any); ok && det["late_since"] != nil {
			found = ev.(map[string]any)["action"] == "request_supplement"
		}
	}
	if !found {
		t.Errorf("no event says since when the dossier is late: %v", d["events"])
	}
}

func TestFidelityLatenessCannotBeErased(t *testing.T) {
	e := newFidelityEnv(t)
	code := e.probe("2024-03-04 09:00", nil)
	e.actAt(code, "start", "2024-03-04 10:00", nil)
	e.actAt(code, "request_supplement", "2024-03-14 09:00", map[string]any{"reason": "Thiếu bản sao"})
	e.actAt(code, "supplement", "2024-03-15 09:00", nil)
	d := e.actAt(code, "resolve", "2024-03-18 09:00", map[string]any{"outcome": "approved"})
	if d["timeliness"] != "late" {
		t.Errorf("timeliness = %v, want late: it was overdue before the supplement was asked", d["timeliness"])
	}
	wantFigures(t, "March", e.monthFigures(3), map[string]float64{"resolved": 1, "late": 1, "early": 0})
}

func TestFidelityLateApologyIsNotCompliant(t *testing.T) {
	e := newFidelityEnv(t)
	inTime := e.probe("2024-03-04 09:00", nil)
	e.actAt(inTime, "apologize", "2024-03-05 09:00", map[string]any{"reason": "Chờ xác minh", "new_appointment_at": vnRFC("2024-03-12 09:00")})
	e.actAt(inTime, "resolve", "2024-03-11 09:00", map[string]any{"outcome": "approved"})
	late := e.probe("2024-03-04 09:00", nil)
	d := e.actAt(late, "apologize", "2024-03-06 15:00", map[string]any{"reason": "Chờ xác minh", "new_appointment_at": vnRFC("2024-03-12 09:00")})
	if d["apology_late"] != true {
		t.Errorf("apology with less than a working day left: apology_late = %v", d["apology_late"])
	}
	e.actAt(late, "resolve", "2024-03-11 09:00", map[string]any{"outcome": "approved"})
	wantFigures(t, "March", e.monthFigures(3), map[string]float64{"late": 2, "late_with_apology": 1, "late_with_late_apology": 1})
}

func TestFidelityPublishedAtOtherLevelsNotCounted(t *testing.T) {
	e := newFidelityEnv(t)
	e.do("POST", "/api/v1/procedures", "admin", map[string]any{
		"code": "2.000001.000.00.00.H50", "name": "Thủ tục cấp tỉnh", "field": "Đất đai", "level": "province", "time_limit_days": 10,
		"online_eligible": "none", "online_provided": "none", "national_portal": false, "fee": false, "online_payment": false,
		"postal": false, "interlinked_same_level": false, "interlinked_cross_level": false, "published_on": "2024-03-10",
	}).expect(201)
	e.do("PUT", "/api/v1/procedures/2.000001.000.00.00.H50", "admin", map[string]any{
		"name": "Thủ tục cấp tỉnh", "field": "Đất đai", "level": "province", "time_limit_days": 10,
		"online_eligible": "none", "online_provided": "none", "national_portal": false, "fee": false, "online_payment": false,
		"postal": false, "interlinked_same_level": false, "interlinked_cross_level": false, "published_on": "2024-03-10",
		"repealed_on": "2024-03-20", "effective_on": "2024-03-20",
	}).expect(200)
	app := e.do("GET", "/api/v1/reports/appendix?agency_code="+cityCode+"&period=2024&kind=month&number=3&cutoff=calendar&live=true",
		"admin", nil).expect(200).json()
	s3 := app["section_iii"].(map[string]any)
	if s3["procedures_published"] != float64(0) || s3["procedures_repealed"] != float64(0) {
		t.Errorf("a province's procedure counts in a city's report: published %v, repealed %v", s3["procedures_published"], s3["procedures_repealed"])
	}
}

func TestFidelityDueTimesOnTheMinute(t *testing.T) {
	e := newFidelityEnv(t)
	code := e.probe("2024-03-04 10:00:37", nil)
	d := e.do("GET", "/api/v1/dossiers/"+code, "admin", nil).expect(200).json()
	if d["due_at"] != "2024-03-07T10:00:00+07:00" {
		t.Errorf("due_at = %v, want 2024-03-07T10:00:00+07:00 (the receipt prints 10 giờ 00 phút)", d["due_at"])
	}
	d = e.actAt(code, "resolve", "2024-03-07 10:00:50", map[string]any{"outcome": "approved"})
	if d["timeliness"] != "on_time" {
		t.Errorf("resolved within the printed minute: timeliness %v, want on_time", d["timeliness"])
	}
	late := e.probe("2024-03-04 10:00:37", nil)
	if d := e.actAt(late, "resolve", "2024-03-07 10:01:00", map[string]any{"outcome": "approved"}); d["timeliness"] != "late" {
		t.Errorf("resolved the minute after: timeliness %v, want late", d["timeliness"])
	}
}

func TestFidelityTransfer(t *testing.T) {
	e := newFidelityEnv(t)
	morning := e.probe("2024-03-04 10:00", nil)
	evening := e.probe("2024-03-04 16:00", nil)
	for code, want := range map[string]string{morning: "2024-03-04T17:00:00+07:00", evening: "2024-03-05T07:00:00+07:00"} {
		if got := e.do("GET", "/api/v1/dossiers/"+code, "admin", nil).expect(200).json()["transfer_due_at"]; got != want {
			t.Errorf("%s: transfer_due_at = %v, want %v", code, got, want)
		}
	}
	e.actAt(morning, "start", "2024-03-04 11:00", nil)
	// Now (June) the evening one is still at the desk: not passed on in time.
	list := e.do("GET", "/api/v1/dossiers?transfer_overdue=true", "admin", nil).expect(200).json()["items"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["code"] != evening {
		t.Errorf("transfer_overdue = %v, want only %s", list, evening)
	}
	dl := e.do("GET", "/api/v1/dossiers/"+morning+"/deadline", "admin", nil).expect(200).json()["deadline"].(map[string]any)
	if dl["transfer_due_at"] != "2024-03-04T17:00:00+07:00" || dl["transferred_at"] != "2024-03-04T11:00:00+07:00" {
		t.Errorf("deadline transfer = %v, %v", dl["transfer_due_at"], dl["transferred_at"])
	}
	if steps := fmt.Sprint(dl["steps"]); !strings.Contains(steps, "chuyển hồ sơ") {
		t.Errorf("the explanation does not show the transfer: %s", steps)
	}
	e.do("GET", "/api/v1/dossiers?transfer_overdue=maybe", "admin", nil).problem(400, "invalid_input", "transfer_overdue")
}

func TestFidelityPostalHandOver(t *testing.T) {
	e := newFidelityEnv(t)
	e.setNow(vn("2024-03-05 09:30")) // Tuesday; the hand-over record was signed on Monday afternoon
	body := func(channel, handedOver string) map[string]any {
		return map[string]any{"agency_code": ward1Code, "procedure_code": procCode, "channel": channel,
			"handed_over_at": vnRFC(handedOver), "applicant": map[string]any{"name": "Hồ Sơ Bưu Chính"}}
	}
	d := e.do("POST", "/api/v1/dossiers", "ward1.reception", body("postal", "2024-03-04 16:30")).expect(201).json()
	if d["received_at"] != "2024-03-04T16:30:00+07:00" || d["handed_over_at"] != "2024-03-04T16:30:00+07:00" ||
		d["recorded_at"] != "2024-03-05T09:30:00+07:00" {
		t.Errorf("received %v, handed over %v, recorded %v", d["received_at"], d["handed_over_at"], d["recorded_at"])
	}
	// The clock starts at the hand-over: 16:30 Monday + 24 working hours = Thursday 16:30.
	if d["due_at"] != "2024-03-07T16:30:00+07:00" || !strings.Contains(d["code"].(string), "-240304-") {
		t.Errorf("due %v, code %v: want due from the hand-over, code of its day", d["due_at"], d["code"])
	}
	e.do("POST", "/api/v1/dossiers", "ward1.reception", body("direct", "2024-03-04 16:30")).problem(400, "invalid_input", "handed_over_at")
	e.do("POST", "/api/v1/dossiers", "ward1.reception", body("postal", "2024-03-01 16:30")).problem(400, "invalid_input", "handed_over_at")
	e.do("POST", "/api/v1/dossiers", "ward1.reception", body("postal", "2024-03-05 10:30")).problem(400, "invalid_input", "handed_over_at")
	// An admin back-dating the intake may give an earlier hand-over.
	admin := body("postal", "2024-02-28 15:00")
	admin["received_at"] = vnRFC("2024-03-01 08:00")
	e.do("POST", "/api/v1/dossiers", "admin", admin).expect(201, `"received_at":"2024-02-28T15:00:00+07:00"`)
	// The receipt prints the legal intake time.
	pdf := e.do("GET", "/api/v1/dossiers/"+d["code"].(string)+"/receipt.pdf", "ward1.reception", nil).expect(200)
	if text := pdfText(t, pdf.body); !strings.Contains(text, "16 giờ 30 phút") {
		t.Errorf("the receipt does not print the hand-over time: %s", text)
	}
}

func TestFidelitySurveysAndOnlinePerLevel(t *testing.T) {
	e := newFidelityEnv(t)
	e.setNow(vn("2024-03-20 09:00"))
	code := e.probe("2024-03-04 09:00", nil)
	e.actAt(code, "resolve", "2024-03-05 09:00", map[string]any{"outcome": "approved"})
	d := e.actAt(code, "return", "2024-03-05 10:00", map[string]any{"channel": "direct"})
	token := d["lookup_url"].(string)[strings.LastIndex(d["lookup_url"].(string), "/")+1:]
	e.do("POST", "/api/v1/public/dossiers/"+token+"/survey", "", map[string]any{"satisfied": true}).expect(201)
	e.setNow(vn("2024-06-03 09:00"))
	app := e.do("GET", "/api/v1/reports/appendix?agency_code="+cityCode+"&period=2024&kind=month&number=3&cutoff=calendar&live=true",
		"admin", nil).expect(200).json()
	sv := app["section_i"].(map[string]any)["surveys"].(map[string]any)
	if sv["surveyed"] != float64(1) || sv["satisfied"] != float64(1) || sv["satisfied_rate"] != float64(100) {
		t.Errorf("section_i.surveys = %v, want 1 surveyed, 1 satisfied, 100%%", sv)
	}
	byLevel := app["section_vii"].(map[string]any)["online_by_level"].(map[string]any)
	if _, ok := byLevel["commune"]; !ok || len(byLevel) != 2 {
		t.Errorf("online_by_level = %v, want the district and the commune", byLevel)
	}
	e.do("PUT", "/api/v1/reports/manual?agency_code="+cityCode+"&period=2024&kind=month&number=3&cutoff=calendar", "admin",
		map[string]any{"figures": map[string]any{"survey_satisfaction_rate": 90}}).problem(400, "invalid_input", "figures.survey_satisfaction_rate")
}

// A report of a period still running counts up to today, not as at its end: a dossier taken
// in today with three working days to go is within its time, not overdue at the year's end.
func TestFidelityRunningPeriodCountsToToday(t *testing.T) {
	e := newFidelityEnv(t) // the clock stands on Monday 3/6/2024 at 09:00
	e.probe("2024-06-03 08:30", nil)
	late := e.probe("2024-05-27 08:30", nil) // due Thursday 30/5 at 08:30: overdue today
	e.actAt(late, "start", "2024-05-27 09:00", nil)
	for _, kind := range []string{"year&number=0", "month&number=6"} {
		app := e.do("GET", "/api/v1/reports/appendix?agency_code="+ward1Code+"&period=2024&kind="+kind+"&cutoff=calendar&live=true",
			"admin", nil).expect(200).json()
		if to := app["period"].(map[string]any)["to"]; to != "2024-06-03" {
			t.Errorf("%s: period.to = %v, want today 2024-06-03", kind, to)
		}
		got := app["section_iii"].(map[string]any)["dossiers"].(map[string]any)["commune"].(map[string]any)
		if kind == "year&number=0" {
			wantFigures(t, "the year so far", got, map[string]float64{"received": 2, "pending": 2, "pending_within": 1, "pending_overdue": 1})
		} else {
			wantFigures(t, "June so far", got, map[string]float64{"received": 2, "new": 1, "pending": 2, "pending_within": 1, "pending_overdue": 1})
		}
	}
	// A period over is judged at its end, whenever it is asked for.
	wantFigures(t, "May", e.monthFigures(5), map[string]float64{"received": 1, "pending": 1, "pending_overdue": 1})
}
