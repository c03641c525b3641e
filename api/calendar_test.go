package api_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestCalendar(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, false)
	open := e.mustIntake("ward1.reception", ward1Code, procCode)["code"].(string)
	done := e.mustIntake("ward1.reception", ward1Code, procCode)["code"].(string)
	e.do("POST", "/api/v1/dossiers/"+done+"/actions/resolve", "ward1.specialist", map[string]any{"outcome": "approved"}).expect(200)

	bad := []struct {
		name  string
		body  any
		field string
	}{
		{"not a date", map[string]any{"holidays": []string{"2024-02-30"}}, "holidays[0]"},
		{"other year", map[string]any{"holidays": []string{"2023-12-31"}}, "holidays[0]"},
		{"holiday and workday", map[string]any{"holidays": []string{"2024-03-05"}, "extra_workdays": []string{"2024-03-05"}}, "extra_workdays[0]"},
		{"unknown field", map[string]any{"days_off": []string{}}, "days_off"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.do("PUT", "/api/v1/calendar/2024", "admin", tt.body).problem(400, "invalid_input", tt.field)
		})
	}
	e.do("PUT", "/api/v1/calendar/1800", "admin", map[string]any{"holidays": []string{}}).problem(400, "invalid_input", "year")
	e.do("PUT", "/api/v1/calendar/2024", "city.reception", map[string]any{"holidays": []string{}}).problem(403, "forbidden")
	e.do("GET", "/api/v1/calendar/2024", "admin", nil).expect(200, `"source":"statutory"`, `"provisional":true`)

	// A holiday on Tuesday moves the open dossier's due time by one day. The year replaces the
	// statutory 2024 (Tết, 18/4, …), so the resolved dossier is judged again too (2 dossiers); it
	// keeps its printed appointment.
	e.do("PUT", "/api/v1/calendar/2024", "admin", map[string]any{"holidays": []string{"2024-03-05"}, "extra_workdays": []string{"2024-05-04"}, "source": "test"}).
		expect(200, `"recomputed_dossiers":2`)
	e.do("GET", "/api/v1/calendar/2024", "admin", nil).expect(200, `"source":"custom"`, `"notice":"test"`, `"2024-03-05"`, `"2024-05-04"`)
	d := e.do("GET", "/api/v1/dossiers/"+open, "ward1.specialist", nil).expect(200, `"action":"recompute_due"`).json()
	if d["due_at"] != "2024-03-08T09:00:00+07:00" {
		t.Errorf("open dossier due = %v, want Friday 09:00", d["due_at"])
	}
	e.do("GET", "/api/v1/dossiers/"+done, "ward1.specialist", nil).expect(200, `"due_at":"2024-03-07T09:00:00+07:00"`)
	e.do("GET", "/api/v1/dossiers/"+open+"/deadline", "ward1.specialist", nil).expect(200, `"2024-03-05"`, `"holiday"`)
	// A year that moves nothing leaves the open dossier as it is.
	e.do("PUT", "/api/v1/calendar/2031", "admin", map[string]any{"holidays": []string{"2031-01-01"}}).expect(200, `"recomputed_dossiers":0`)
}

// tet2024 is the 2024 calendar as announced, Tết from Thursday 8/2 to Wednesday 14/2 (the
// weekdays off).
var tet2024 = map[string]any{"holidays": []string{"2024-01-01", "2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14"},
	"source": "Thông báo 5015/TB-LĐTBXH"}

// lastEvent returns the last event of the dossier d (its JSON).
func lastEvent(d map[string]any) map[string]any {
	evs := d["events"].([]any)
	return evs[len(evs)-1].(map[string]any)
}

