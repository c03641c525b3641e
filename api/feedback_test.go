package api_test

import (
	"fmt"
	"net/url"
	"reflect"
	"testing"
)

func TestFeedback(t *testing.T) {
	e := mustEnv(t)
	f := e.do("POST", "/api/v1/feedback", "ward1.reception", map[string]any{"agency_code": ward1Code, "content": "Thái độ phục vụ chưa tốt"}).
		expect(201, `"created_by":"ward1.reception"`).json()
	id := int(f["id"].(float64))
	e.do("POST", "/api/v1/feedback", "ward1.reception", map[string]any{"agency_code": ward2Code, "content": "x"}).problem(403, "forbidden")
	e.do("POST", "/api/v1/feedback", "ward1.reception", map[string]any{"agency_code": ward1Code, "content": ""}).problem(400, "invalid_input", "content")
	e.do("POST", "/api/v1/feedback", "ward1.reception", map[string]any{"agency_code": ward1Code, "content": "x", "received_at": "2024-01-01T08:00:00+07:00"}).problem(403, "forbidden")
	e.do("POST", "/api/v1/feedback", "admin", map[string]any{"agency_code": ward1Code, "content": "cũ", "received_at": "2024-01-01T08:00:00+07:00"}).expect(201)
	e.do("GET", "/api/v1/feedback?open=true", "ward1.reception", nil).expect(200, "Thái độ phục vụ", "cũ")
	e.do("POST", fmt.Sprintf("/api/v1/feedback/%d/resolve", id), "ward2.reception", map[string]any{"answer": "ok"}).problem(404, "not_found")
	e.do("POST", fmt.Sprintf("/api/v1/feedback/%d/resolve", id), "ward1.reception", map[string]any{"answer": "Đã\x00 chấn chỉnh"}).problem(400, "invalid_input", "answer")
	e.do("POST", fmt.Sprintf("/api/v1/feedback/%d/resolve", id), "ward1.reception", map[string]any{"answer": " "}).problem(400, "invalid_input", "answer")
	e.do("POST", fmt.Sprintf("/api/v1/feedback/%d/resolve", id), "ward1.reception", map[string]any{"answer": "Đã chấn chỉnh"}).expect(200, `"answer":"Đã chấn chỉnh"`)
	e.do("POST", fmt.Sprintf("/api/v1/feedback/%d/resolve", id), "ward1.reception", map[string]any{"answer": "again"}).problem(409, "conflict")
	items := e.do("GET", "/api/v1/feedback?open=true", "ward1.reception", nil).expect(200).json()["items"].([]any)
	if len(items) != 1 {
		t.Errorf("open feedback = %d, want 1", len(items))
	}
}

// TestListsPageThrough: a client following next_cursor with a small limit sees every item
// of the list once, in the order of the whole list.
func TestListsPageThrough(t *testing.T) {
	e := mustEnv(t)
	for i := range 3 {
		e.do("POST", "/api/v1/feedback", "admin", map[string]any{"agency_code": ward1Code, "content": fmt.Sprintf("Góp ý %d", i)}).expect(201)
	}
	for _, path := range []string{"/api/v1/agencies", "/api/v1/feedback"} {
		t.Run(path, func(t *testing.T) {
			e := e.in(t)
			whole := e.do("GET", path+"?limit=500", "admin", nil).expect(200).json()
			if whole["next_cursor"] != nil {
				t.Fatalf("the whole list has a next page: %v", whole["next_cursor"])
			}
			var got []any
			for next := ""; ; {
				q := "?limit=2"
				if next != "" {
					q += "&cursor=" + url.QueryEscape(next)
				}
				page := e.do("GET", path+q, "admin", nil).expect(200).json()
				items := page["items"].([]any)
				if len(items) == 0 || len(items) > 2 || len(got) > 10 {
					t.Fatalf("a page of %d items after %d", len(items), len(got))
				}
				got = append(got, items...)
				if page["next_cursor"] == nil {
					break
				}
				next = page["next_cursor"].(string)
			}
			if want := whole["items"].([]any); !reflect.DeepEqual(got, want) || len(want) < 3 {
				t.Errorf("pages gave %v\nwant %v", got, want)
			}
		})
	}
}
