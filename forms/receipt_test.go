package forms_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/domain"
	"motcua/forms"
	"motcua/qr"
)

func sampleReceipt(tb testing.TB) forms.Receipt {
	return forms.Receipt{
		Code:              "000.00.24.H50-241212-0001",
		AgencyName:        "Ủy ban nhân dân thành phố Điện Biên Phủ",
		AgencyParentName:  "Ủy ban nhân dân tỉnh Điện Biên",
		ApplicantName:     "Nguyễn Thị Hồng Đào",
		ApplicantIDNumber: "011190001234",
		ApplicantPhone:    "0912 345 678",
		ApplicantAddress:  "Số 12, tổ dân phố 5, phường Mường Thanh, thành phố Điện Biên Phủ, tỉnh Điện Biên",
		ProcedureName:     "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do đổi tên",
		FieldName:         "Đất đai",
		Documents: []string{
			"Đơn đăng ký biến động đất đai, tài sản gắn liền với đất theo Mẫu số 11/ĐK (bản chính)",
			"Giấy chứng nhận quyền sử dụng đất đã cấp (bản gốc)",
			"Văn bản của cơ quan có thẩm quyền cho phép đổi tên (bản sao có chứng thực)",
		},
		TimeLimit:     "03 ngày làm việc",
		ReceivedAt:    time.Date(2024, 12, 12, 3, 5, 0, 0, time.UTC), // 10:05 in Vietnam
		DueAt:         time.Date(2024, 12, 17, 3, 5, 0, 0, time.UTC),
		ReturnChannel: "direct",
		ReceiverName:  "Lò Văn Thắng",
		LookupURL:     MustLookupURL(tb),
	}
}

func MustRenderReceipt(tb testing.TB, r forms.Receipt) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := forms.RenderReceipt(&buf, r); err != nil {
		tb.Fatalf("RenderReceipt: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		tb.Fatalf("output is not a PDF")
	}
	return buf.Bytes()
}

func TestRenderReceipt(t *testing.T) {
	MustTools(t)
	withPNG := sampleReceipt(t)
	png, err := qr.PNG(withPNG.LookupURL)
	if err != nil {
		t.Fatal(err)
	}
	withPNG.QRPNG = png

	tests := []struct {
		name string
		r    forms.Receipt
		want []string
	}{
		{"direct", sampleReceipt(t), []string{
			"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
			"Mã hồ sơ: 000.00.24.H50-241212-0001",
			"Nguyễn Thị Hồng Đào",
			"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
			"Độc lập - Tự do - Hạnh phúc",
			"ỦY BAN NHÂN DÂN THÀNH PHỐ ĐIỆN BIÊN PHỦ",
			"Thời gian nhận hồ sơ: 10 giờ 05 phút, ngày 12 tháng 12 năm 2024",
			"Thời gian trả kết quả giải quyết hồ sơ: 10 giờ 05 phút, ngày 17 tháng 12 năm 2024",
			"1) Đơn đăng ký biến động đất đai",
			"3) Văn bản của cơ quan có thẩm quyền cho phép đổi tên (bản sao có chứng thực)",
			"03 ngày làm việc",
			"Tại Bộ phận Một cửa",
			"Quét mã để tra cứu tình trạng hồ sơ",
			"NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Lò Văn Thắng",
			"Mẫu số 01 – Thông tư 01/2018/TT-VPCP", // the law in force on 12/12/2024
		}},
		{"given QR image", withPNG, []string{"Nguyễn Thị Hồng Đào", "000.00.24.H50-241212-0001"}},
		{"postal, no documents", func() forms.Receipt {
			r := sampleReceipt(t)
			r.ReturnChannel, r.Documents, r.AgencyParentName = "postal", nil, ""
			r.ReceivedAt, r.DueAt = vn(2025, 2, 3, 7, 0), vn(2025, 2, 3, 17, 0)
			return r
		}(), []string{
			"Theo quy định của thủ tục",
			"Qua dịch vụ bưu chính công ích",
			"Thời gian nhận hồ sơ: 07 giờ 00 phút, ngày 03 tháng 02 năm 2025",
			"Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 03 tháng 02 năm 2025",
		}},
		{"under the law of 1 July 2025", func() forms.Receipt {
			r := sampleReceipt(t)
			r.ReceivedAt, r.DueAt = vn(2026, 3, 2, 9, 0), vn(2026, 3, 5, 9, 0)
			return r
		}(), []string{"Mẫu số 01 – Thông tư 03/2025/TT-VPCP"}},
		{"online", func() forms.Receipt {
			r := sampleReceipt(t)
			r.ReturnChannel = "online"
			return r
		}(), []string{"Đăng ký nhận kết quả: Trực tuyến"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := ArtifactDir(t)
			path := MustWrite(t, dir, "receipt.pdf", MustRenderReceipt(t, tt.r))
			text := PDFText(t, path)
			for _, want := range tt.want {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q\ntext: %s", want, text)
				}
			}
			if tt.r.Documents == nil && strings.Contains(text, "1)") {
				t.Errorf("documents listed for a receipt without documents")
			}
			pages := PDFWords(t, path)
			if len(pages) != 1 {
				t.Errorf("%d pages, want 1", len(pages))
			}
			if w, h := pages[0].Width, pages[0].Height; w < 419 || w > 420 || h < 595 || h > 596 {
				t.Errorf("page is %.1fx%.1f pt, want A5 portrait (419.5x595.3)", w, h)
			}
			CheckInside(t, pages, 14)
			if got := DecodeQR(t, RasterPage(t, path, 1)); got != tt.r.LookupURL {
				t.Errorf("QR code holds %q, want %q", got, tt.r.LookupURL)
			}
		})
	}
}

