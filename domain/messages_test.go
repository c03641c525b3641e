package domain

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startupOnly are the functions whose errors stop the service at start (configuration) and
// never reach a person through the API: their messages stay in English.
var startupOnly = map[string]bool{
	"domain/calendar.go ParseWorkHours":       true,
	"domain/calendar.go validate":             true,
	"domain/deadline.go ParseSupplementClock": true,
	"qr/token.go NewSigner":                   true,
}

// passOn are the functions that pass a problem made elsewhere on.
var passOn = map[string]bool{
	"domain/importrow.go bad":    true,
	"domain/importrow.go badErr": true,
}

// messageArg is the index of the message format among the arguments of the constructors of
// problems; strict ones must be given a constant.
var messageArg = map[string]struct {
	index  int
	strict bool
}{
	"Errorf": {1, true}, "Invalid": {1, true}, "Invalidf": {1, true}, "Problem": {1, true},
	"Add": {1, false}, // Problems.Add; other Adds take no message
	"bad": {2, false}, // importRow.bad
}

// codeMessage is a message format the code can put into an Error or a FieldError, and where.
type codeMessage struct {
	format string
	at     string
}

// messagesInCode reads every non-test Go file of the module and returns the message formats
// given to Errorf, Invalid, Invalidf, Problem, Problems.Add and the Message of an Error or
// FieldError literal. A message that is not a constant cannot be translated: it is returned in
// bad.
func messagesInCode(t *testing.T) (found []codeMessage, bad []string) {
	t.Helper()
	root := ".."
	fset := token.NewFileSet()
	consts := map[string]map[string]string{} // package dir → constant name → value
	var files []*ast.File
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files, dirs = append(files, f), append(dirs, filepath.Dir(path))
		dir := filepath.Dir(path)
		if consts[dir] == nil {
			consts[dir] = map[string]string{}
		}
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[dir][name.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		dir := dirs[i]
		rel, _ := filepath.Rel(root, fset.Position(f.Pos()).Filename)
		rel = filepath.ToSlash(rel)
		if rel == "domain/error.go" || rel == "domain/messages_vi.go" {
			continue // the constructors themselves
		}
		inDomain := f.Name.Name == "domain"
		// constant resolves a string literal, a concatenation of them, or a string constant.
		var constant func(e ast.Expr) (string, bool)
		constant = func(e ast.Expr) (string, bool) {
			switch e := e.(type) {
			case *ast.BasicLit:
				if e.Kind == token.STRING {
					s, err := strconv.Unquote(e.Value)
					return s, err == nil
				}
			case *ast.Ident:
				s, ok := consts[dir][e.Name]
				return s, ok
			case *ast.BinaryExpr:
				if e.Op == token.ADD {
					a, ok1 := constant(e.X)
					b, ok2 := constant(e.Y)
					return a + b, ok1 && ok2
				}
			case *ast.ParenExpr:
				return constant(e.X)
			}
			return "", false
		}
		isDomain := func(e ast.Expr, names ...string) (string, bool) {
			var name string
			switch e := e.(type) {
			case *ast.Ident:
				if !inDomain {
					return "", false
				}
				name = e.Name
			case *ast.SelectorExpr:
				if x, ok := e.X.(*ast.Ident); !ok || x.Name != "domain" {
					return "", false
				}
				name = e.Sel.Name
			default:
				return "", false
			}
			for _, n := range names {
				if n == name {
					return name, true
				}
			}
			return "", false
		}
		fn := ""
		record := func(e ast.Expr, pos token.Pos, strict bool) {
			at := fset.Position(pos).String()
			if s, ok := constant(e); ok {
				found = append(found, codeMessage{s, at})
			} else if strict && !passOn[rel+" "+fn] {
				bad = append(bad, at)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				fn = n.Name.Name
				return !startupOnly[rel+" "+fn]
			case *ast.CallExpr:
				if name, ok := isDomain(n.Fun, "Errorf", "Invalid", "Invalidf", "Problem"); ok {
					if m := messageArg[name]; len(n.Args) > m.index {
						record(n.Args[m.index], n.Pos(), true)
					}
				} else if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					if m, ok := messageArg[sel.Sel.Name]; ok && !m.strict && len(n.Args) > m.index {
						record(n.Args[m.index], n.Pos(), false)
					}
				}
			case *ast.CompositeLit:
				messages := func(lit *ast.CompositeLit) {
					for _, el := range lit.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
								record(kv.Value, kv.Pos(), true)
							}
						}
					}
				}
				if _, ok := isDomain(n.Type, "Error", "FieldError"); ok {
					messages(n)
				} else if at, ok := n.Type.(*ast.ArrayType); ok {
					if _, ok := isDomain(at.Elt, "FieldError"); ok {
						for _, el := range n.Elts { // []FieldError{{...}}: the elements' type is elided
							if lit, ok := el.(*ast.CompositeLit); ok && lit.Type == nil {
								messages(lit)
							}
						}
					}
				}
			}
			return true
		})
	}
	return found, bad
}

