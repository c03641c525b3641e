package api_test

import (
	"fmt"
	"motcua/domain"
	"slices"
	"strings"
	"testing"
)

const csvHeader = "code,agency_code,procedure_code,applicant_name,applicant_id,applicant_phone,channel,return_channel,received_at,due_at,resolved_at,outcome,returned_at,apologized_at,new_appointment_at,withdrawn_at\n"

func postCSV(e *env, user, body string) response {
	return e.do("POST", "/api/v1/imports/dossiers", user, []byte(body), "Content-Type", "text/csv")
}

func TestImport(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, true)
	e.setNow(vn("2024-03-10 09:00"))
	rows := csvHeader +
		// returned on time, with a given code
		ward1Code + "-240301-0007," + ward1Code + "," + procCode + ",Nguyễn Văn An,079123456789,0912345678,direct,direct,2024-03-01T08:00:00+07:00,,2024-03-05T10:00:00+07:00,approved,2024-03-05T15:00:00+07:00,,,\n" +
		// late with an apology, code generated, postal both ways
		"," + ward1Code + "," + procCode + ",Trần Thị Bình,,,postal,postal,2024-02-20T09:00:00+07:00,,2024-02-28T10:00:00+07:00,refused,2024-02-29T10:00:00+07:00,2024-02-22T09:00:00+07:00,2024-02-28T16:00:00+07:00,\n" +
		// withdrawn
		"," + ward2Code + "," + procCode + ",Lê Văn Cường,,,online,online,2024-03-01T20:00:00+07:00,,,,,,,2024-03-02T10:00:00+07:00\n" +
		// still open, due date given
		"," + ward2Code + "," + procCode + ",\"Phạm, Thị Dung\",,,direct,direct,2024-03-04T08:30:00+07:00,2024-03-20T17:00:00+07:00,,,,,,\n"
	res := postCSV(e, "admin", rows).expect(200).json()
	if res["imported"] != float64(4) || res["skipped"] != float64(0) {
		t.Fatalf("import = %v, want 4 imported", res)
	}
	again := postCSV(e, "admin", rows).expect(200).json()
	if again["imported"] != float64(3) || again["skipped"] != float64(1) {
		// The two rows without a code are new dossiers each time; the coded ones are skipped.
		t.Fatalf("re-import = %v, want 3 imported (no code), 1 skipped", again)
	}
	d := e.do("GET", "/api/v1/dossiers/"+ward1Code+"-240301-0007", "admin", nil).expect(200, `"status":"returned"`, `"timeliness":"early"`).json()
	if n := len(d["events"].([]any)); n != 3 {
		t.Errorf("events = %d, want intake, resolve, return", n)
	}
	late := e.do("GET", "/api/v1/dossiers?q=tran+thi+binh", "admin", nil).expect(200).json()["items"].([]any)[0].(map[string]any)
	if late["timeliness"] != "late" || late["status"] != "returned" || late["apology_late"] != false {
		t.Errorf("late dossier: %v", late)
	}
	e.do("GET", "/api/v1/dossiers?q=pham+thi+dung", "admin", nil).expect(200, `"due_at":"2024-03-20T17:00:00+07:00"`, `"status":"received"`)
	e.do("GET", "/api/v1/dossiers?status=withdrawn", "admin", nil).expect(200, "Lê Văn Cường")
	// A dossier back-entered for that day continues the imported code's sequence.
	got := e.do("POST", "/api/v1/dossiers", "admin", map[string]any{"agency_code": ward1Code, "procedure_code": procCode,
		"channel": "direct", "received_at": "2024-03-01T10:00:00+07:00", "applicant": map[string]any{"name": "Võ Văn E"}}).expect(201).json()
	if got["code"] != ward1Code+"-240301-0008" {
		t.Errorf("intake after import: %v", got["code"])
	}
}

