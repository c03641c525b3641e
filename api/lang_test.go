package api_test

import (
	"strings"
	"testing"
)

// TestProblemsSpeakVietnamese checks that a problem's title, detail and field messages are in
// Vietnamese unless the request prefers English, and that nothing else of it changes.
func TestProblemsSpeakVietnamese(t *testing.T) {
	e := mustEnv(t)
	e.mustProcedure(procCode, 5, false)
	const repealed = "1.000002.000.00.00.H60"
	e.do("POST", "/api/v1/procedures", "admin", map[string]any{
		"code": repealed, "name": "Thủ tục đã bãi bỏ", "field": "Hộ tịch", "level": "commune", "time_limit_days": 3,
		"online_eligible": "none", "online_provided": "none", "published_on": "2023-01-01", "repealed_on": "2024-01-01",
	}).expect(201)
	const later = "1.000003.000.00.00.H60"
	e.do("POST", "/api/v1/procedures", "admin", map[string]any{
		"code": later, "name": "Thủ tục công bố sau", "field": "Hộ tịch", "level": "commune", "time_limit_days": 3,
		"online_eligible": "none", "online_provided": "none", "published_on": "2024-06-01",
	}).expect(201)
	started := e.mustIntake("ward1.reception", ward1Code, procCode)["code"].(string)
	e.do("POST", "/api/v1/dossiers/"+started+"/actions/start", "ward1.specialist", nil).expect(200)
	intake := func(agency, procedure, phone string) map[string]any {
		return map[string]any{"agency_code": agency, "procedure_code": procedure, "channel": "direct",
			"applicant": map[string]any{"name": "Trần Thị Bình", "phone": phone}}
	}
	type field struct{ name, vi, en string }
	tests := []struct {
		name         string
		method, path string
		user         string
		body         any
		status       int
		code         string
		titleVI      string
		detailVI     string
		detailEN     string
		fields       []field
	}{
		{"unknown route", "GET", "/api/v1/nothing", "admin", nil, 404, "not_found", "Không tìm thấy",
			"Không có tài nguyên này.", "No such resource.", nil},
		{"no token", "GET", "/api/v1/agencies", "", nil, 401, "unauthorized", "Chưa đăng nhập",
			"Cần đăng nhập (thiếu mã truy cập Bearer).", "A bearer token is required.", nil},
		{"unknown procedure", "POST", "/api/v1/dossiers", "ward1.reception", intake(ward1Code, "9.999999.000.00.00.H99", ""),
			422, "unprocessable", "Không thể xử lý yêu cầu",
			"Không có thủ tục mã 9.999999.000.00.00.H99 trong danh mục.", "There is no procedure 9.999999.000.00.00.H99 in the catalogue.",
			[]field{{"procedure_code", "không có thủ tục này trong danh mục", "no such procedure"}}},
		{"procedure not in force", "POST", "/api/v1/dossiers", "ward1.reception", intake(ward1Code, repealed, ""),
			422, "unprocessable", "Không thể xử lý yêu cầu",
			"Thủ tục " + repealed + " không có hiệu lực vào ngày 04/03/2024.", "The procedure " + repealed + " is not in force on 2024-03-04.",
			[]field{{"procedure_code", "không có hiệu lực vào ngày 04/03/2024", "not in force on 2024-03-04"}}},
		{"procedure published later", "POST", "/api/v1/dossiers", "ward1.reception", intake(ward1Code, later, ""),
			422, "unprocessable", "Không thể xử lý yêu cầu",
			"Thủ tục " + later + " không có hiệu lực vào ngày 04/03/2024.", "The procedure " + later + " is not in force on 2024-03-04.",
			[]field{{"procedure_code", "không có hiệu lực vào ngày 04/03/2024", "not in force on 2024-03-04"}}},
		{"unknown procedure read", "GET", "/api/v1/procedures/9.999999.000.00.00.H99?as_of=2024-03-04", "admin", nil,
			404, "not_found", "Không tìm thấy",
			"Không có thủ tục mã 9.999999.000.00.00.H99 trong danh mục.", "There is no procedure 9.999999.000.00.00.H99 in the catalogue.", nil},
		{"procedure read before it is published", "GET", "/api/v1/procedures/" + later + "?as_of=2024-03-04", "admin", nil,
			404, "not_found", "Không tìm thấy",
			"Thủ tục " + later + " không có hiệu lực vào ngày 04/03/2024.", "The procedure " + later + " is not in force on 2024-03-04.", nil},
		{"unknown agency", "POST", "/api/v1/dossiers", "admin", intake("999.99.99.H99", procCode, ""),
			400, "invalid_input", "Yêu cầu không hợp lệ", "Không có cơ quan mã 999.99.99.H99.", "There is no agency 999.99.99.H99.",
			[]field{{"agency_code", "không có cơ quan này", "no such agency"}}},
		{"bad fields", "POST", "/api/v1/dossiers", "ward1.reception", intake(ward1Code, "", "12ab"),
			400, "invalid_input", "Yêu cầu không hợp lệ", "Dữ liệu không hợp lệ.", "invalid input",
			[]field{{"procedure_code", "là bắt buộc", "is required"},
				{"applicant.phone", "phải gồm 8 đến 15 chữ số (được có dấu cách, dấu chấm, dấu gạch), có thể bắt đầu bằng +",
					"must be 8 to 15 digits (spaces, dots and dashes allowed), optionally starting with +"}}},
		{"wrong transition", "POST", "/api/v1/dossiers/" + started + "/actions/start", "ward1.specialist", nil,
			409, "invalid_transition", "Thao tác không hợp lệ ở trạng thái hiện tại",
			"Không thể thực hiện «bắt đầu giải quyết» với hồ sơ đang ở trạng thái «Đang giải quyết».",
			"action start is not allowed on a dossier that is processing", nil},
		{"unknown field", "POST", "/api/v1/dossiers/" + started + "/actions/pause", "ward1.specialist", `{"colour":"red"}`,
			400, "invalid_input", "Yêu cầu không hợp lệ", "Dữ liệu không hợp lệ.", "invalid input",
			[]field{{"colour", "không phải trường được hỗ trợ", "is not a known field"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			vi := e.do(tt.method, tt.path, tt.user, tt.body)
			vi.problem(tt.status, tt.code)
			en := e.do(tt.method, tt.path, tt.user, tt.body, "Accept-Language", "en-GB,en;q=0.9,vi;q=0.5")
			en.problem(tt.status, tt.code)
			pv, pe := vi.json(), en.json()
			if pv["title"] != tt.titleVI || pv["detail"] != tt.detailVI {
				t.Errorf("in Vietnamese: title %q, detail %q; want %q, %q", pv["title"], pv["detail"], tt.titleVI, tt.detailVI)
			}
			if pe["detail"] != tt.detailEN || pe["title"] == pv["title"] {
				t.Errorf("in English: title %q, detail %q; want detail %q", pe["title"], pe["detail"], tt.detailEN)
			}
			if pv["type"] != pe["type"] || pv["status"] != pe["status"] {
				t.Errorf("the languages differ beyond the words: %s / %s", vi.body, en.body)
			}
			for _, r := range []response{vi, en} {
				if v := r.header.Get("Vary"); !strings.Contains(v, "Accept-Language") {
					t.Errorf("Vary = %q, want Accept-Language in it", v)
				}
			}
			messages := func(p map[string]any) map[string]string {
				out := map[string]string{}
				for _, f := range p["errors"].([]any) {
					f := f.(map[string]any)
					out[f["field"].(string)] = f["message"].(string)
				}
				return out
			}
			mv, me := messages(pv), messages(pe)
			if len(mv) != len(tt.fields) || len(me) != len(tt.fields) {
				t.Errorf("fields: %v / %v, want %d", mv, me, len(tt.fields))
			}
			for _, f := range tt.fields {
				if mv[f.name] != f.vi || me[f.name] != f.en {
					t.Errorf("field %s: %q / %q, want %q / %q", f.name, mv[f.name], me[f.name], f.vi, f.en)
				}
			}
		})
	}
}

// TestAcceptLanguage checks how the header picks the language of a problem.
func TestAcceptLanguage(t *testing.T) {
	e := mustEnv(t)
	tests := []struct {
		header string
		want   string // the detail of a request without a token
	}{
		{"", "Cần đăng nhập (thiếu mã truy cập Bearer)."},
		{"vi", "Cần đăng nhập (thiếu mã truy cập Bearer)."},
		{"vi-VN,vi;q=0.9,en;q=0.8", "Cần đăng nhập (thiếu mã truy cập Bearer)."},
		{"en", "A bearer token is required."},
		{"EN-us", "A bearer token is required."},
		{"en-US,en;q=0.9,vi;q=0.8", "A bearer token is required."},
		{"fr-FR, en;q=0.5", "A bearer token is required."},
		{"vi;q=0.4, en;q=0.6", "A bearer token is required."},
		{"en, vi", "A bearer token is required."},
		{"vi, en", "Cần đăng nhập (thiếu mã truy cập Bearer)."},
		{"fr", "Cần đăng nhập (thiếu mã truy cập Bearer)."},
		{"*", "Cần đăng nhập (thiếu mã truy cập Bearer)."},
		{"en;q=0", "Cần đăng nhập (thiếu mã truy cập Bearer)."},
		{"en;q=abc", "Cần đăng nhập (thiếu mã truy cập Bearer)."},
		{"*;q=1, en;q=0.5", "Cần đăng nhập (thiếu mã truy cập Bearer)."},
		{";;,,en", "A bearer token is required."},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			e := e.in(t)
			var headers []string
			if tt.header != "" {
				headers = []string{"Accept-Language", tt.header}
			}
			r := e.do("GET", "/api/v1/agencies", "", nil, headers...)
			r.problem(401, "unauthorized")
			if got := r.json()["detail"]; got != tt.want {
				t.Errorf("Accept-Language %q: detail %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}
