package api_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token the counter's pages carry for the session with cookie.
func (e *env) csrf(cookie string) string {
	e.t.Helper()
	m := csrfRE.FindSubmatch(e.page("GET", "/counter/new", nil, cookie).expect(200).body)
	if m == nil {
		e.t.Fatal("the counter's page has no csrf field")
	}
	return html.UnescapeString(string(m[1]))
}

// counterPost posts a counter form with the session's CSRF token.
func (e *env) counterPost(cookie, path string, form url.Values) response {
	e.t.Helper()
	f := url.Values{"csrf": {e.csrf(cookie)}}
	for k, v := range form {
		f[k] = v
	}
	return e.page("POST", path, f, cookie)
}

// location is where a 303 answer sends the browser.
func (r response) location() string { return r.header.Get("Location") }

// dossierCode is the code of the card a Location names.
func dossierCode(t testing.TB, loc string) string {
	t.Helper()
	const prefix = "/counter/dossiers/"
	if !strings.HasPrefix(loc, prefix) {
		t.Fatalf("Location = %q, want a dossier's card", loc)
	}
	code, _, _ := strings.Cut(strings.TrimPrefix(loc, prefix), "?")
	return code
}
