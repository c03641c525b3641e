// Package forms renders the printed forms of the one-stop desk as PDF: the
// receipt (form 01) and the apology letter (form 04) of Thông tư 01/2018/TT-VPCP, and from
// 1/7/2025 of Thông tư 03/2025/TT-VPCP.
// Text is real Unicode text in embedded DejaVu Sans fonts, so it can be
// selected and searched, and the binary needs no system font.
package forms

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"motcua/domain"
	"motcua/qr"
)

var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// FontLicense is the licence of the embedded DejaVu fonts, to be shipped with the binary.
//
//go:embed fonts/LICENSE
var FontLicense string

const family = "DejaVu"

// layout holds the page geometry and type sizes of one form, in mm and points.
type layout struct {
	width, height            float64 // page size
	left, top, right, bottom float64 // margins
	headLeftW, headGap       float64 // width of the agency column, gap to the motto column
	head, title, body, small float64 // font sizes
	line                     float64 // body line height
	qrSize, sigGap           float64 // QR code side, space left for a signature
}

// doc is one PDF being drawn, with helpers for the parts both forms share.
type doc struct {
	*fpdf.Fpdf
	l layout
}

func newDoc(l layout, title string, created time.Time) *doc {
	f := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		Size:           fpdf.SizeType{Wd: l.width, Ht: l.height},
	})
	f.SetMargins(l.left, l.top, l.right)
	f.SetAutoPageBreak(true, l.bottom)
	f.SetCellMargin(0)
	// fpdf parses the TrueType files per document; its parsed fonts are not safe to share.
	f.AddUTF8FontFromBytes(family, "", fontRegular)
	f.AddUTF8FontFromBytes(family, "B", fontBold)
	f.SetTitle(title, true)
	f.SetCreator("motcua", true)
	f.SetLang("vi-VN")
	// Sorted catalogue and fixed dates: the same dossier prints to the same bytes.
	f.SetCatalogSort(true)
	f.SetCreationDate(created.UTC())
	f.SetModificationDate(created.UTC())
	f.AddPage()
	return &doc{Fpdf: f, l: l}
}

// width returns the width between the margins.
func (d *doc) width() float64 {
	w, _ := d.GetPageSize()
	return w - d.l.left - d.l.right
}

// bottomY returns the y at which automatic page breaks happen.
func (d *doc) bottomY() float64 {
	_, h := d.GetPageSize()
	return h - d.l.bottom
}

// ensure starts a new page unless h mm are left on this one.
func (d *doc) ensure(h float64) {
	if d.GetY()+h > d.bottomY() {
		d.AddPage()
	}
}

func (d *doc) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	d.SetFont(family, style, size)
}

// lineHeight returns a comfortable line height for a font size in points.
func lineHeight(size float64) float64 { return size * 0.5 }

// wrap splits s into lines that fit width w in the current font, at spaces
// and "\n". Words longer than a line are cut.
func (d *doc) wrap(s string, w float64) []string {
	var lines []string
	limit := w
	var cur strings.Builder
	curW := 0.0
	space := d.GetStringWidth(" ")
	flush := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		curW = 0
	}
	for _, para := range strings.Split(s, "\n") {
		for _, word := range strings.Fields(para) {
			ww := d.GetStringWidth(word)
			if cur.Len() > 0 && curW+space+ww <= limit {
				cur.WriteByte(' ')
				cur.WriteString(word)
				curW += space + ww
				continue
			}
			if cur.Len() > 0 {
				flush()
			}
			for ww > limit { // a word wider than a line: cut it by runes
				n, acc := 0, 0.0
				for i, r := range word {
					rw := d.GetStringWidth(string(r))
					if acc+rw > limit && i > 0 {
						break
					}
					acc += rw
					n = i + len(string(r))
				}
				cur.WriteString(word[:n])
				flush()
				word = word[n:]
				ww = d.GetStringWidth(word)
			}
			cur.WriteString(word)
			curW = ww
		}
		flush()
	}
	for len(lines) > 1 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// seg is a run of text in one weight.
type seg struct {
	text string
	bold bool
}

func plain(s string) seg { return seg{s, false} }
func bold(s string) seg  { return seg{s, true} }

// piece is the part of a word in one weight; a word is where a line may not break.
type piece struct {
	text string
	bold bool
	w    float64
}

