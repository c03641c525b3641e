package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const (
	reportProc       = "1.101.000.00.00.H50" // commune, postal, 3 days
	reportProcDirect = "1.102.000.00.00.H50" // commune, no postal, 1 day
	reportMarch      = "/api/v1/reports/appendix?agency_code=" + cityCode + "&period=2024&kind=month&number=3"
)

// reportEnv is an environment whose clock stands on 10 April 2024, with dossiers taken in
// and resolved in March 2024 by the admin (who may give past times):
//
//	ward 1: A online, received 4 March, resolved 6 March (early: due 7 March)
//	        B direct, received 5 March, resolved 12 March (late: due 8 March; apology 6 March)
//	        C postal, received 28 March, still open (due 2 April: within at the end of March)
//	        D direct, received 26 February, resolved 1 March (carried over; late: due 29 February)
//	ward 2: E direct (the other procedure), received 20 March, withdrawn 21 March
//	        F online, received 1 April (after March)
func reportEnv(t *testing.T) (*env, map[string]string) {
	e := mustEnv(t)
	e.setNow(vn("2024-04-10 09:00"))
	e.mustProcedure(reportProc, 3, true)
	e.mustProcedure(reportProcDirect, 1, false)
	codes := map[string]string{}
	intake := func(name, agency, proc, channel, at string) {
		d := e.do("POST", "/api/v1/dossiers", "admin", map[string]any{
			"agency_code": agency, "procedure_code": proc, "channel": channel, "return_channel": "direct",
			"received_at": at, "applicant": map[string]any{"name": "Lê Văn Cường"},
		}).expect(201).json()
		codes[name] = d["code"].(string)
	}
	act := func(name, action string, body map[string]any) {
		e.do("POST", "/api/v1/dossiers/"+codes[name]+"/actions/"+action, "admin", body).expect(200)
	}
	intake("D", ward1Code, reportProc, "direct", "2024-02-26T09:00:00+07:00")
	act("D", "resolve", map[string]any{"outcome": "approved", "at": "2024-03-01T09:00:00+07:00"})
	intake("A", ward1Code, reportProc, "online", "2024-03-04T09:00:00+07:00")
	act("A", "resolve", map[string]any{"outcome": "approved", "at": "2024-03-06T10:00:00+07:00"})
	intake("B", ward1Code, reportProc, "direct", "2024-03-05T09:00:00+07:00")
	act("B", "apologize", map[string]any{"reason": "Cần xác minh", "at": "2024-03-06T09:00:00+07:00", "new_appointment_at": "2024-03-13T09:00:00+07:00"})
	act("B", "resolve", map[string]any{"outcome": "approved", "at": "2024-03-12T09:00:00+07:00"})
	intake("C", ward1Code, reportProc, "postal", "2024-03-28T09:00:00+07:00")
	intake("E", ward2Code, reportProcDirect, "direct", "2024-03-20T09:00:00+07:00")
	act("E", "withdraw", map[string]any{"reason": "Xin rút", "at": "2024-03-21T09:00:00+07:00"})
	intake("F", ward2Code, reportProc, "online", "2024-04-01T09:00:00+07:00")
	e.mustUser("ward1.reporter", "reporter", ward1Code)
	return e, codes
}

// mustUser creates a user with password-123 as the global admin.
func (e *env) mustUser(name, role, agency string) {
	e.t.Helper()
	e.do("POST", "/api/v1/users", "admin", map[string]any{"username": name, "password": "password-123",
		"roles": []string{role}, "agency_code": agency}).expect(201)
}

