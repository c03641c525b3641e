package api_test

import (
	"strings"
	"testing"
	"time"
)

func TestOperations(t *testing.T) {
	e := mustEnv(t)
	e.do("GET", "/healthz", "", nil).expect(200, `"status":"ok"`)
	e.do("GET", "/readyz", "", nil).expect(200, `"status":"ready"`, `"database":"ok"`, `"calendar":{"years":[{`, `"warnings":[`)
	e.do("GET", "/metrics", "", nil).expect(200, "motcua_http_requests_total", "go_goroutines")
}

func TestErrorsAreProblems(t *testing.T) {
	e := mustEnv(t)
	huge := `{"code":"X","name":"` + strings.Repeat("a", 2<<20) + `","level":"commune"}`
	tests := []struct {
		name         string
		method, path string
		user         string
		body         any
		status       int
		code         string
		field        string
	}{
		{"unknown route", "GET", "/api/v1/nothing", "admin", nil, 404, "not_found", ""},
		{"wrong method", "DELETE", "/healthz", "", nil, 405, "method_not_allowed", ""},
		{"no token", "GET", "/api/v1/agencies", "", nil, 401, "unauthorized", ""},
		{"unknown field", "POST", "/api/v1/agencies", "admin", `{"code":"001.00.24.H50","name":"x","level":"commune","colour":"red"}`, 400, "invalid_input", "colour"},
		{"malformed json", "POST", "/api/v1/agencies", "admin", `{"code":`, 400, "invalid_input", "body"},
		{"wrong type", "POST", "/api/v1/agencies", "admin", `{"code":12,"name":"x","level":"commune"}`, 400, "invalid_input", "code"},
		{"bad enum", "POST", "/api/v1/agencies", "admin", `{"code":"001.00.24.H50","name":"x","level":"county"}`, 400, "invalid_input", "level"},
		{"oversize body", "POST", "/api/v1/agencies", "admin", huge, 400, "invalid_input", "body"},
		{"trailing data", "POST", "/api/v1/agencies", "admin", `{"code":"001.00.24.H50","name":"x","level":"commune"} {}`, 400, "invalid_input", "body"},
		{"invalid utf-8", "POST", "/api/v1/agencies", "admin", "{\"code\":\"001.00.24.H50\",\"name\":\"\xff\",\"level\":\"commune\"}", 400, "invalid_input", "body"},
		{"duplicate", "POST", "/api/v1/agencies", "admin", `{"code":"000.01.24.H50","name":"x","level":"commune","parent_code":"000.00.24.H50"}`, 409, "conflict", ""},
		{"wrong role", "POST", "/api/v1/agencies", "city.reception", `{"code":"001.00.24.H50","name":"x","level":"commune"}`, 403, "forbidden", ""},
		{"outside scope", "GET", "/api/v1/agencies/000.02.24.H50", "ward1.reception", nil, 404, "not_found", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			var fields []string
			if tt.field != "" {
				fields = append(fields, tt.field)
			}
			e.do(tt.method, tt.path, tt.user, tt.body).problem(tt.status, tt.code, fields...)
		})
	}
	// Nothing was stored by any of the bad requests.
	res := e.do("GET", "/api/v1/agencies", "admin", nil).expect(200)
	if n := len(res.json()["items"].([]any)); n != 3 {
		t.Errorf("agencies = %d, want the 3 of the fixture", n)
	}
}

func TestLoginAndTokens(t *testing.T) {
	e := mustEnv(t)
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password"}).problem(401, "unauthorized")
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "nobody", "password": "password-123"}).problem(401, "unauthorized")
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin"}).problem(400, "invalid_input", "password")
	tok := e.token("ward1.reception")

	tests := []struct {
		name   string
		header string
		status int
	}{
		{"valid", "Bearer " + tok, 200},
		{"altered", "Bearer " + tok[:len(tok)-2] + "xx", 401},
		{"garbage", "Bearer abc.def", 401},
		{"no bearer", tok, 401},
		{"other secret", "Bearer " + otherSecretToken(t), 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.do("GET", "/api/v1/agencies", "", nil, "Authorization", tt.header).expect(tt.status)
		})
	}
	t.Run("expired", func(t *testing.T) {
		e := e.in(t)
		e.advance(13 * time.Hour)
		e.do("GET", "/api/v1/agencies", "", nil, "Authorization", "Bearer "+tok).problem(401, "unauthorized")
	})
}

func TestLoginLockout(t *testing.T) {
	e := mustEnv(t)
	for i := 0; i < 5; i++ {
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "city.reporter", "password": "wrong-password"}).problem(401, "unauthorized")
	}
	// Locked now, even with the right password.
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "city.reporter", "password": "password-123"}).problem(429, "rate_limited")
	e.advance(16 * time.Minute)
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "city.reporter", "password": "password-123"}).expect(200, "token")
}

func TestUsersAndScopes(t *testing.T) {
	e := mustEnv(t)
	e.do("POST", "/api/v1/users", "admin", map[string]any{"username": "ward2.specialist", "password": "password-123",
		"roles": []string{"specialist"}, "agency_code": ward2Code}).expect(201, `"agency_code":"000.02.24.H50"`)
	e.do("POST", "/api/v1/users", "admin", map[string]any{"username": "ward2.specialist", "password": "password-123",
		"roles": []string{"specialist"}, "agency_code": ward2Code}).problem(409, "conflict")
	e.do("POST", "/api/v1/users", "admin", map[string]any{"username": "x.y", "password": "short",
		"roles": []string{"wizard"}}).problem(400, "invalid_input", "password", "roles")
	// A city admin may add users under the city, not elsewhere, and never global ones.
	e.do("POST", "/api/v1/users", "city.admin", map[string]any{"username": "global.two", "password": "password-123",
		"roles": []string{"admin"}}).problem(403, "forbidden")
	res := e.do("GET", "/api/v1/agencies", "ward1.reception", nil).expect(200)
	if items := res.json()["items"].([]any); len(items) != 1 {
		t.Errorf("ward staff see %d agencies, want 1", len(items))
	}
}
