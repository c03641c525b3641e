package forms_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"motcua/domain"
	"motcua/forms"
)

func sampleApology(tb testing.TB) forms.Apology {
	return forms.Apology{
		Code:             "000.00.24.H50-241212-0001",
		AgencyName:       "Ủy ban nhân dân thành phố Điện Biên Phủ",
		ApplicantName:    "Nguyễn Thị Hồng Đào",
		ProcedureName:    "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do đổi tên",
		Reason:           "Hồ sơ phải xác minh nguồn gốc sử dụng đất với Ủy ban nhân dân phường Mường Thanh.",
		ReceivedAt:       vn(2024, 12, 12, 10, 5),
		DueAt:            vn(2024, 12, 17, 10, 5),
		NewAppointmentAt: time.Date(2024, 12, 24, 7, 30, 0, 0, time.UTC), // 14:30 in Vietnam
		IssuedAt:         vn(2024, 12, 16, 9, 0),
		LookupURL:        MustLookupURL(tb),
	}
}

func MustRenderApology(tb testing.TB, a forms.Apology) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := forms.RenderApology(&buf, a); err != nil {
		tb.Fatalf("RenderApology: %v", err)
	}
	return buf.Bytes()
}

func TestRenderApology(t *testing.T) {
	MustTools(t)
	long := sampleApology(t)
	long.Reason = strings.Repeat("Chờ kết quả đo đạc lại ranh giới thửa đất của Văn phòng đăng ký đất đai chi nhánh thành phố. ", 12) +
		"\nDòng thứ hai của lý do."
	tests := []struct {
		name  string
		a     forms.Apology
		pages int
		want  []string
	}{
		{"sample", sampleApology(t), 1, []string{
			"PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
			"Kính gửi: Ông/Bà Nguyễn Thị Hồng Đào",
			"Mã hồ sơ: 000.00.24.H50-241212-0001",
			"Lý do: Hồ sơ phải xác minh nguồn gốc sử dụng đất với Ủy ban nhân dân phường Mường Thanh.",
			"Thời hạn trả kết quả giải quyết hồ sơ: 10 giờ 05 phút, ngày 17 tháng 12 năm 2024",
			"hẹn trả kết quả giải quyết hồ sơ vào 14 giờ 30 phút, ngày 24 tháng 12 năm 2024.",
			"Ngày 12 tháng 12 năm 2024, Ủy ban nhân dân thành phố Điện Biên Phủ tiếp nhận",
			"Ngày 16 tháng 12 năm 2024",
			"Quét mã để tra cứu tình trạng hồ sơ",
		}},
		{"long reason", long, 2, []string{"Dòng thứ hai của lý do.", "ngày 24 tháng 12 năm 2024", "Trang 2/2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := MustWrite(t, ArtifactDir(t), "apology.pdf", MustRenderApology(t, tt.a))
			text := PDFText(t, path)
			for _, want := range tt.want {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q\ntext: %s", want, text)
				}
			}
			pages := PDFWords(t, path)
			if len(pages) != tt.pages {
				t.Fatalf("%d pages, want %d", len(pages), tt.pages)
			}
			if w, h := pages[0].Width, pages[0].Height; w < 595 || w > 596 || h < 841 || h > 842 {
				t.Errorf("page is %.1fx%.1f pt, want A4 portrait", w, h)
			}
			CheckInside(t, pages, 30)
			if got := DecodeQR(t, RasterPage(t, path, tt.pages)); got != tt.a.LookupURL {
				t.Errorf("QR code holds %q, want %q", got, tt.a.LookupURL)
			}
		})
	}
}

func TestRenderApologyInvalid(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*forms.Apology)
		field string
	}{
		{"no reason", func(a *forms.Apology) { a.Reason = " \n " }, "reason"},
		{"no new appointment", func(a *forms.Apology) { a.NewAppointmentAt = time.Time{} }, "new_appointment_at"},
		{"no issue date", func(a *forms.Apology) { a.IssuedAt = time.Time{} }, "issued_at"},
		{"no code", func(a *forms.Apology) { a.Code = "" }, "code"},
		{"no QR content", func(a *forms.Apology) { a.LookupURL = "" }, "lookup_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sampleApology(t)
			tt.edit(&a)
			var buf bytes.Buffer
			err := forms.RenderApology(&buf, a)
			if got := domain.ErrorCode(err); got != domain.EINVALID {
				t.Fatalf("code %q, want %q (err %v)", got, domain.EINVALID, err)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %q does not name %q", err, tt.field)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", buf.Len())
			}
		})
	}
}

func BenchmarkRenderApology(b *testing.B) {
	a := sampleApology(b)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := forms.RenderApology(&buf, a); err != nil {
			b.Fatal(err)
		}
	}
}