func TestImportRejectsBadRowsAndStoresNothing(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, false)
	good := "," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,\n"
	tests := []struct {
		name  string
		body  string
		code  string
		field string
	}{
		{"bad time", csvHeader + good + "," + ward1Code + "," + procCode + ",An,,,direct,direct,yesterday,,,,,,,\n", "unprocessable", "received_at"},
		{"unknown agency", csvHeader + good + ",999," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,\n", "unprocessable", "agency_code"},
		{"postal not offered", csvHeader + good + "," + ward1Code + "," + procCode + ",An,,,postal,direct,2024-03-01T08:00:00+07:00,,,,,,,\n", "unprocessable", "channel"},
		{"resolved without outcome", csvHeader + good + "," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,2024-03-02T08:00:00+07:00,,,,,\n", "unprocessable", "outcome"},
		{"returned before resolved", csvHeader + good + "," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,2024-03-02T08:00:00+07:00,approved,2024-03-01T09:00:00+07:00,,,\n", "unprocessable", "returned_at"},
		{"future", csvHeader + good + "," + ward1Code + "," + procCode + ",An,,,direct,direct,2025-03-01T08:00:00+07:00,,,,,,,\n", "unprocessable", "received_at"},
		{"no name", csvHeader + good + "," + ward1Code + "," + procCode + ",,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,\n", "unprocessable", "applicant_name"},
		{"duplicate code", csvHeader + ward1Code + "-240301-0001," + ward1Code + "," + procCode + ",An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,\n" + ward1Code + "-240301-0001," + ward1Code + "," + procCode + ",Bo,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,\n", "unprocessable", "code"},
		{"short row", csvHeader + good + "a,b,c\n", "unprocessable", "row"},
		{"wrong header", "code,agency\n" + good, "invalid_input", "header"},
		{"empty", "", "invalid_input", "body"},
		{"larger than the limit", csvHeader + strings.Repeat(good, testImportLimit/len(good)+1), "invalid_input", "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			status := 422
			if tt.code == "invalid_input" {
				status = 400
			}
			postCSV(e, "admin", tt.body).problem(status, tt.code, tt.field)
		})
	}
	postCSV(e, "ward1.reception", csvHeader+good).problem(403, "forbidden")
	e.do("POST", "/api/v1/imports/dossiers", "admin", csvHeader+good).problem(400, "invalid_input", "body")
	if n := len(e.do("GET", "/api/v1/dossiers", "admin", nil).expect(200).json()["items"].([]any)); n != 0 {
		t.Fatalf("%d dossiers stored by rejected imports", n)
	}
	// Every bad row is listed, with its line.
	var b strings.Builder
	b.WriteString(csvHeader)
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, ",%s,%s,An,,,fax,direct,2024-03-01T08:00:00+07:00,,,,,,,\n", ward1Code, procCode)
	}
	res := postCSV(e, "admin", b.String()).expect(422).json()
	errs := res["errors"].([]any)
	if len(errs) != 5 || errs[4].(map[string]any)["line"] != float64(6) {
		t.Errorf("errors = %v, want 5 rows, the last on line 6", errs)
	}
}

// TestIntakeProblemsAreTheSameThroughTheImport sends the same invalid dossier through
// POST /api/v1/dossiers and as a row of a CSV import: each gives the same problems (code,
// field — under its CSV column — and message), since both are checked by one intake rule.
func TestIntakeProblemsAreTheSameThroughTheImport(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, false)
	e.setNow(vn("2024-03-10 09:00"))
	type dossier struct{ agency, procedure, name, id, phone, channel, returnChannel string }
	ok := dossier{ward1Code, procCode, "Nguyễn Văn An", "079123456789", "0912345678", "direct", "direct"}
	for _, tc := range []struct {
		name   string
		change func(*dossier)
	}{
		{"bad phone", func(d *dossier) { d.phone = "12ab" }},
		{"no name", func(d *dossier) { d.name = "" }},
		{"bad id number", func(d *dossier) { d.id = "12-34" }},
		{"several bad fields", func(d *dossier) { d.phone, d.channel, d.returnChannel = "x", "fax", "pigeon" }},
		{"unknown agency", func(d *dossier) { d.agency = "999.99.99.H99" }},
		{"unknown procedure", func(d *dossier) { d.procedure = "9.999999.000.00.00.H99" }},
		{"postal not offered", func(d *dossier) { d.channel = "postal" }},
		{"postal return not offered", func(d *dossier) { d.returnChannel = "postal" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := e.in(t)
			d := ok
			tc.change(&d)
			const received = "2024-03-08T09:00:00+07:00"
			api := e.do("POST", "/api/v1/dossiers", "admin", map[string]any{"agency_code": d.agency, "procedure_code": d.procedure,
				"channel": d.channel, "return_channel": d.returnChannel, "received_at": received,
				"applicant": map[string]any{"name": d.name, "id_number": d.id, "phone": d.phone}}).json()
			var want []string
			for _, f := range api["errors"].([]any) {
				f := f.(map[string]any)
				want = append(want, fmt.Sprintf("%v %s %v", api["code"], domain.ImportField(f["field"].(string)), f["message"]))
			}
			row := strings.Join([]string{"", d.agency, d.procedure, d.name, d.id, d.phone, d.channel, d.returnChannel, received,
				"", "", "", "", "", "", ""}, ",")
			imp := postCSV(e, "admin", csvHeader+row+"\n").expect(422).json()
			var got []string
			for _, f := range imp["errors"].([]any) {
				f := f.(map[string]any)
				if f["line"] != float64(2) {
					t.Errorf("problem on line %v, want 2", f["line"])
				}
				got = append(got, fmt.Sprintf("%v %v %v", f["code"], f["field"], f["message"]))
			}
			slices.Sort(want)
			slices.Sort(got)
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("through the API: %q\nthrough the import: %q", want, got)
			}
		})
	}
	e.do("GET", "/api/v1/dossiers", "admin", nil).expect(200, `"items":[]`)
}