func keys(m map[string]any) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestReportAppendixJSON(t *testing.T) {
	e, _ := reportEnv(t)
	a := e.do("GET", reportMarch, "city.reporter", nil).expect(200).json()
	if got, want := keys(a), "agency_code,generated_at,levels,manual,period,section_i,section_iii,section_vii,source"; got != want {
		t.Errorf("keys = %s, want %s", got, want)
	}
	period := a["period"].(map[string]any)
	if a["agency_code"] != cityCode || a["source"] != "live" || period["kind"] != "month" || period["cutoff"] != "calendar" ||
		period["from"] != "2024-03-01" || period["to"] != "2024-03-31" {
		t.Errorf("heading = %v %v %v", a["agency_code"], a["source"], period)
	}
	if got := a["generated_at"].(string); !strings.HasSuffix(got, "+07:00") || !strings.HasPrefix(got, "2024-04-10T09:00") {
		t.Errorf("generated_at = %s", got)
	}
	if got := fmt.Sprint(a["levels"]); got != "[district commune]" {
		t.Errorf("levels = %s", got)
	}
	s3 := a["section_iii"].(map[string]any)
	if got, want := keys(s3), "dossiers,feedback_received,feedback_resolved,interlinked_cross_level,interlinked_same_level,procedures_in_force,procedures_published,procedures_repealed"; got != want {
		t.Errorf("section_iii keys = %s", got)
	}
	commune := s3["dossiers"].(map[string]any)["commune"].(map[string]any)
	// Counted by hand from the dossiers of reportEnv.
	want := map[string]float64{"received": 5, "carried_over": 1, "new": 4, "new_online": 1, "new_direct": 2, "new_postal": 1,
		"resolved": 3, "early": 1, "on_time": 0, "late": 2, "late_with_apology": 1, "late_with_late_apology": 0, "pending": 1,
		"pending_within": 1, "pending_overdue": 0, "withdrawn": 1}
	if len(commune) != len(want) {
		t.Errorf("commune figures = %v", commune)
	}
	for k, v := range want {
		if commune[k] != v {
			t.Errorf("section_iii.dossiers.commune.%s = %v, want %v", k, commune[k], v)
		}
	}
	if got := s3["procedures_in_force"].(map[string]any); got["commune"] != 2.0 || got["district"] != 0.0 {
		t.Errorf("procedures_in_force = %v", got)
	}
	s7 := a["section_vii"].(map[string]any)
	online := s7["online"].(map[string]any)
	// Both procedures provide partial online service; only reportProc had an online dossier (A): its 4 dossiers of March count.
	if online["dossiers_total"] != 3.0 || online["dossiers_online"] != 1.0 ||
		online["partial"].(map[string]any)["with_online_dossiers"] != 1.0 || online["partial"].(map[string]any)["provided"] != 2.0 {
		t.Errorf("online = %v", online)
	}
	postal := s7["postal"].(map[string]any)["commune"].(map[string]any)
	if postal["procedures_offered"] != 1.0 || postal["dossiers_received"] != 1.0 || postal["procedures_received"] != 1.0 {
		t.Errorf("postal = %v", postal)
	}
	if len(a["manual"].(map[string]any)) != 0 {
		t.Errorf("manual = %v", a["manual"])
	}

	// The ward's own report: commune only.
	w := e.do("GET", "/api/v1/reports/appendix?agency_code="+ward2Code+"&period=2024&kind=month&number=3", "ward1.reporter", nil)
	w.problem(404, "not_found")
	w1 := e.do("GET", "/api/v1/reports/appendix?period=2024&kind=quarter&number=1", "ward1.reporter", nil).expect(200).json()
	if w1["agency_code"] != ward1Code || fmt.Sprint(w1["levels"]) != "[commune]" {
		t.Errorf("ward report = %v %v", w1["agency_code"], w1["levels"])
	}
}

