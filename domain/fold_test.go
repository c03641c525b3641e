package domain

import "testing"

func TestFoldText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Nguyễn Văn An", "nguyen van an"},
		{"  ĐẶNG   thị  Đào ", "dang thi dao"},
		{"Phạm, Thị-Dung", "pham thi dung"},
		{"Nguye\u0302\u0303n", "nguyen"}, // decomposed marks
		{"Hồ Chí Minh 2024", "ho chi minh 2024"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := FoldText(tt.in); got != tt.want {
			t.Errorf("FoldText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Nguyễn Văn An", "Nguyễn V** A**"},
		{"Đặng Thị Hồng Đào", "Đặng T** H** Đ**"},
		{"An", "An"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
