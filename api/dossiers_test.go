package api_test

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
)

const procCode = "1.001.000.00.00.H50"

func TestIntake(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, false)
	d := e.mustIntake("ward1.reception", ward1Code, procCode)
	if got, want := d["code"], ward1Code+"-240304-0001"; got != want {
		t.Errorf("code = %v, want %v", got, want)
	}
	// Monday 09:00 + 3 working days = Thursday 09:00.
	if got, want := d["due_at"], "2024-03-07T09:00:00+07:00"; got != want {
		t.Errorf("due_at = %v, want %v", got, want)
	}
	if got := d["lookup_url"].(string); !strings.HasPrefix(got, "http://motcua.test/t/") {
		t.Errorf("lookup_url = %q", got)
	}
	if d["status"] != "received" || d["appointment_at"] != d["due_at"] {
		t.Errorf("status/appointment: %v", d)
	}
	if got := e.mustIntake("ward1.reception", ward1Code, procCode)["code"]; got != ward1Code+"-240304-0002" {
		t.Errorf("second code = %v", got)
	}
	full := e.do("GET", "/api/v1/dossiers/"+d["code"].(string), "ward1.specialist", nil).expect(200, `"action":"intake"`).json()
	if events := full["events"].([]any); len(events) != 1 {
		t.Errorf("events = %d, want 1", len(events))
	}

	intake := func(user string, patch map[string]any) response {
		body := map[string]any{"agency_code": ward1Code, "procedure_code": procCode, "channel": "direct",
			"applicant": map[string]any{"name": "Trần Thị Bình"}}
		for k, v := range patch {
			body[k] = v
		}
		return e.do("POST", "/api/v1/dossiers", user, body)
	}
	tests := []struct {
		name   string
		user   string
		patch  map[string]any
		status int
		code   string
		field  string
	}{
		{"postal not offered", "ward1.reception", map[string]any{"channel": "postal"}, 422, "unprocessable", "channel"},
		{"postal return not offered", "ward1.reception", map[string]any{"return_channel": "postal"}, 422, "unprocessable", "return_channel"},
		{"unknown procedure", "ward1.reception", map[string]any{"procedure_code": "9.999"}, 422, "unprocessable", "procedure_code"},
		{"other ward", "ward2.reception", nil, 403, "forbidden", ""},
		{"specialist", "ward1.specialist", nil, 403, "forbidden", ""},
		{"past time by reception", "ward1.reception", map[string]any{"received_at": "2024-03-01T09:00:00+07:00"}, 403, "forbidden", ""},
		{"future time", "admin", map[string]any{"received_at": "2024-04-01T09:00:00+07:00"}, 400, "invalid_input", "received_at"},
		{"bad time", "admin", map[string]any{"received_at": "yesterday"}, 400, "invalid_input", "received_at"},
		{"bad channel", "ward1.reception", map[string]any{"channel": "pigeon"}, 400, "invalid_input", "channel"},
		{"no name", "ward1.reception", map[string]any{"applicant": map[string]any{"name": " "}}, 400, "invalid_input", "applicant.name"},
		{"bad phone", "ward1.reception", map[string]any{"applicant": map[string]any{"name": "A", "phone": "call me"}}, 400, "invalid_input", "applicant.phone"},
		{"unknown applicant field", "ward1.reception", map[string]any{"applicant": map[string]any{"name": "A", "age": 3}}, 400, "invalid_input", "applicant.age"},
		{"unknown field, other case", "ward1.reception", map[string]any{"Applicant": map[string]any{"NAME": "A", "Age": 3}}, 400, "invalid_input", "Applicant.Age"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fields []string
			if tt.field != "" {
				fields = append(fields, tt.field)
			}
			intake(tt.user, tt.patch).problem(tt.status, tt.code, fields...)
		})
	}
	// None of them stored anything, nor used a sequence number.
	if got := e.mustIntake("ward1.reception", ward1Code, procCode)["code"]; got != ward1Code+"-240304-0003" {
		t.Errorf("after refused intakes, code = %v", got)
	}
	// An admin may back-enter a dossier received earlier.
	old := intake("admin", map[string]any{"received_at": "2024-02-26T10:00:00+07:00"}).expect(201).json()
	if old["code"] != ward1Code+"-240226-0001" || old["due_at"] != "2024-02-29T10:00:00+07:00" {
		t.Errorf("back-entered: code %v due %v", old["code"], old["due_at"])
	}
}

