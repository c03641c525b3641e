package importer_test

import (
	"testing"

	"motcua/importer"
)

func TestSeparator(t *testing.T) {
	tests := []struct {
		head string
		want rune
	}{
		{"code,agency_code,procedure_code\n1;2;3", ','},
		{"code;agency_code;procedure_code\r\n1,2,3", ';'},
		{"\ufeffcode;agency_code;procedure_code\n", ';'},
		{"agency_code;procedure_code", ';'},
		{"agency_code,procedure_code", ','},
		{"agency_code", ','},
		{"", ','},
		{"agency_code;procedure_code,applicant_name;channel", ';'}, // a stray comma is outvoted
		{"code\n;;;;", ','},                                        // only the header row counts
	}
	for _, tt := range tests {
		if got := importer.Separator([]byte(tt.head)); got != tt.want {
			t.Errorf("Separator(%q) = %q, want %q", tt.head, got, tt.want)
		}
	}
}