func TestReportParams(t *testing.T) {
	e, _ := reportEnv(t)
	base := "/api/v1/reports/appendix?agency_code=" + cityCode
	tests := []struct {
		name, path, user string
		status           int
		code, field      string
	}{
		{"no period", base, "city.reporter", 400, "invalid_input", "period"},
		{"bad period", base + "&period=20x4", "city.reporter", 400, "invalid_input", "period"},
		{"year out of range", base + "&period=99999", "city.reporter", 400, "invalid_input", "period"},
		{"bad kind", base + "&period=2024&kind=week", "city.reporter", 400, "invalid_input", "kind"},
		{"month without number", base + "&period=2024&kind=month", "city.reporter", 400, "invalid_input", "number"},
		{"month 13", base + "&period=2024&kind=month&number=13", "city.reporter", 400, "invalid_input", "number"},
		{"number not a number", base + "&period=2024&kind=quarter&number=two", "city.reporter", 400, "invalid_input", "number"},
		{"year with a number", base + "&period=2024&number=2", "city.reporter", 400, "invalid_input", "number"},
		{"bad cutoff", base + "&period=2024&cutoff=fiscal", "city.reporter", 400, "invalid_input", "cutoff"},
		{"bad format", base + "&period=2024&format=pdf", "city.reporter", 400, "invalid_input", "format"},
		{"by-field has no xlsx", "/api/v1/reports/by-field?period=2024&format=xlsx", "city.reporter", 400, "invalid_input", "format"},
		{"bad live", base + "&period=2024&live=yes", "city.reporter", 400, "invalid_input", "live"},
		{"snapshots of a kind without a year", "/api/v1/reports/snapshots?kind=quarter", "city.reporter", 400, "invalid_input", "period"},
		{"snapshots of a bad kind", "/api/v1/reports/snapshots?kind=bogus", "city.reporter", 400, "invalid_input", "kind"},
		{"snapshots of a bad cutoff", "/api/v1/reports/snapshots?cutoff=bogus", "city.reporter", 400, "invalid_input", "cutoff"},
		{"snapshots of month 99", "/api/v1/reports/snapshots?number=99", "city.reporter", 400, "invalid_input", "number"},
		{"compare with no snapshot id", "/api/v1/reports/snapshots/1?compare=x", "city.reporter", 400, "invalid_input", "compare"},
		{"reception", base + "&period=2024", "city.reception", 403, "forbidden", ""},
		{"specialist", base + "&period=2024", "ward1.specialist", 403, "forbidden", ""},
		{"reception on snapshots", "/api/v1/reports/snapshots", "ward1.reception", 403, "forbidden", ""},
		{"reception puts figures", "/api/v1/reports/manual?period=2024&agency_code=" + ward1Code, "ward1.reception", 403, "forbidden", ""},
		{"no token", base + "&period=2024", "", 401, "unauthorized", ""},
		{"parent agency", base + "&period=2024", "ward1.reporter", 404, "not_found", ""},
		{"sibling agency", "/api/v1/reports/by-field?period=2024&agency_code=" + ward2Code, "ward1.reporter", 404, "not_found", ""},
		{"unknown agency", "/api/v1/reports/appendix?period=2024&agency_code=999.99", "admin", 404, "not_found", ""},
		{"other agency's snapshots", "/api/v1/reports/snapshots?agency_code=" + cityCode, "ward1.reporter", 404, "not_found", ""},
		{"bad snapshot id", "/api/v1/reports/snapshots/abc", "city.reporter", 400, "invalid_input", "id"},
		{"unknown snapshot", "/api/v1/reports/snapshots/9999", "city.reporter", 404, "not_found", ""},
		{"bad limit", "/api/v1/reports/snapshots?limit=0", "city.reporter", 400, "invalid_input", "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			method := "GET"
			var body any
			if strings.Contains(tt.path, "/manual") {
				method, body = "PUT", map[string]any{"figures": map[string]any{}}
			}
			e.do(method, tt.path, tt.user, body).problem(tt.status, tt.code, nonEmpty(tt.field)...)
		})
	}
	// Several bad parameters are named together.
	r := e.do("GET", base+"&period=x&kind=week&cutoff=y&format=z", "city.reporter", nil)
	r.problem(400, "invalid_input", "period", "kind", "cutoff", "format")
}