func TestIdempotencyKey(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, true)
	body := map[string]any{"agency_code": ward1Code, "procedure_code": procCode, "channel": "postal",
		"applicant": map[string]any{"name": "Lê Văn Cường"}}
	res := e.do("POST", "/api/v1/dossiers", "ward1.reception", body, "Idempotency-Key", "k1").expect(201)
	replay := e.do("POST", "/api/v1/dossiers", "ward1.reception", body, "Idempotency-Key", "k1").expect(201)
	first, again := res.json(), replay.json()
	if first["code"] != again["code"] {
		t.Errorf("replay gave %v, first %v", again["code"], first["code"])
	}
	if tag := res.header.Get("ETag"); tag == "" || replay.header.Get("ETag") != tag || replay.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay headers %v, first ETag %q: want the same ETag, marked replayed", replay.header, tag)
	}
	body["channel"] = "direct"
	e.do("POST", "/api/v1/dossiers", "ward1.reception", body, "Idempotency-Key", "k1").problem(409, "conflict")
	list := e.do("GET", "/api/v1/dossiers", "admin", nil).expect(200).json()
	if n := len(list["items"].([]any)); n != 1 {
		t.Errorf("dossiers = %d, want 1", n)
	}
}

func TestActions(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, false)
	code := e.mustIntake("ward1.reception", ward1Code, procCode)["code"].(string)
	act := func(user, action string, body any, headers ...string) response {
		return e.do("POST", "/api/v1/dossiers/"+code+"/actions/"+action, user, body, headers...)
	}
	act("ward1.specialist", "return", map[string]any{"channel": "direct"}).problem(409, "invalid_transition")
	act("ward1.specialist", "fly", nil).problem(404, "not_found")
	act("ward2.reception", "start", nil).problem(404, "not_found")
	act("ward1.reception", "resolve", map[string]any{"outcome": "approved"}).problem(403, "forbidden")
	act("ward1.specialist", "start", nil, "If-Match", `"7"`).problem(412, "precondition_failed")
	res := act("ward1.specialist", "start", nil, "If-Match", `"1"`).expect(200, `"status":"processing"`)
	if res.header.Get("ETag") != `"2"` {
		t.Errorf("ETag = %q, want \"2\"", res.header.Get("ETag"))
	}
	act("ward1.specialist", "pause", map[string]any{}).problem(400, "invalid_input", "reason")
	act("ward1.specialist", "pause", map[string]any{"reason": "Chờ nộp thuế"}).expect(200, `"status":"paused"`, `"clock_stopped":true`)
	e.advance(48 * 60 * 60 * 1e9) // two days later: Wednesday 09:00
	res = act("ward1.specialist", "resume", nil).expect(200, `"status":"processing"`)
	// Two working days were paused: due moves from Thursday 09:00 to Monday 09:00.
	if got := res.json()["due_at"]; got != "2024-03-11T09:00:00+07:00" {
		t.Errorf("due after pause = %v", got)
	}
	act("ward1.specialist", "apologize", map[string]any{"reason": "Cần xác minh", "new_appointment_at": "2024-03-15T16:00:00+07:00"}).
		expect(200, `"apology_late":false`, `"appointment_at":"2024-03-15T16:00:00+07:00"`, `"due_at":"2024-03-11T09:00:00+07:00"`)
	act("ward1.specialist", "apologize", map[string]any{"reason": "again", "new_appointment_at": "2024-03-20T16:00:00+07:00"}).problem(409, "conflict")
	act("ward1.specialist", "resolve", map[string]any{"outcome": "maybe"}).problem(400, "invalid_input", "outcome")
	e.setNow(vn("2024-03-12 10:00"))
	act("ward1.specialist", "resolve", map[string]any{"outcome": "approved", "result_digitized": true}).
		expect(200, `"status":"resolved"`, `"timeliness":"late"`, `"result_digitized":true`)
	act("ward1.reception", "return", map[string]any{"channel": "direct"}).expect(200, `"status":"returned"`)
	act("ward1.reception", "withdraw", map[string]any{"reason": "x"}).problem(409, "invalid_transition")
	full := e.do("GET", "/api/v1/dossiers/"+code, "ward1.reception", nil).expect(200).json()
	var actions []string
	for _, ev := range full["events"].([]any) {
		actions = append(actions, ev.(map[string]any)["action"].(string))
	}
	if got, want := strings.Join(actions, ","), "intake,start,pause,resume,apologize,resolve,return"; got != want {
		t.Errorf("history = %s, want %s", got, want)
	}
	if v := full["version"]; v != float64(7) {
		t.Errorf("version = %v, want 7", v)
	}
	e.do("GET", "/api/v1/dossiers/"+code+"/deadline", "ward1.specialist", nil).expect(200, `"clock_start"`, `"stops"`)
}