type word []piece

func (wd word) width() float64 {
	t := 0.0
	for _, p := range wd {
		t += p.w
	}
	return t
}

// words splits segs at white space; text on both sides of a change of weight
// with no space between stays one word. "\n" ends a line.
func (d *doc) words(segs []seg) (lines [][]word) {
	var cur []word
	glue := false // the next piece continues the last word
	for _, sg := range segs {
		d.font(sg.bold, d.l.body)
		for i, ln := range strings.Split(sg.text, "\n") {
			if i > 0 {
				lines = append(lines, cur)
				cur, glue = nil, false
			}
			if ln != "" && (ln[0] == ' ') {
				glue = false
			}
			fields := strings.Fields(ln)
			for j, f := range fields {
				p := piece{f, sg.bold, d.GetStringWidth(f)}
				if j == 0 && glue && len(cur) > 0 {
					cur[len(cur)-1] = append(cur[len(cur)-1], p)
				} else {
					cur = append(cur, word{p})
				}
			}
			glue = len(fields) > 0 && !strings.HasSuffix(ln, " ")
		}
	}
	return append(lines, cur)
}

// para writes segs as a paragraph that starts first mm and continues rest mm
// to the right of the left margin, breaking lines between words.
func (d *doc) para(first, rest float64, segs ...seg) {
	lh, x0 := d.l.line, d.l.left
	d.font(false, d.l.body)
	space := d.GetStringWidth(" ")
	indent := first
	emit := func(line []word) {
		d.SetX(x0 + indent)
		for i, wd := range line {
			if i > 0 {
				d.SetX(d.GetX() + space)
			}
			for _, p := range wd {
				d.font(p.bold, d.l.body)
				d.CellFormat(p.w, lh, p.text, "", 0, "L", false, 0, "")
			}
		}
		d.Ln(lh)
		indent = rest
	}
	for _, hard := range d.words(segs) {
		var line []word
		used := 0.0
		for _, wd := range hard {
			for _, part := range d.cut(wd, d.width()-max(first, rest)) {
				ww := part.width()
				if len(line) > 0 && used+space+ww > d.width()-indent {
					emit(line)
					line, used = nil, 0
				}
				if len(line) > 0 {
					used += space
				}
				line = append(line, part)
				used += ww
			}
		}
		emit(line)
	}
}

// cut splits a word wider than w into parts that fit, rune by rune.
func (d *doc) cut(wd word, w float64) []word {
	if wd.width() <= w {
		return []word{wd}
	}
	var parts []word
	var cur word
	used := 0.0
	for _, p := range wd {
		d.font(p.bold, d.l.body)
		start := 0
		acc := 0.0
		for i, r := range p.text {
			rw := d.GetStringWidth(string(r))
			if used+acc+rw > w && (i > start || len(cur) > 0) {
				if i > start {
					cur = append(cur, piece{p.text[start:i], p.bold, acc})
				}
				parts = append(parts, cur)
				cur, used, acc, start = nil, 0, 0, i
			}
			acc += rw
		}
		cur = append(cur, piece{p.text[start:], p.bold, acc})
		used += acc
	}
	return append(parts, cur)
}

// field writes "label value" as a paragraph, the value in bold if asked,
// continuing indent mm from the left margin.
func (d *doc) field(label, value string, isBold bool, indent float64) {
	if label != "" {
		label += " "
	}
	d.para(0, indent, plain(label), seg{value, isBold})
}

// item writes a list entry: its number right-aligned in a column of width
// numW at indent from the left margin, its text wrapping beside the number.
func (d *doc) item(indent, numW float64, num, text string) {
	x0, lh := d.l.left+indent, d.l.line
	w := d.width() - indent - numW
	d.font(false, d.l.body)
	for i, ln := range d.wrap(text, w) {
		if i == 0 {
			d.SetX(x0)
			d.CellFormat(numW-1.5, lh, num, "", 0, "R", false, 0, "")
		}
		d.SetX(x0 + numW)
		d.CellFormat(w, lh, ln, "", 1, "L", false, 0, "")
	}
}