// Without agency_code, a report is the caller's agency's; for an admin of the whole
// deployment, the one agency at the top of the tree, and 400 naming agency_code once there
// are several.
func TestReportDefaultAgency(t *testing.T) {
	e, _ := reportEnv(t)
	for _, tt := range []struct{ user, want string }{{"city.reporter", cityCode}, {"admin", cityCode}, {"ward1.reporter", ward1Code}} {
		if got := e.do("GET", "/api/v1/reports/appendix?period=2024", tt.user, nil).expect(200).json()["agency_code"]; got != tt.want {
			t.Errorf("%s: agency_code = %v, want %s", tt.user, got, tt.want)
		}
	}
	if got := e.do("GET", "/api/v1/reports/manual?period=2024", "admin", nil).expect(200).json()["agency_code"]; got != cityCode {
		t.Errorf("manual: agency_code = %v, want %s", got, cityCode)
	}
	e.do("POST", "/api/v1/agencies", "admin", map[string]any{"code": "000.00.25.H50", "name": "UBND huyện Kế Sách", "level": "district"}).expect(201)
	e.do("GET", "/api/v1/reports/appendix?period=2024", "admin", nil).problem(400, "invalid_input", "agency_code")
	e.do("GET", "/api/v1/reports/appendix?period=2024", "city.reporter", nil).expect(200)
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func TestReportFiles(t *testing.T) {
	e, _ := reportEnv(t)
	a := e.do("GET", reportMarch, "city.reporter", nil).expect(200).json()
	commune := a["section_iii"].(map[string]any)["dossiers"].(map[string]any)["commune"].(map[string]any)

	r := e.do("GET", reportMarch+"&format=xlsx", "city.reporter", nil).expect(200)
	if ct := r.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="phu-luc_`+cityCode+`_calendar-month-2024-3.xlsx"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "Phụ lục" || got[1] != "Biểu 06" {
		t.Fatalf("sheets = %v", got)
	}
	rows, err := f.GetRows("Phụ lục", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	find := func(rows [][]string, col int, label string) []string {
		for _, row := range rows {
			if len(row) > col && row[col] == label {
				return row
			}
		}
		t.Fatalf("no row %q", label)
		return nil
	}
	if got := find(rows, 0, "TT"); strings.Join(got, "|") != "TT|TÊN CHỈ TIÊU|ĐƠN VỊ TÍNH|Số lượng/tỷ lệ|Ghi chú" {
		t.Errorf("header = %v", got)
	}
	find(rows, 0, "Cơ quan: UBND thành phố Sóc Trăng (mã "+cityCode+")") // the title names the agency
	for label, want := range map[string]float64{
		"Số hồ sơ TTHC do UBND cấp xã tiếp nhận":                          commune["received"].(float64),
		"Số hồ sơ TTHC do UBND cấp xã giải quyết và trả kết quả":          commune["resolved"].(float64),
		"Số hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn": commune["early"].(float64) + commune["on_time"].(float64),
		"Số hồ sơ TTHC do UBND cấp huyện tiếp nhận":                       0,
		"– Số TTHC áp dụng tại UBND cấp xã":                               2,
		"– Số TTHC đang cung cấp trực tuyến một phần (mức độ 3)":          2,
	} {
		row := find(rows, 1, label)
		if got, _ := strconv.ParseFloat(row[3], 64); got != want || row[3] == "" {
			t.Errorf("%s = %q, want %v", label, row[3], want)
		}
	}
	// The postal blocks: district first, then commune.
	var postal []string
	for _, row := range rows {
		if len(row) > 3 && row[1] == "– Tổng số hồ sơ thực tế được tiếp nhận qua dịch vụ BCCI" {
			postal = append(postal, row[3])
		}
	}
	if strings.Join(postal, ",") != "0,1" {
		t.Errorf("dossiers received by post per level = %v, want 0,1", postal)
	}
	if row := find(rows, 1, "Số hồ sơ TTHC do UBND cấp xã tiếp nhận"); !strings.Contains(row[4], "Kỳ trước chuyển sang 1") {
		t.Errorf("note = %q", row[4])
	}
	fields, err := f.GetRows("Biểu 06", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if row := find(fields, 1, "Hộ tịch"); row[2] != "Cấp xã" || row[3] != "5" || row[7] != "3" || row[8] != "1" || row[10] != "2" || row[11] != "1" || row[14] != "1" {
		t.Errorf("Biểu 06 row = %v", row)
	}

	r = e.do("GET", reportMarch+"&format=csv", "city.reporter", nil).expect(200)
	if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if !bytes.HasPrefix(r.body, []byte("\ufeffTT,TÊN CHỈ TIÊU,ĐƠN VỊ TÍNH,Số lượng/tỷ lệ,Ghi chú")) ||
		!bytes.Contains(r.body, []byte("Số hồ sơ TTHC do UBND cấp xã tiếp nhận,Hồ sơ,5,")) {
		t.Errorf("CSV = %.300s", r.body)
	}

	byField := strings.Replace(reportMarch, "/appendix", "/by-field", 1)
	bf := e.do("GET", byField, "city.reporter", nil).expect(200).json()
	rowsJSON := bf["rows"].([]any)
	if bf["agency_code"] != cityCode || len(rowsJSON) != 1 {
		t.Fatalf("by-field = %v", bf)
	}
	if row := rowsJSON[0].(map[string]any); row["field"] != "Hộ tịch" || row["level"] != "commune" || row["received"] != 5.0 || row["withdrawn"] != 1.0 {
		t.Errorf("by-field row = %v", row)
	}
	r = e.do("GET", byField+"&format=csv", "city.reporter", nil).expect(200)
	if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, "bieu-06_"+cityCode) || !bytes.Contains(r.body, []byte("Hộ tịch,Cấp xã,5,1,")) {
		t.Errorf("by-field CSV %q: %s", cd, r.body)
	}
}

func TestReportManualFigures(t *testing.T) {
	e, _ := reportEnv(t)
	path := "/api/v1/reports/manual?agency_code=" + cityCode + "&period=2024&kind=month&number=3"
	e.do("GET", path, "city.reporter", nil).expect(200, `"figures":{}`, `"updated_by":null`)
	got := e.do("PUT", path, "city.reporter", map[string]any{"figures": map[string]any{"plan_tasks": 12, "plan_completion_rate": 99.5, "leader_dialogue": 1}}).expect(200).json()
	if got["updated_by"] != "city.reporter" || got["figures"].(map[string]any)["plan_tasks"] != 12.0 {
		t.Errorf("PUT answer = %v", got)
	}
	e.do("PUT", path, "city.reporter", map[string]any{"figures": map[string]any{"nope": 1, "leader_dialogue": 2, "plan_tasks": 1.5}}).
		problem(400, "invalid_input", "figures.nope", "figures.leader_dialogue", "figures.plan_tasks")
	e.do("PUT", path, "city.reporter", map[string]any{"figures": map[string]any{}, "extra": 1}).problem(400, "invalid_input", "extra")
	e.do("PUT", path, "city.reporter", map[string]any{}).problem(400, "invalid_input", "figures")
	e.do("PUT", path, "city.reporter", "not json").problem(400, "invalid_input", "body")

	a := e.do("GET", reportMarch, "city.reporter", nil).expect(200).json()
	if m := a["manual"].(map[string]any); m["plan_tasks"] != 12.0 || m["plan_completion_rate"] != 99.5 || len(m) != 3 {
		t.Errorf("manual = %v", m)
	}
	// Another period has none.
	q := e.do("GET", "/api/v1/reports/appendix?agency_code="+cityCode+"&period=2024&kind=quarter&number=1", "city.reporter", nil).expect(200).json()
	if len(q["manual"].(map[string]any)) != 0 {
		t.Errorf("quarter manual = %v", q["manual"])
	}
	r := e.do("GET", reportMarch+"&format=xlsx", "city.reporter", nil).expect(200)
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Phụ lục", excelize.Options{RawCellValue: true})
	found := false
	for _, row := range rows {
		if len(row) > 3 && row[1] == "Số nhiệm vụ đề ra trong kế hoạch" {
			found = row[3] == "12"
		}
	}
	if !found {
		t.Error("the manual figure is not in the workbook")
	}
}

func TestReportSnapshots(t *testing.T) {
	e, codes := reportEnv(t)
	post := "/api/v1/reports/snapshots?agency_code=" + cityCode + "&period=2024&kind=month&number=3"
	s1 := e.do("POST", post, "city.reporter", nil).expect(201).json()
	if s1["revision"] != 1.0 || s1["created_by"] != "city.reporter" || s1["period_key"] != "calendar/month/2024/3" ||
		s1["appendix"].(map[string]any)["source"] != "snapshot" {
		t.Fatalf("snapshot = %v", s1)
	}
	id1 := int(s1["id"].(float64))
	commune := func(a map[string]any) map[string]any {
		return a["section_iii"].(map[string]any)["dossiers"].(map[string]any)["commune"].(map[string]any)
	}
	a := e.do("GET", reportMarch, "city.reporter", nil).expect(200).json()
	if a["source"] != "snapshot" || commune(a)["resolved"] != 3.0 {
		t.Fatalf("appendix after the snapshot: %v %v", a["source"], commune(a))
	}

	// The open postal dossier C is resolved within March (a late correction by the admin).
	e.do("POST", "/api/v1/dossiers/"+codes["C"]+"/actions/resolve", "admin",
		map[string]any{"outcome": "approved", "at": "2024-03-29T15:00:00+07:00"}).expect(200)
	frozen := e.do("GET", fmt.Sprintf("/api/v1/reports/snapshots/%d", id1), "city.reporter", nil).expect(200).json()
	if got := commune(frozen["appendix"].(map[string]any)); got["resolved"] != 3.0 || got["pending"] != 1.0 {
		t.Errorf("the snapshot changed: %v", got)
	}
	// Figures an officer enters after the snapshot go with it: the snapshot freezes what the records say.
	e.do("PUT", strings.Replace(reportMarch, "/appendix", "/manual", 1), "city.reporter",
		map[string]any{"figures": map[string]any{"plan_tasks": 7}}).expect(200)
	if a := e.do("GET", reportMarch, "city.reporter", nil).expect(200).json(); a["source"] != "snapshot" || commune(a)["resolved"] != 3.0 ||
		a["manual"].(map[string]any)["plan_tasks"] != 7.0 {
		t.Errorf("appendix = %v %v %v, want the snapshot's with the manual figures", a["source"], commune(a), a["manual"])
	}
	live := e.do("GET", reportMarch+"&live=true", "city.reporter", nil).expect(200).json()
	if live["source"] != "live" || commune(live)["resolved"] != 4.0 || commune(live)["pending"] != 0.0 {
		t.Errorf("live = %v %v", live["source"], commune(live))
	}

	// A new revision, with an idempotency key: the repeat makes no third.
	s2 := e.do("POST", post, "admin", nil, "Idempotency-Key", "snap-2").expect(201).json()
	again := e.do("POST", post, "admin", nil, "Idempotency-Key", "snap-2").expect(201)
	if s2["revision"] != 2.0 || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("second snapshot = %v, replay %q", s2["revision"], again.header.Get("Idempotent-Replayed"))
	}
	id2 := int(s2["id"].(float64))
	if a := e.do("GET", reportMarch, "city.reporter", nil).expect(200).json(); commune(a)["resolved"] != 4.0 {
		t.Errorf("appendix after revision 2 = %v", commune(a))
	}

	list := e.do("GET", "/api/v1/reports/snapshots?agency_code="+cityCode, "city.reporter", nil).expect(200).json()
	items := list["items"].([]any)
	if len(items) != 2 || list["next_cursor"] != nil {
		t.Fatalf("list = %v", list)
	}
	first := items[0].(map[string]any)
	if first["id"] != float64(id2) || first["revision"] != 2.0 || first["appendix"] != nil || first["created_at"] == nil ||
		first["period"].(map[string]any)["from"] != "2024-03-01" {
		t.Errorf("list item = %v", first)
	}
	page := e.do("GET", "/api/v1/reports/snapshots?limit=1", "city.reporter", nil).expect(200).json()
	if len(page["items"].([]any)) != 1 || page["next_cursor"] == nil {
		t.Errorf("page = %v", page)
	}
	byPeriod := e.do("GET", "/api/v1/reports/snapshots?agency_code="+cityCode+"&period=2024&kind=quarter&number=1", "city.reporter", nil).expect(200).json()
	if len(byPeriod["items"].([]any)) != 0 {
		t.Errorf("quarter snapshots = %v", byPeriod)
	}

	diff := e.do("GET", fmt.Sprintf("/api/v1/reports/snapshots/%d?compare=%d", id2, id1), "city.reporter", nil).expect(200).json()
	changed := map[string][2]any{}
	for _, d := range diff["differences"].([]any) {
		m := d.(map[string]any)
		changed[m["figure"].(string)] = [2]any{m["value"], m["compare_value"]}
	}
	for figure, want := range map[string][2]any{
		"section_iii.dossiers.commune.resolved":       {4.0, 3.0},
		"section_iii.dossiers.commune.pending":        {0.0, 1.0},
		"section_iii.dossiers.commune.pending_within": {0.0, 1.0},
		"section_iii.dossiers.commune.early":          {2.0, 1.0}, // C was due on 2 April
		"by_field.commune.Hộ tịch.resolved":           {4.0, 3.0},
	} {
		if got, ok := changed[figure]; !ok || got != want {
			t.Errorf("difference %s = %v (listed %v), want %v", figure, got, ok, want)
		}
	}
	if _, ok := changed["section_iii.dossiers.commune.received"]; ok {
		t.Errorf("received is listed as changed: %v", changed)
	}
	if diff["snapshot"].(map[string]any)["id"] != float64(id2) || diff["compared_with"].(map[string]any)["id"] != float64(id1) {
		t.Errorf("diff heading = %v / %v", diff["snapshot"], diff["compared_with"])
	}
	e.do("GET", fmt.Sprintf("/api/v1/reports/snapshots/%d?compare=x", id2), "city.reporter", nil).problem(400, "invalid_input", "compare")

	// A ward's reporter sees neither the city's snapshots nor their figures.
	e.do("GET", fmt.Sprintf("/api/v1/reports/snapshots/%d", id1), "ward1.reporter", nil).problem(404, "not_found")
	if l := e.do("GET", "/api/v1/reports/snapshots", "ward1.reporter", nil).expect(200).json(); len(l["items"].([]any)) != 0 {
		t.Errorf("ward reporter lists %v", l["items"])
	}
	e.do("POST", "/api/v1/reports/snapshots?period=2024&kind=month&number=3&agency_code="+url.QueryEscape(cityCode), "ward1.reporter", nil).
		problem(404, "not_found")
	e.do("POST", post, "city.reporter", map[string]any{"x": 1}).problem(400, "invalid_input", "x")
}

// The JSON of an appendix survives a round trip through a snapshot unchanged but for its source.
func TestSnapshotKeepsTheAppendix(t *testing.T) {
	e, _ := reportEnv(t)
	live := e.do("GET", reportMarch, "city.reporter", nil).expect(200).json()
	snap := e.do("POST", strings.Replace(reportMarch, "/appendix", "/snapshots", 1), "city.reporter", nil).expect(201).json()
	frozen := snap["appendix"].(map[string]any)
	delete(live, "source")
	delete(frozen, "source")
	a, _ := json.Marshal(live)
	b, _ := json.Marshal(frozen)
	if string(a) != string(b) {
		t.Errorf("live:   %s\nfrozen: %s", a, b)
	}
}
