package api_test

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// oaParamValues are good values for the parameters a request cannot leave out, and for the
// path parameters, by name.
var oaParamValues = map[string]string{"period": "2024", "id": "1", "code": cityCode, "year": "2024", "token": "x"}

// Every query parameter of a GET operation that the document bounds (an enum, a boolean, an
// integer's minimum or maximum, a date) is enforced by the server: a value outside the bounds
// answers 400 invalid_input naming the parameter, where the same request without it
// succeeds.
func TestOpenAPIQueryParametersEnforced(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	doc, _ := oaLoadSpec(t)
	walked := 0
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Find(path)
		op := item.Get
		if op == nil || !strings.HasPrefix(path, "/api/") {
			continue
		}
		params := append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...)
		bounded := false
		for _, p := range params {
			bounded = bounded || p.Value.In == "query" && len(oaBadValues(p.Value.Schema.Value)) > 0
		}
		if !bounded {
			continue
		}
		target, base := path, url.Values{}
		for _, p := range params {
			v := p.Value
			switch {
			case v.In == "path":
				target = strings.ReplaceAll(target, "{"+v.Name+"}", oaParamValues[v.Name])
			case v.In == "query" && v.Required:
				good, ok := oaParamValues[v.Name]
				if !ok {
					t.Fatalf("%s: no good value for the required parameter %s", path, v.Name)
				}
				base.Set(v.Name, good)
			}
		}
		user := "city.admin"
		if strings.HasPrefix(path, "/api/v1/public/") {
			user = ""
		}
		for _, p := range params {
			v := p.Value
			if v.In != "query" {
				continue
			}
			for _, bad := range oaBadValues(v.Schema.Value) {
				walked++
				q := url.Values{}
				for k, vs := range base {
					q[k] = vs
				}
				q.Set(v.Name, bad)
				name := "GET " + path + "?" + v.Name + "=" + bad
				t.Run(name, func(t *testing.T) {
					e := e.in(t)
					if base.Get(v.Name) == "" {
						// Without the parameter, the request is good: the 400 is the parameter's.
						if r := e.do("GET", target+"?"+base.Encode(), user, nil); r.status != 200 && r.status != 404 {
							t.Fatalf("without %s: %d %s", v.Name, r.status, r.body)
						}
					}
					e.do("GET", target+"?"+q.Encode(), user, nil).problem(400, "invalid_input", v.Name)
				})
			}
		}
	}
	if walked < 20 {
		t.Errorf("only %d bad values tried: the walk missed the document's parameters", walked)
	}
}

// oaBadValues returns values the schema rejects: a word for an enum, a boolean, an integer
// or a date; for an integer, also one past each bound; for a date, also a day that does not
// exist.
func oaBadValues(s *openapi3.Schema) []string {
	var out []string
	switch {
	case len(s.Enum) > 0, s.Type.Is("boolean"):
		out = append(out, "bogus")
	case s.Type.Is("string") && s.Format == "date":
		out = append(out, "bogus", "2024-02-30")
	case s.Type.Is("integer"):
		out = append(out, "bogus")
		if s.Min != nil {
			out = append(out, strconv.FormatFloat(*s.Min-1, 'f', -1, 64))
		}
		if s.Max != nil {
			out = append(out, strconv.FormatFloat(*s.Max+1, 'f', -1, 64))
		}
	}
	sort.Strings(out)
	return out
}