// TestEveryMessageIsTranslated walks the code for every message a problem can carry and checks
// that the catalogue has it in Vietnamese and in English, with the same arguments.
func TestEveryMessageIsTranslated(t *testing.T) {
	t.Parallel()
	found, bad := messagesInCode(t)
	for _, at := range bad {
		t.Errorf("%s: the message is not a constant format, so it cannot be translated; use Errorf, Invalidf or Problem", at)
	}
	if len(found) < 150 {
		t.Fatalf("found only %d messages in the code; the walk is broken", len(found))
	}
	seen := map[string]bool{}
	for _, m := range found {
		if seen[m.format] {
			continue
		}
		seen[m.format] = true
		vi, ok := catalogue[m.format]
		if !ok {
			t.Errorf("%s: %q has no Vietnamese message", m.at, m.format)
			continue
		}
		checkPair(t, m.format, vi)
	}
	for _, m := range extraMessages {
		seen[m] = true
		if _, ok := catalogue[m]; !ok {
			t.Errorf("%q has no Vietnamese message", m)
		}
	}
	for _, en := range Messages() {
		if !seen[en] { // harmless, and the text of code merged from elsewhere may come later
			t.Logf("the catalogue translates %q, which the code does not say", en)
		}
	}
}

// TestCatalogue checks each entry of the catalogue: a Vietnamese message that takes the same
// arguments as the English one, and no English left in it.
func TestCatalogue(t *testing.T) {
	t.Parallel()
	keys := Messages()
	if len(keys) != len(catalogue) {
		t.Fatalf("Messages() lists %d, the catalogue holds %d", len(keys), len(catalogue))
	}
	for _, en := range keys {
		checkPair(t, en, catalogue[en])
	}
}