// A calendar that arrives late puts a resolved dossier right: resolved on Friday 16/2/2024,
// judged late under a 2024 calendar without Tết, it is early once the calendar with Tết
// 8–14/2 is put in; an event says so, and the appointment stays as printed.
func TestCalendarArrivingLateRejudgesResolved(t *testing.T) {
	e := newFidelityEnv(t)
	e.do("PUT", "/api/v1/calendar/2024", "admin", map[string]any{"holidays": []string{"2024-01-01"}}).expect(200)
	// Taken in on Wednesday 7/2 at 09:00 with 3 working days: due Monday 12/2 without Tết.
	code := e.probe("2024-02-07 09:00", nil)
	e.actAt(code, "start", "2024-02-07 10:00", nil)
	d := e.actAt(code, "resolve", "2024-02-16 09:00", map[string]any{"outcome": "approved"})
	if d["timeliness"] != "late" || d["due_at"] != "2024-02-12T09:00:00+07:00" || d["appointment_at"] != "2024-02-12T09:00:00+07:00" {
		t.Fatalf("without Tết: timeliness %v, due %v, appointment %v; want late, 12/2 09:00 twice", d["timeliness"], d["due_at"], d["appointment_at"])
	}
	wantFigures(t, "February without Tết", e.monthFigures(2), map[string]float64{"resolved": 1, "late": 1, "early": 0})

	put := e.do("PUT", "/api/v1/calendar/2024", "admin", tet2024).expect(200, `"recomputed_dossiers":1`).json()
	rj, _ := put["rejudge"].(map[string]any)
	if rj == nil || rj["finished"] != true || rj["done"] != 1.0 || rj["changed"] != 1.0 || rj["reason"] != "Lịch năm 2024 thay đổi" {
		t.Fatalf("rejudge = %v, want one dossier done and changed, finished", put["rejudge"])
	}
	e.do("GET", fmt.Sprintf("/api/v1/calendar/rejudgements/%v", rj["id"]), "admin", nil).expect(200, `"finished":true`, `"changed":1`)
	e.do("GET", fmt.Sprintf("/api/v1/calendar/rejudgements/%v", rj["id"]), "city.reporter", nil).problem(403, "forbidden")
	e.do("GET", "/api/v1/calendar/rejudgements/999", "admin", nil).problem(404, "not_found")
	e.do("GET", "/api/v1/calendar/rejudgements/x", "admin", nil).problem(400, "invalid_input", "id")

	// With Tết: 7/2, then 15/2 and 16/2, due Monday 19/2 at 09:00; resolved on 16/2, early.
	d = e.do("GET", "/api/v1/dossiers/"+code, "admin", nil).expect(200).json()
	if d["timeliness"] != "early" || d["due_at"] != "2024-02-19T09:00:00+07:00" || d["late_since"] != nil {
		t.Errorf("with Tết: timeliness %v, due %v, late since %v; want early, 19/2 09:00, never late", d["timeliness"], d["due_at"], d["late_since"])
	}
	if d["appointment_at"] != "2024-02-12T09:00:00+07:00" {
		t.Errorf("appointment = %v, want 12/2 09:00 as printed", d["appointment_at"])
	}
	ev := lastEvent(d)
	note, _ := ev["note"].(string)
	det, _ := ev["details"].(map[string]any)
	if ev["action"] != "recompute_due" || ev["actor"] != "admin" ||
		!strings.HasPrefix(note, "Lịch năm 2024 thay đổi: hạn mới 09:00") || !strings.Contains(note, "19/02/2024") ||
		!strings.Contains(note, "trước trễ hạn, nay trước hạn") || det["old_timeliness"] != "late" || det["timeliness"] != "early" {
		t.Errorf("last event = %v, want recompute_due by admin saying the new due time and late → early", ev)
	}
	wantFigures(t, "February with Tết", e.monthFigures(2), map[string]float64{"resolved": 1, "late": 0, "early": 1})

	// The same calendar again changes no working day: nothing to judge again.
	e.do("PUT", "/api/v1/calendar/2024", "admin", tet2024).expect(200, `"recomputed_dossiers":0`, `"rejudge":null`)
}