// TestSearchByName checks that a name is found from the start of any of its words, the last
// word typed a prefix, in the order written — the same on both databases, whatever index
// PostgreSQL answers from (a commune's entries or the province-wide full-text index).
func TestSearchByName(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, false)
	names := []string{"Nguyễn Văn An", "Nguyễn Văn Anh", "Lê Thị Hoa Hồng", "Công ty TNHH Xây dựng 123",
		"Trần  Văn-An", "李小龍", "Đỗ Đức Được"}
	for i, n := range names {
		e.do("POST", "/api/v1/dossiers", "ward1.reception", map[string]any{"agency_code": ward1Code, "procedure_code": procCode,
			"channel": "direct", "applicant": map[string]any{"name": n, "phone": fmt.Sprintf("09876543%02d", i)}}).expect(201)
	}
	tests := []struct {
		q    string
		want []string
	}{
		{"nguyen van an", []string{"Nguyễn Văn An", "Nguyễn Văn Anh"}},
		{"nguyen van anh", []string{"Nguyễn Văn Anh"}},
		{"Nguyễn Văn A", []string{"Nguyễn Văn An", "Nguyễn Văn Anh"}},
		{"van an", []string{"Nguyễn Văn An", "Nguyễn Văn Anh", "Trần  Văn-An"}},
		{"an van", nil},
		{"guyen", nil},
		{"thi hoa h", []string{"Lê Thị Hoa Hồng"}},
		{"le hoa", nil},
		{"hong", []string{"Lê Thị Hoa Hồng"}},
		{"tnhh xay dung 12", []string{"Công ty TNHH Xây dựng 123"}},
		{"123", []string{"Công ty TNHH Xây dựng 123"}},
		{"tran van an", []string{"Trần  Văn-An"}},
		{"李", []string{"李小龍"}},
		{"小龍", nil},
		{"do duc duoc", []string{"Đỗ Đức Được"}},
		{"d", []string{"Công ty TNHH Xây dựng 123", "Đỗ Đức Được"}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			e := e.in(t)
			for _, user := range []string{"ward1.reception", "admin"} { // a commune; the whole deployment
				var got []string
				for _, it := range e.do("GET", "/api/v1/dossiers?q="+url.QueryEscape(tt.q), user, nil).expect(200).json()["items"].([]any) {
					got = append(got, it.(map[string]any)["applicant"].(map[string]any)["name"].(string))
				}
				sort.Strings(got)
				want := append([]string(nil), tt.want...)
				sort.Strings(want)
				if strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("%s: got %q, want %q", user, got, want)
				}
			}
		})
	}
}