var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0-9.]*[a-zA-Z%]`)

// checkPair checks a message's two languages: both formats render the same sample arguments
// without a formatting error, and use each of them.
func checkPair(t *testing.T, en, vi string) {
	t.Helper()
	if strings.TrimSpace(vi) == "" || strings.TrimSpace(en) == "" {
		t.Errorf("%q: a message is empty", en)
		return
	}
	var args []any
	for _, v := range verbRE.FindAllString(en, -1) {
		switch v[len(v)-1] {
		case '%':
		case 'd':
			args = append(args, 40+len(args))
		default:
			args = append(args, fmt.Sprintf("ARG%d", len(args)))
		}
	}
	for _, lang := range []Lang{LangVI, LangEN} {
		got := Translate(lang, en, args...)
		if strings.Contains(got, "%!") {
			t.Errorf("%q in %s renders as %q", en, lang, got)
		}
		for i, a := range args {
			if !strings.Contains(got, fmt.Sprint(a)) {
				t.Errorf("%q in %s does not show argument %d: %q", en, lang, i+1, got)
			}
		}
	}
	if vi == en && len(verbRE.ReplaceAllString(en, "")) > 3 {
		t.Errorf("%q is not translated", en)
	}
}

func TestTranslate(t *testing.T) {
	t.Parallel()
	day := Date{2025, time.March, 9}
	at := time.Date(2025, time.March, 9, 2, 5, 0, 0, time.UTC)
	tests := []struct {
		lang   Lang
		format string
		args   []any
		want   string
	}{
		{LangVI, "is required", nil, "là bắt buộc"},
		{LangEN, "is required", nil, "is required"},
		{LangVI, "There is no procedure %s in the catalogue.", []any{"1.2.H38"}, "Không có thủ tục mã 1.2.H38 trong danh mục."},
		{LangVI, "The procedure %s is not in force on %s.", []any{"1.2.H38", day}, "Thủ tục 1.2.H38 không có hiệu lực vào ngày 09/03/2025."},
		{LangEN, "The procedure %s is not in force on %s.", []any{"1.2.H38", day}, "The procedure 1.2.H38 is not in force on 2025-03-09."},
		{LangVI, "There is no agency %s.", []any{"H30.1"}, "Không có cơ quan mã H30.1."},
		{LangVI, "action %s is not allowed on a dossier that is %s", []any{ActionStart, StatusPaused},
			"Không thể thực hiện «bắt đầu giải quyết» với hồ sơ đang ở trạng thái «Tạm dừng giải quyết»."},
		{LangVI, "%s at %s", []any{"x", at}, "%s at %s"}, // unknown: as given, formatted in English
		{LangVI, "an unknown message", nil, "an unknown message"},
	}
	for _, tt := range tests {
		if tt.format == "%s at %s" {
			tt.want = fmt.Sprintf("%s at %s", tt.args...)
		}
		if got := Translate(tt.lang, tt.format, tt.args...); got != tt.want {
			t.Errorf("Translate(%s, %q) = %q, want %q", tt.lang, tt.format, got, tt.want)
		}
	}
	if got := localArg(LangVI, at); got != "09:05 09/03/2025" {
		t.Errorf("a time in Vietnamese is %q", got)
	}
}

func TestLocalize(t *testing.T) {
	t.Parallel()
	var p Problems
	p.Add("applicant.name", "is required")
	p.Add("note", "is longer than %d bytes", 2000)
	err := fmt.Errorf("wrapped: %w", p.Err())
	vi := Localize(err, LangVI)
	if vi.Code != EINVALID || vi.Message != "Dữ liệu không hợp lệ." || len(vi.Fields) != 2 ||
		vi.Fields[0].Message != "là bắt buộc" || vi.Fields[1].Message != "dài quá 2000 byte" {
		t.Errorf("Localize(vi) = %+v", vi)
	}
	en := Localize(err, LangEN)
	if en.Message != "invalid input" || en.Fields[1].Message != "is longer than 2000 bytes" {
		t.Errorf("Localize(en) = %+v", en)
	}
	if got := p[0].Message; got != "is required" {
		t.Errorf("Localize changed the error: %q", got)
	}
	if got := Localize(fmt.Errorf("secret SQL"), LangVI); got.Code != EINTERNAL || got.Message != "Lỗi hệ thống." {
		t.Errorf("an unknown error localizes to %+v", got)
	}
	if Localize(nil, LangVI) != nil {
		t.Error("Localize(nil) is not nil")
	}
	fm := FieldMessages(err, LangVI)
	if fm["applicant.name"] != "là bắt buộc" || len(fm) != 2 {
		t.Errorf("FieldMessages = %v", fm)
	}
}

func TestTitles(t *testing.T) {
	t.Parallel()
	codes := Codes()
	sort.Strings(codes)
	if len(codes) < 11 {
		t.Fatalf("Codes() = %v", codes)
	}
	for _, c := range codes {
		vi, en := Title(c, LangVI), Title(c, LangEN)
		if vi == "" || en == "" || vi == en {
			t.Errorf("code %s: titles %q, %q", c, vi, en)
		}
	}
}