// A CSV as Excel saves it in a Vietnamese locale – a byte order mark, semicolons between
// the fields, CRLF line ends – imports like the comma-separated one, and phone numbers typed
// with spaces, dots or +84, there and at the desk, are kept in one form that the citizen's
// lookup by the last four digits finds.
func TestImportSemicolonsAndPhones(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, true)
	e.setNow(vn("2024-03-10 09:00"))
	header := strings.ReplaceAll(strings.TrimSuffix(csvHeader, "\n"), ",", ";")
	rows := "\ufeff" + header + "\r\n" +
		ward1Code + "-240301-0007;" + ward1Code + ";" + procCode + ";Phạm, Thị Dung;079123456789;0912 345 678;direct;direct;2024-03-01T08:00:00+07:00;;2024-03-05T10:00:00+07:00;approved;2024-03-05T15:00:00+07:00;;;\r\n" +
		ward1Code + "-240301-0008;" + ward1Code + ";" + procCode + ";\"Lê; Văn Cường\";;+84 913.222.333;online;online;2024-03-01T09:00:00+07:00;;;;;;;\r\n"
	res := postCSV(e, "admin", rows).expect(200).json()
	if res["imported"] != float64(2) {
		t.Fatalf("import = %v, want 2 imported", res)
	}
	for code, want := range map[string][2]string{
		ward1Code + "-240301-0007": {"Phạm, Thị Dung", "0912345678"},
		ward1Code + "-240301-0008": {"Lê; Văn Cường", "0913222333"},
	} {
		a := e.do("GET", "/api/v1/dossiers/"+code, "admin", nil).expect(200).json()["applicant"].(map[string]any)
		if a["name"] != want[0] || a["phone"] != want[1] {
			t.Errorf("%s: applicant %v, want %s, %s", code, a, want[0], want[1])
		}
	}
	e.do("GET", "/api/v1/public/lookup?code="+ward1Code+"-240301-0008&phone_last4=2333", "", nil).expect(200)

	// The same numbers typed at the desk.
	for typed, want := range map[string]string{"0912.345.678": "0912345678", "84 912 345 678": "0912345678", "(0299) 3821-234": "02993821234"} {
		d := e.do("POST", "/api/v1/dossiers", "ward1.reception", map[string]any{"agency_code": ward1Code, "procedure_code": procCode,
			"channel": "direct", "applicant": map[string]any{"name": "Võ Văn E", "phone": typed}}).expect(201).json()
		if got := d["applicant"].(map[string]any)["phone"]; got != want {
			t.Errorf("%q kept as %v, want %s", typed, got, want)
		}
	}
	e.do("POST", "/api/v1/dossiers", "ward1.reception", map[string]any{"agency_code": ward1Code, "procedure_code": procCode,
		"channel": "direct", "applicant": map[string]any{"name": "Võ Văn E", "phone": "0912 345"}}).problem(400, "invalid_input", "applicant.phone")
	// A semicolon file with a bad phone names the column and the line.
	bad := header + "\n;" + ward1Code + ";" + procCode + ";An;;09 12;direct;direct;2024-03-01T08:00:00+07:00;;;;;;;\n"
	if errs := postCSV(e, "admin", bad).expect(422).json()["errors"].([]any); len(errs) != 1 ||
		errs[0].(map[string]any)["field"] != "applicant_phone" || errs[0].(map[string]any)["line"] != float64(2) {
		t.Errorf("errors = %v, want applicant_phone on line 2", errs)
	}
}
