package domain_test

import (
	"testing"

	"motcua/domain"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0912345678", "0912345678"},
		{"0912 345 678", "0912345678"},
		{"0912.345.678", "0912345678"},
		{"0912-345-678", "0912345678"},
		{" 0912 345 678 ", "0912345678"},
		{"(0299) 3821 234", "02993821234"},
		{"+84912345678", "0912345678"},
		{"+84 912 345 678", "0912345678"},
		{"84912345678", "0912345678"},
		{"84 912 345 678", "0912345678"},
		{"0084 912 345 678", "0912345678"},
		{"+84 299 3821 234", "02993821234"},
		{"+84 0912 345 678", "+840912345678"}, // not a Vietnamese number after +84: left for Validate
		{"84123456", "84123456"},              // eight digits: a local number, not +84
		{"+1 202 555 0143", "+12025550143"},
		{"+33 1 23 45 67 89", "+33123456789"},
		{"", ""},
		{"abc 123", "abc123"},
	}
	for _, tt := range tests {
		if got := domain.NormalizePhone(tt.in); got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The applicant's phone is kept normalised; what is still not a phone number is refused,
// naming the field.
func TestApplicantPhone(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"0912 345 678", "0912345678", true},
		{"+84 912.345.678", "0912345678", true},
		{"+1 202-555-0143", "+12025550143", true},
		{"", "", true},
		{"0912 345", "0912345", false},
		{"phone 0912345678", "phone0912345678", false},
		{"0912 345 678 ext 2", "0912345678ext2", false},
	}
	for _, tt := range tests {
		a := domain.Applicant{Name: "Nguyễn Văn An", Phone: tt.in}
		var p domain.Problems
		a.Validate("applicant.", &p)
		if a.Phone != tt.want {
			t.Errorf("%q kept as %q, want %q", tt.in, a.Phone, tt.want)
		}
		err := p.Err()
		if tt.ok && err != nil {
			t.Errorf("%q: %v", tt.in, err)
		}
		if !tt.ok && !namesField(err, "applicant.phone") {
			t.Errorf("%q: error %v, want one naming applicant.phone", tt.in, err)
		}
	}
}

func namesField(err error, field string) bool {
	e, ok := err.(*domain.Error)
	if !ok {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}
