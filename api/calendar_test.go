package api_test

import "testing"

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