// Long names, addresses and documents wrap inside the page, onto a second
// page if need be, and keep every word.
func TestRenderReceiptLongText(t *testing.T) {
	MustTools(t)
	r := sampleReceipt(t)
	r.ApplicantName = "Công ty Trách nhiệm hữu hạn Một thành viên Thương mại Dịch vụ Xây dựng và Phát triển Nông nghiệp Công nghệ cao Tây Bắc Việt Nam"
	r.AgencyName = "Ủy ban nhân dân phường Nam Thanh thuộc thành phố Điện Biên Phủ tỉnh Điện Biên"
	r.ApplicantAddress = strings.Repeat("Bản Him Lam 2, xã Thanh Minh, ", 6) + "tỉnh Điện Biên"
	r.ApplicantIDNumber = strings.Repeat("0123456789", 12) // one word longer than a line
	r.Documents = nil
	for i := 0; i < 25; i++ {
		r.Documents = append(r.Documents, "Bản sao Giấy chứng nhận đăng ký doanh nghiệp có chứng thực của cơ quan có thẩm quyền, kèm bản dịch công chứng")
	}
	path := MustWrite(t, ArtifactDir(t), "receipt-long.pdf", MustRenderReceipt(t, r))
	pages := PDFWords(t, path)
	if len(pages) < 2 {
		t.Errorf("%d page(s); 25 long documents should need two", len(pages))
	}
	CheckInside(t, pages, 14)
	text := PDFText(t, path)
	for _, want := range []string{r.ApplicantName, "25) Bản sao Giấy chứng nhận", "Thời gian trả kết quả giải quyết hồ sơ: 10 giờ 05 phút, ngày 17 tháng 12 năm 2024"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if !strings.Contains(strings.ReplaceAll(text, " ", ""), r.ApplicantIDNumber) {
		t.Errorf("the long ID number was not printed whole")
	}
	last := len(pages)
	if got := DecodeQR(t, RasterPage(t, path, last)); got != r.LookupURL {
		t.Errorf("QR code on page %d holds %q, want %q", last, got, r.LookupURL)
	}
}

func TestRenderReceiptInvalid(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*forms.Receipt)
		field string
	}{
		{"no code", func(r *forms.Receipt) { r.Code = " " }, "code"},
		{"no applicant", func(r *forms.Receipt) { r.ApplicantName = "" }, "applicant_name"},
		{"no agency", func(r *forms.Receipt) { r.AgencyName = "" }, "agency_name"},
		{"no procedure", func(r *forms.Receipt) { r.ProcedureName = "" }, "procedure_name"},
		{"no intake time", func(r *forms.Receipt) { r.ReceivedAt = time.Time{} }, "received_at"},
		{"no due time", func(r *forms.Receipt) { r.DueAt = time.Time{} }, "due_at"},
		{"unknown return channel", func(r *forms.Receipt) { r.ReturnChannel = "pigeon" }, "return_channel"},
		{"no return channel", func(r *forms.Receipt) { r.ReturnChannel = "" }, "return_channel"},
		{"no QR content", func(r *forms.Receipt) { r.LookupURL, r.QRPNG = "", nil }, "lookup_url"},
		{"QR content too long", func(r *forms.Receipt) { r.LookupURL = strings.Repeat("x", qr.MaxContent+1) }, "content"},
		{"not a PNG", func(r *forms.Receipt) { r.QRPNG = []byte("GIF89a not a png") }, "qr_png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleReceipt(t)
			tt.edit(&r)
			var buf bytes.Buffer
			err := forms.RenderReceipt(&buf, r)
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

// Text the fonts cannot address (emoji, control characters) must not crash the
// renderer, and decomposed Vietnamese is printed composed.
func TestRenderReceiptOddText(t *testing.T) {
	MustTools(t)
	r := sampleReceipt(t)
	r.ApplicantName = "Nguye\u0302\u0303n Thi\u0323 Ho\u0302\u0300ng \u0110a\u0300o" // NFD
	r.ApplicantAddress = "Tổ 1\tphường 2\r\n\x00😀 𝔘 \u202e"
	r.Documents = []string{"", "  ", "Tờ khai\n(bản chính)"}
	path := MustWrite(t, ArtifactDir(t), "receipt-odd.pdf", MustRenderReceipt(t, r))
	text := PDFText(t, path)
	for _, want := range []string{"Nguyễn Thị Hồng Đào", "1) Tờ khai (bản chính)"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q\n%s", want, text)
		}
	}
	if strings.Contains(text, "2)") {
		t.Errorf("blank documents were listed")
	}
}

func TestRenderReceiptDeterministic(t *testing.T) {
	r := sampleReceipt(t)
	a, b := MustRenderReceipt(t, r), MustRenderReceipt(t, r)
	if !bytes.Equal(a, b) {
		t.Errorf("two renderings of the same receipt differ")
	}
}

func TestRenderReceiptConcurrent(t *testing.T) {
	r := sampleReceipt(t)
	want := MustRenderReceipt(t, r)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			if err := forms.RenderReceipt(&buf, r); err != nil {
				t.Error(err)
				return
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Error("a concurrent rendering differs")
			}
		}()
	}
	wg.Wait()
}

func BenchmarkRenderReceipt(b *testing.B) {
	r := sampleReceipt(b)
	png, err := qr.PNG(r.LookupURL)
	if err != nil {
		b.Fatal(err)
	}
	r.QRPNG = png
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := forms.RenderReceipt(&buf, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "pdf-bytes")
}