func TestSearch(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, false)
	names := []string{"Nguyễn Văn An", "Đặng Thị Đào", "Trần An Bình"}
	for i, n := range names {
		e.do("POST", "/api/v1/dossiers", "ward1.reception", map[string]any{"agency_code": ward1Code, "procedure_code": procCode,
			"channel": "direct", "applicant": map[string]any{"name": n, "phone": fmt.Sprintf("091234567%d", i)}}).expect(201)
	}
	e.mustIntake("ward2.reception", ward2Code, procCode)
	tests := []struct {
		user, query string
		want        int
	}{
		{"ward1.reception", "q=nguyen+van+an", 1},
		{"ward1.reception", "q=" + url.QueryEscape("NGUYỄN"), 1},
		{"ward1.reception", "q=dang+thi+dao", 1},
		{"ward1.reception", "q=dao", 1},
		{"ward1.reception", "q=an", 2},
		{"ward1.reception", "q=0912345671", 1},
		{"ward1.reception", "q=" + ward1Code + "-240304-0002", 1},
		{"ward1.reception", "status=received", 3},
		{"ward1.reception", "agency_code=" + ward2Code, 0},
		{"city.reception", "q=nguyen+van+an", 2},
		{"city.reception", "overdue=true", 0},
	}
	for _, tt := range tests {
		t.Run(tt.user+"?"+tt.query, func(t *testing.T) {
			e := e.in(t)
			items := e.do("GET", "/api/v1/dossiers?"+tt.query, tt.user, nil).expect(200).json()["items"].([]any)
			if len(items) != tt.want {
				t.Errorf("got %d dossiers, want %d", len(items), tt.want)
			}
		})
	}
	e.setNow(vn("2024-03-08 09:00"))
	items := e.do("GET", "/api/v1/dossiers?overdue=true", "city.reception", nil).expect(200).json()["items"].([]any)
	if len(items) != 4 {
		t.Errorf("overdue = %d, want 4", len(items))
	}
	// Paging: two pages of two.
	page := e.do("GET", "/api/v1/dossiers?limit=2", "city.reception", nil).expect(200).json()
	next, _ := page["next_cursor"].(string)
	if next == "" {
		t.Fatal("no next_cursor")
	}
	page2 := e.do("GET", "/api/v1/dossiers?limit=2&cursor="+next, "city.reception", nil).expect(200).json()
	if len(page2["items"].([]any)) != 2 || page2["next_cursor"] != nil {
		t.Errorf("second page: %v", page2)
	}
	e.do("POST", "/api/v1/dossiers", "ward1.reception", map[string]any{"agency_code": ward1Code, "procedure_code": procCode,
		"channel": "direct", "applicant": map[string]any{"name": "Lê Văn Tám"}, "note": "bell\a"}).problem(400, "invalid_input", "note")
	e.do("GET", "/api/v1/dossiers?limit=9999", "city.reception", nil).problem(400, "invalid_input", "limit")
	e.do("GET", "/api/v1/dossiers?cursor=zzz", "city.reception", nil).problem(400, "invalid_input", "cursor")
	e.do("GET", "/api/v1/dossiers?status=lost", "city.reception", nil).problem(400, "invalid_input", "status")
}

func TestConcurrentIntakeAndResolve(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 3, false)
	e.token("ward1.reception")
	e.token("ward1.specialist")
	var mu sync.Mutex
	codes := map[string]bool{}
	var wg sync.WaitGroup
	errs := make(chan string, 800)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				res := e.do("POST", "/api/v1/dossiers", "ward1.reception", map[string]any{"agency_code": ward1Code,
					"procedure_code": procCode, "channel": "direct", "applicant": map[string]any{"name": "Phạm Văn Dũng"}})
				if res.status != 201 {
					errs <- fmt.Sprintf("%d %s", res.status, res.body)
					continue
				}
				var code string
				fmt.Sscanf(strings.SplitN(strings.SplitN(string(res.body), `"code":"`, 2)[1], `"`, 2)[0], "%s", &code)
				mu.Lock()
				codes[code] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(codes) != 800 {
		t.Fatalf("distinct codes = %d, want 800", len(codes))
	}
	if !codes[ward1Code+"-240304-0800"] {
		t.Error("sequence did not reach 0800")
	}

	code := ward1Code + "-240304-0001"
	statuses := make(chan int, 2)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- e.do("POST", "/api/v1/dossiers/"+code+"/actions/resolve", "ward1.specialist", map[string]any{"outcome": "approved"}).status
		}()
	}
	wg.Wait()
	close(statuses)
	got := map[int]int{}
	for s := range statuses {
		got[s]++
	}
	if got[200] != 1 || got[409] != 1 {
		t.Errorf("concurrent resolves: %v, want one 200 and one 409", got)
	}
	full := e.do("GET", "/api/v1/dossiers/"+code, "ward1.specialist", nil).expect(200).json()
	if n := len(full["events"].([]any)); n != 2 {
		t.Errorf("events = %d, want intake + one resolve", n)
	}
}
