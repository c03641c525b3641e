package forms

import (
	"fmt"
	"io"
	"time"

	"motcua/domain"
)

// Receipt is what form 01 (giấy tiếp nhận hồ sơ và hẹn trả kết quả) prints.
// QRPNG is the QR code image; when empty, one is drawn from LookupURL.
type Receipt struct {
	Code              string
	AgencyName        string
	AgencyParentName  string
	ApplicantName     string
	ApplicantIDNumber string
	ApplicantPhone    string
	ApplicantAddress  string
	ProcedureName     string
	FieldName         string
	Documents         []string
	TimeLimit         string
	ReceivedAt        time.Time
	DueAt             time.Time
	ReturnChannel     string // direct, online or postal
	ReceiverName      string
	LookupURL         string
	QRPNG             []byte
}

// returnPlaces says in Vietnamese where each return channel hands the result back.
var returnPlaces = map[string]string{
	"direct": "Tại Bộ phận Một cửa",
	"postal": "Qua dịch vụ bưu chính công ích",
	"online": "Trực tuyến",
}

var receiptLayout = layout{
	width: 148, height: 210, left: 14, top: 10, right: 12, bottom: 12,
	headLeftW: 50, headGap: 2,
	head: 7.5, title: 11, body: 9, small: 7.5, line: 4.4,
	qrSize: 27, sigGap: 13,
}

// RenderReceipt writes the receipt, form 01 of the circular in force on the intake day
// (Thông tư 01/2018/TT-VPCP, from 1/7/2025 Thông tư 03/2025/TT-VPCP: domain.LawAt), as an
// A5 PDF to w, with times in Vietnam's time zone. It returns EINVALID when a
// required field is missing, the return channel is unknown, or the QR code
// cannot be drawn.
func RenderReceipt(w io.Writer, r Receipt) error {
	r = r.cleaned()
	if err := r.validate(); err != nil {
		return err
	}
	png, err := qrImage(r.QRPNG, r.LookupURL)
	if err != nil {
		return err
	}
	return render(w, r.Code, func(footer bool) (*doc, error) {
		d := newDoc(receiptLayout, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả "+r.Code, r.ReceivedAt)
		if footer {
			d.footer(r.Code)
		}
		return d, r.draw(d, png)
	})
}

func (r Receipt) cleaned() Receipt {
	for _, p := range []*string{&r.Code, &r.AgencyName, &r.AgencyParentName, &r.ApplicantName,
		&r.ApplicantIDNumber, &r.ApplicantPhone, &r.ApplicantAddress, &r.ProcedureName,
		&r.FieldName, &r.TimeLimit, &r.ReturnChannel, &r.ReceiverName, &r.LookupURL} {
		*p = clean(*p, false)
	}
	docs := make([]string, 0, len(r.Documents))
	for _, s := range r.Documents {
		if s = clean(s, false); s != "" {
			docs = append(docs, s)
		}
	}
	r.Documents = docs
	return r
}

func (r Receipt) validate() error {
	var p domain.Problems
	require(&p, "code", r.Code, "agency_name", r.AgencyName, "applicant_name", r.ApplicantName,
		"procedure_name", r.ProcedureName)
	requireTime(&p, "received_at", r.ReceivedAt)
	requireTime(&p, "due_at", r.DueAt)
	if _, ok := returnPlaces[r.ReturnChannel]; !ok {
		p.Add("return_channel", "must be direct, online or postal")
	}
	return p.Err()
}

func (r Receipt) draw(d *doc, png []byte) error {
	l := d.l
	d.formNumber(domain.LawAt(domain.DateOf(r.ReceivedAt)).Form("01"))
	d.header([]headLine{
		{r.AgencyParentName, false},
		{r.AgencyName, r.AgencyParentName != ""},
		{"Bộ phận Một cửa", true},
	}, capitalize(dateVN(r.ReceivedAt)))

	d.SetY(d.GetY() + 1)
	d.centered(l.left, d.width(), "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", true, l.title)
	d.SetY(d.GetY() + 0.5)
	d.centered(l.left, d.width(), "Mã hồ sơ: "+r.Code, true, l.body+1)
	d.SetY(d.GetY() + 2.5)

	d.field("Bộ phận Một cửa", r.AgencyName+" tiếp nhận hồ sơ của:", false, 0)
	d.field("Ông/Bà:", r.ApplicantName, true, 0)
	if r.ApplicantIDNumber != "" {
		d.field("Số định danh cá nhân/CCCD:", r.ApplicantIDNumber, false, 0)
	}
	if r.ApplicantAddress != "" {
		d.field("Địa chỉ:", r.ApplicantAddress, false, 0)
	}
	if r.ApplicantPhone != "" {
		d.field("Số điện thoại:", r.ApplicantPhone, false, 0)
	}
	d.field("Nội dung yêu cầu giải quyết:", r.ProcedureName, true, 0)
	if r.FieldName != "" {
		d.field("Lĩnh vực:", r.FieldName, false, 0)
	}

	n := 0
	item := func() string { n++; return fmt.Sprintf("%d.", n) }
	d.field(item(), "Thành phần hồ sơ nộp gồm:", false, 0)
	if len(r.Documents) == 0 {
		d.para(4, 4, plain("Theo quy định của thủ tục."))
	}
	d.font(false, l.body)
	numW := d.GetStringWidth(fmt.Sprintf("%d)", len(r.Documents))) + 1.5
	for i, doc := range r.Documents {
		d.item(3, numW, fmt.Sprintf("%d)", i+1), doc)
	}
	if r.TimeLimit != "" {
		d.field(item(), "Thời gian giải quyết hồ sơ theo quy định: "+r.TimeLimit, false, 0)
	}
	d.field(item()+" Thời gian nhận hồ sơ:", timeVN(r.ReceivedAt), false, 0)
	d.field(item()+" Thời gian trả kết quả giải quyết hồ sơ:", timeVN(r.DueAt), true, 0)
	d.field(item()+" Đăng ký nhận kết quả:", returnPlaces[r.ReturnChannel], true, 0)
	d.SetY(d.GetY() + 2)

	// Keep the QR code and the signatures together.
	half := d.width() / 2
	sigH := max(d.signatureHeight(half, "NGƯỜI NỘP HỒ SƠ", r.ApplicantName),
		d.signatureHeight(half, "NGƯỜI TIẾP NHẬN HỒ SƠ", r.ReceiverName))
	d.ensure(l.qrSize + 2 + 1 + sigH)
	var notes []string
	if r.ReturnChannel == "direct" {
		notes = append(notes, "Khi đến nhận kết quả, ông/bà vui lòng mang theo Giấy này.")
	}
	if err := d.qrBlock(png, r.LookupURL, notes...); err != nil {
		return err
	}
	y := d.GetY() + 1
	y1 := d.signature(l.left, half, y, "NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", r.ApplicantName)
	y2 := d.signature(l.left+half, half, y, "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", r.ReceiverName)
	d.SetY(max(y1, y2))
	return nil
}
