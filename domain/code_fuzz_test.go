package domain_test

import (
	"strconv"
	"strings"
	"testing"

	"motcua/domain"
)

// FuzzParseCode checks ParseCode on arbitrary text: it never panics; it refuses with EINVALID;
// and whatever it accepts is a well-formed code (upper case, at most 60 bytes, an agency code of
// digits and capitals in dot-separated groups, a real date of 2000–2099, a sequence from 1) that
// FormatCode writes back to the same parts. Seeds are in testdata/fuzz/FuzzParseCode.
func FuzzParseCode(f *testing.F) {
	f.Add("000.00.24.H50-241212-0001")
	f.Fuzz(func(t *testing.T, code string) {
		agency, day, seq, err := domain.ParseCode(code)
		if err != nil {
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("ParseCode(%q) = %v, want an EINVALID error", code, err)
			}
			return
		}
		switch {
		case len(code) > 60:
			t.Fatalf("accepted %d bytes: %q", len(code), code)
		case strings.ToUpper(code) != code:
			t.Fatalf("accepted a code that is not upper case: %q", code)
		case agency == "" || strings.Trim(agency, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.") != "" ||
			strings.HasPrefix(agency, ".") || strings.HasSuffix(agency, ".") || strings.Contains(agency, ".."):
			t.Fatalf("accepted agency part %q of %q", agency, code)
		case seq < 1 || seq > 999999:
			t.Fatalf("accepted sequence %d of %q", seq, code)
		case day.Year < 2000 || day.Year > 2099:
			t.Fatalf("accepted year %d of %q", day.Year, code)
		}
		if again, err := domain.ParseDate(day.String()); err != nil || again != day {
			t.Fatalf("accepted date %v of %q, which is not a real date", day, code)
		}
		// The parts are the code's, in order.
		num := code[strings.LastIndexByte(code, '-')+1:]
		if n, err := strconv.Atoi(num); err != nil || n != seq {
			t.Fatalf("%q: sequence %d, but the code ends in %q", code, seq, num)
		}
		want := agency + "-" + strconv.Itoa(day.Year%100 + 100)[1:] + strconv.Itoa(int(day.Month) + 100)[1:] + strconv.Itoa(day.Day + 100)[1:] + "-" + num
		if want != code {
			t.Fatalf("%q parsed into %q, %v, %d, which spell %q", code, agency, day, seq, want)
		}
		// FormatCode writes the parts back, and ParseCode reads them again.
		formatted := domain.FormatCode(agency, day, seq)
		if len(num) == 4 || num[0] != '0' {
			if formatted != code {
				t.Fatalf("FormatCode(%q, %v, %d) = %q, want %q", agency, day, seq, formatted, code)
			}
		}
		a2, d2, s2, err := domain.ParseCode(formatted)
		if err != nil || a2 != agency || d2 != day || s2 != seq {
			t.Fatalf("ParseCode(FormatCode(...)) of %q = %q, %v, %d, %v", code, a2, d2, s2, err)
		}
	})
}
