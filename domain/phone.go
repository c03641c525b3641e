package domain

import "strings"

// NormalizePhone returns the phone number as the desk keeps it: the separators people type
// (spaces, dots, dashes, parentheses) removed, and a Vietnamese number in its national form,
// "+84 912 345 678", "84912345678" and "0084 912 345 678" all becoming "0912345678". A
// number of another country keeps its "+"; anything that is not a phone number is returned
// with only the separators removed, for Validate to refuse.
func NormalizePhone(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\u00a0', '.', '-', '(', ')':
			return -1
		}
		return r
	}, s)
	national := func(rest string) bool { return len(rest) >= 9 && len(rest) <= 10 && rest[0] != '0' && allDigits(rest) }
	for _, prefix := range []string{"+84", "0084", "84"} {
		if rest, ok := strings.CutPrefix(s, prefix); ok && national(rest) {
			return "0" + rest
		}
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
