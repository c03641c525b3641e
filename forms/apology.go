package forms

import (
	"io"
	"time"

	"motcua/domain"
)

// Apology is what form 04 (phiếu xin lỗi và hẹn lại ngày trả kết quả) prints.
// QRPNG is the QR code image; when empty, one is drawn from LookupURL.
type Apology struct {
	Code             string
	AgencyName       string
	ApplicantName    string
	ProcedureName    string
	Reason           string
	ReceivedAt       time.Time
	DueAt            time.Time
	NewAppointmentAt time.Time
	IssuedAt         time.Time
	LookupURL        string
	QRPNG            []byte
}

var apologyLayout = layout{
	width: 210, height: 297, left: 30, top: 20, right: 15, bottom: 20,
	headLeftW: 72, headGap: 3,
	head: 10, title: 13, body: 11, small: 9, line: 6.2,
	qrSize: 30, sigGap: 22,
}

// RenderApology writes the apology letter, form 04 of the circular in force on the intake
// day (domain.LawAt),
// as an A4 PDF to w, with times in Vietnam's time zone. It returns EINVALID
// when a required field is missing or the QR code cannot be drawn.
func RenderApology(w io.Writer, a Apology) error {
	a = a.cleaned()
	if err := a.validate(); err != nil {
		return err
	}
	png, err := qrImage(a.QRPNG, a.LookupURL)
	if err != nil {
		return err
	}
	return render(w, a.Code, func(footer bool) (*doc, error) {
		d := newDoc(apologyLayout, "Phiếu xin lỗi và hẹn lại ngày trả kết quả "+a.Code, a.IssuedAt)
		if footer {
			d.footer(a.Code)
		}
		return d, a.draw(d, png)
	})
}

func (a Apology) cleaned() Apology {
	for _, p := range []*string{&a.Code, &a.AgencyName, &a.ApplicantName, &a.ProcedureName, &a.LookupURL} {
		*p = clean(*p, false)
	}
	a.Reason = clean(a.Reason, true)
	return a
}

func (a Apology) validate() error {
	var p domain.Problems
	require(&p, "code", a.Code, "agency_name", a.AgencyName, "applicant_name", a.ApplicantName,
		"procedure_name", a.ProcedureName, "reason", a.Reason)
	requireTime(&p, "received_at", a.ReceivedAt)
	requireTime(&p, "due_at", a.DueAt)
	requireTime(&p, "new_appointment_at", a.NewAppointmentAt)
	requireTime(&p, "issued_at", a.IssuedAt)
	return p.Err()
}

func (a Apology) draw(d *doc, png []byte) error {
	l := d.l
	d.formNumber(domain.LawAt(domain.DateOf(a.ReceivedAt)).Form("04"))
	d.header([]headLine{{a.AgencyName, true}}, capitalize(dateVN(a.IssuedAt)))

	d.SetY(d.GetY() + 4)
	d.centered(l.left, d.width(), "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", true, l.title)
	d.SetY(d.GetY() + 4)

	indent := 10.0 // first-line indent of body paragraphs
	d.para(indent, 0, plain("Kính gửi: Ông/Bà "), bold(a.ApplicantName))
	d.SetY(d.GetY() + 1)
	d.para(indent, 0, plain(capitalize(dateVN(a.ReceivedAt))+", "+a.AgencyName+
		" tiếp nhận giải quyết hồ sơ đề nghị "), bold(a.ProcedureName), plain(" của Ông/Bà."))
	d.para(indent, 0, plain("Mã hồ sơ: "), bold(a.Code))
	d.para(indent, 0, plain("Thời hạn trả kết quả giải quyết hồ sơ: "+timeVN(a.DueAt)+"."))
	d.para(indent, 0, plain("Tuy nhiên, "+a.AgencyName+" không thể trả kết quả giải quyết hồ sơ của Ông/Bà "+
		"đúng thời hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả."))
	d.para(indent, 0, plain("Lý do: "), plain(a.Reason))
	d.para(indent, 0, plain("Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của Ông/Bà. "+a.AgencyName+
		" xin lỗi Ông/Bà và hẹn trả kết quả giải quyết hồ sơ vào "), bold(timeVN(a.NewAppointmentAt)), plain("."))
	d.para(indent, 0, plain("Mong nhận được sự thông cảm của Ông/Bà vì sự chậm trễ này."))
	d.para(indent, 0, plain("Xin trân trọng cảm ơn./."))
	d.SetY(d.GetY() + 4)

	half := d.width() / 2
	d.ensure(l.qrSize + 3 + d.signatureHeight(half, "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", ""))
	if err := d.qrBlock(png, a.LookupURL); err != nil {
		return err
	}
	y := d.GetY() + 2
	d.SetXY(l.left, y)
	d.font(true, l.small)
	d.CellFormat(half, lineHeight(l.small), "Nơi nhận:", "", 2, "L", false, 0, "")
	d.font(false, l.small)
	for _, s := range []string{"- Như trên;", "- Lưu: VT, hồ sơ."} {
		d.SetX(l.left)
		d.CellFormat(half, lineHeight(l.small), s, "", 2, "L", false, 0, "")
	}
	d.signature(l.left+half, half, y, "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "(Ký, ghi rõ họ tên và đóng dấu)", "")
	return nil
}
