package export

import (
	"testing"

	"motcua/domain"
)

// Every manual item appears once, where its TT says, and no fixed label needs neutralising.
func TestAppendixRows_Layout(t *testing.T) {
	a := &domain.Appendix{Levels: []string{"province", "district", "commune"}}
	rows := appendixRows(a)
	placed := map[string]int{}
	for _, r := range rows {
		if safeText(r.label) != r.label || safeText(r.tt) != r.tt || safeText(r.unit) != r.unit {
			t.Errorf("row %q would be neutralised", r.label)
		}
		if r.key == "" {
			continue
		}
		placed[r.key]++
		it, ok := domain.FindManualItem(r.key)
		if !ok {
			t.Errorf("layout shows unknown manual item %q", r.key)
			continue
		}
		if r.place != it.TT {
			t.Errorf("%s is placed under %s, its TT is %s", r.key, r.place, it.TT)
		}
		if r.has {
			t.Errorf("%s has a value though none was entered", r.key)
		}
	}
	for _, it := range domain.ManualItems {
		if placed[it.Key] != 1 {
			t.Errorf("manual item %s placed %d times", it.Key, placed[it.Key])
		}
	}
}

func TestSafeText(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"": "", "Hộ tịch": "Hộ tịch", "– Số TTHC": "– Số TTHC", "1=1": "1=1", " =1": " =1",
	} {
		if got := safeText(in); got != want {
			t.Errorf("safeText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNumberAndTitles(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", 16865: "16.865", 1234567: "1.234.567"} {
		if got := number(n); got != want {
			t.Errorf("number(%d) = %q, want %q", n, got, want)
		}
	}
	for _, tt := range []struct {
		kind   domain.PeriodKind
		number int
		want   string
	}{
		{"month", 1, "THÁNG 1 NĂM 2024"}, {"quarter", 4, "QUÝ IV NĂM 2024"}, {"half", 1, "6 THÁNG ĐẦU NĂM 2024"},
		{"half", 2, "6 THÁNG CUỐI NĂM 2024"}, {"nine_months", 0, "9 THÁNG NĂM 2024"}, {"year", 0, "NĂM 2024"},
	} {
		p, err := domain.NewPeriod(tt.kind, 2024, tt.number, domain.CutoffCalendar)
		if err != nil {
			t.Fatal(err)
		}
		if got := periodTitle(p); got != tt.want {
			t.Errorf("periodTitle(%s) = %q, want %q", p.Key(), got, tt.want)
		}
	}
}