// centered writes s centred in the column [x, x+w), wrapping, and returns the
// width of its widest line.
func (d *doc) centered(x, w float64, s string, bold bool, size float64) float64 {
	d.font(bold, size)
	widest := 0.0
	for _, ln := range d.wrap(s, w) {
		d.SetX(x)
		d.CellFormat(w, lineHeight(size), ln, "", 2, "C", false, 0, "")
		widest = max(widest, d.GetStringWidth(ln))
	}
	return widest
}

// rule draws a centred horizontal line of width w in the column [x, x+cw).
func (d *doc) rule(x, cw, w, y float64) {
	d.SetLineWidth(0.25)
	d.Line(x+(cw-w)/2, y, x+(cw+w)/2, y)
}

// header draws the two-column heading of an administrative document: the
// issuing agency on the left, the national motto on the right, and the date
// line under the motto.
func (d *doc) header(agencyLines []headLine, dateLine string) {
	l := d.l
	top := d.GetY()
	xl, wl := l.left, l.headLeftW
	xr := l.left + l.headLeftW + l.headGap
	wr := d.width() - l.headLeftW - l.headGap

	d.SetXY(xl, top)
	lastW := 0.0
	for _, hl := range agencyLines {
		if hl.text == "" {
			continue
		}
		lastW = d.centered(xl, wl, strings.ToUpper(hl.text), hl.bold, l.head)
	}
	yl := d.GetY() + 0.8
	d.rule(xl, wl, min(lastW, wl)*0.5, yl)

	d.SetXY(xr, top)
	d.centered(xr, wr, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", true, l.head)
	mw := d.centered(xr, wr, "Độc lập - Tự do - Hạnh phúc", true, l.head+0.5)
	yr := d.GetY() + 0.8
	d.rule(xr, wr, mw, yr)

	d.SetXY(xr, yr+1.5)
	d.centered(xr, wr, dateLine, false, l.head)
	d.SetXY(l.left, max(yl, d.GetY())+lineHeight(l.body))
}

type headLine struct {
	text string
	bold bool
}

// qrBlock draws the QR code on the left with the caption and the lookup URL beside it.
func (d *doc) qrBlock(png []byte, url string, notes ...string) error {
	l := d.l
	d.ensure(l.qrSize + 2)
	y := d.GetY()
	if err := d.Error(); err != nil {
		return fmt.Errorf("forms: %w", err)
	}
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	d.RegisterImageOptionsReader("qr", opts, bytes.NewReader(png))
	if d.Err() {
		return domain.Invalid("qr_png", "is not a PNG image that a PDF can hold")
	}
	d.ImageOptions("qr", l.left, y, l.qrSize, l.qrSize, false, opts, 0, url)

	x := l.left + l.qrSize + 3
	w := d.width() - l.qrSize - 3
	// Centre the caption block vertically beside the code.
	d.font(true, l.body)
	caption := d.wrap("Quét mã để tra cứu tình trạng hồ sơ", w)
	d.font(false, l.small)
	urlLines := d.wrap(url, w)
	var noteLines []string
	for _, n := range notes {
		noteLines = append(noteLines, d.wrap(n, w)...)
	}
	h := float64(len(caption))*l.line + float64(len(urlLines)+len(noteLines))*lineHeight(l.small) + 1.5
	d.SetY(y + max(0, (l.qrSize-h)/2))
	d.font(true, l.body)
	for _, ln := range caption {
		d.SetX(x)
		d.CellFormat(w, l.line, ln, "", 2, "L", false, 0, "")
	}
	d.font(false, l.small)
	for _, ln := range urlLines {
		d.SetX(x)
		d.CellFormat(w, lineHeight(l.small), ln, "", 2, "L", false, 0, url)
	}
	d.SetY(d.GetY() + 1.5)
	for _, ln := range noteLines {
		d.SetX(x)
		d.CellFormat(w, lineHeight(l.small), ln, "", 2, "L", false, 0, "")
	}
	d.SetXY(l.left, max(y+l.qrSize, d.GetY())+1)
	return nil
}

// signatureHeight returns the height signature needs in a column of width w.
func (d *doc) signatureHeight(w float64, role, name string) float64 {
	d.font(true, d.l.body)
	n := len(d.wrap(role, w)) + len(d.wrap(name, w))
	return float64(n)*lineHeight(d.l.body) + lineHeight(d.l.small) + d.l.sigGap
}

// signature draws a signature block in the column [x, x+w) from y: the role in
// bold, the note, room to sign, and the signer's name.
func (d *doc) signature(x, w, y float64, role, note, name string) float64 {
	d.SetXY(x, y)
	d.centered(x, w, role, true, d.l.body)
	d.centered(x, w, note, false, d.l.small)
	d.SetY(d.GetY() + d.l.sigGap)
	if name != "" {
		d.centered(x, w, name, true, d.l.body)
	}
	return d.GetY()
}

// output writes the PDF to w; a drawing error (fpdf records the first) is returned instead.
func (d *doc) output(w io.Writer) error {
	if err := d.Error(); err != nil {
		return fmt.Errorf("forms: %w", err)
	}
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return fmt.Errorf("forms: %w", err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// footer numbers the pages of a form that runs over one page and repeats the dossier code.
// formNumber prints, in small type at the top right of the first page, in the margin above
// the header, which form of which circular this is ("Mẫu số 01 – Thông tư …").
func (d *doc) formNumber(text string) {
	y := d.GetY()
	d.SetY(max(2, d.l.top-lineHeight(d.l.small)-1))
	d.font(false, d.l.small)
	d.CellFormat(0, lineHeight(d.l.small), text, "", 0, "R", false, 0, "")
	d.SetY(y)
}

func (d *doc) footer(code string) {
	d.AliasNbPages("{nb}")
	d.SetFooterFunc(func() {
		d.SetY(-d.l.bottom + 1.5)
		d.font(false, d.l.small)
		d.CellFormat(0, lineHeight(d.l.small), fmt.Sprintf("Mã hồ sơ: %s – Trang %d/{nb}", code, d.PageNo()), "", 0, "C", false, 0, "")
	})
}

// render draws a form with draw and writes it to w. A form that runs over one
// page is drawn again with numbered pages. A panic inside fpdf becomes an error.
func render(w io.Writer, code string, draw func(footer bool) (*doc, error)) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("forms: render: %v", p)
		}
	}()
	d, err := draw(false)
	if err == nil && d.PageNo() > 1 {
		d, err = draw(true)
	}
	if err != nil {
		return err
	}
	return d.output(w)
}

// qrImage returns png, or a QR code of url when png is empty.
func qrImage(png []byte, url string) ([]byte, error) {
	if len(png) > 0 {
		return png, nil
	}
	if url == "" {
		return nil, domain.Invalid("lookup_url", "is required to print the QR code")
	}
	return qr.PNG(url)
}

// clean returns s in NFC with control characters as spaces, runs of spaces
// collapsed, invisible format characters dropped and runes the fonts cannot
// address replaced by "?"; newlines are kept when multiline is set.
func clean(s string, multiline bool) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == '\n' && multiline:
			b.WriteRune('\n')
			space = false
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		case unicode.Is(unicode.Cf, r): // invisible format characters, bidi overrides
			continue
		case r > 0xFFFF || r == unicode.ReplacementChar || !unicode.IsPrint(r):
			r = '?'
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// dateVN formats the date of t in Vietnam as "ngày 05 tháng 02 năm 2024":
// days below 10 and the months 1 and 2 take a leading zero (Nghị định 30/2020/NĐ-CP).
func dateVN(t time.Time) string {
	t = t.In(domain.Location)
	month := fmt.Sprint(int(t.Month()))
	if t.Month() <= 2 {
		month = fmt.Sprintf("%02d", int(t.Month()))
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", t.Day(), month, t.Year())
}

// timeVN formats t in Vietnam to the minute: "10 giờ 05 phút, ngày 12 tháng 12 năm 2024".
func timeVN(t time.Time) string {
	t = t.In(domain.Location)
	return fmt.Sprintf("%02d giờ %02d phút, %s", t.Hour(), t.Minute(), dateVN(t))
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// require records an EINVALID problem for each empty value; args are name, value pairs.
func require(p *domain.Problems, args ...string) {
	for i := 0; i+1 < len(args); i += 2 {
		if args[i+1] == "" {
			p.Add(args[i], "is required")
		}
	}
}

// requireTime records an EINVALID problem when t is zero.
func requireTime(p *domain.Problems, name string, t time.Time) {
	if t.IsZero() {
		p.Add(name, "is required")
	}
}
