package export

import (
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"motcua/domain"
)

// Sheet names of the appendix workbook.
const (
	SheetAppendix = "Phụ lục"
	SheetFields   = "Biểu 06"
)

// Rows of the appendix sheet: the title block, then the header, then the figures.
const (
	appendixHeaderRow = 7
	fieldsHeaderRow   = 5 // and the row below it
)

// AppendixXLSX writes a workbook with the sheet "Phụ lục", the appendix laid out as the
// seed report (TT, TÊN CHỈ TIÊU, ĐƠN VỊ TÍNH, Số lượng/tỷ lệ, Ghi chú; the computed figures
// of sections III and VII with rows for each level in a.Levels; the manual items in their
// place, blank where not entered), and the sheet "Biểu 06", one row per field and level
// with totals per level. Each sheet's title names the agency (agencyName, and its code),
// the period with its dates and the cut-off rule. Both sheets print on A4 landscape, one
// page wide, their header rows repeated on every page, every row tall enough for its
// wrapped text. Errors come from writing to w.
func AppendixXLSX(w io.Writer, a *domain.Appendix, fields []domain.FieldRow, agencyName string) error {
	if a == nil {
		return domain.Errorf(domain.EINTERNAL, "export: no appendix")
	}
	f := excelize.NewFile()
	defer f.Close()
	x, err := newWorkbook(f, agencyName)
	if err != nil {
		return err
	}
	if err := f.SetSheetName(f.GetSheetName(0), SheetAppendix); err != nil {
		return err
	}
	if err := x.appendixSheet(a); err != nil {
		return err
	}
	if _, err := f.NewSheet(SheetFields); err != nil {
		return err
	}
	if err := x.fieldsSheet(a, fields); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// workbook writes cells with the workbook's styles and records the first error. It also
// keeps, for the sheet being written, its column widths and the height each row needs.
type workbook struct {
	f      *excelize.File
	sheet  string
	err    error
	agency string

	colWidths []float64
	heights   map[int]float64

	title, subtitle, header, section, heading, text, center, count, percent, general int
	totalText, totalCount                                                            int
}

func newWorkbook(f *excelize.File, agency string) (*workbook, error) {
	if err := f.SetDefaultFont("Times New Roman"); err != nil {
		return nil, err
	}
	x := &workbook{f: f, agency: agency}
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	wrap := func(h string) *excelize.Alignment {
		return &excelize.Alignment{Horizontal: h, Vertical: "center", WrapText: true}
	}
	grey := func(c string) excelize.Fill { return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}} }
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&x.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}, Alignment: wrap("center")}},
		{&x.subtitle, excelize.Style{Font: &excelize.Font{Italic: true}, Alignment: wrap("center")}},
		{&x.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Alignment: wrap("center"), Fill: grey("D9D9D9")}},
		{&x.section, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Alignment: wrap("left"), Fill: grey("F2F2F2")}},
		{&x.heading, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Alignment: wrap("left")}},
		{&x.text, excelize.Style{Border: border, Alignment: wrap("left")}},
		{&x.center, excelize.Style{Border: border, Alignment: wrap("center")}},
		{&x.count, excelize.Style{Border: border, Alignment: wrap("right"), NumFmt: 3}},   // #,##0
		{&x.percent, excelize.Style{Border: border, Alignment: wrap("right"), NumFmt: 2}}, // 0.00
		{&x.general, excelize.Style{Border: border, Alignment: wrap("right")}},
		{&x.totalText, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Alignment: wrap("left")}},
		{&x.totalCount, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Alignment: wrap("right"), NumFmt: 3}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return nil, err
		}
		*s.id = id
	}
	return x, nil
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// textCell writes s as a string, neutralised against formula injection, and fits its row
// to it.
func (x *workbook) textCell(col, row int, s string, style int) {
	x.put(col, row, s, style)
	x.fit(row, s, x.colWidths[col-1], x.bold(style))
}

func (x *workbook) put(col, row int, s string, style int) {
	if x.err == nil {
		x.err = x.f.SetCellStr(x.sheet, cell(col, row), safeText(s))
	}
	x.style(col, row, col, row, style)
}

func (x *workbook) bold(style int) bool {
	return style == x.header || style == x.section || style == x.heading || style == x.totalText || style == x.title
}

// spanText writes s into a cell that will be merged across span columns, and fits its row
// to their width.
func (x *workbook) spanText(col, row, span int, s string, style int) {
	x.put(col, row, s, style)
	width := 0.0
	for _, w := range x.colWidths[col-1 : col-1+span] {
		width += w
	}
	x.fit(row, s, width, x.bold(style))
}

// Printed sizes, in points, and how many characters of body text fit in one unit of column
// width. The estimate is made for the widest font a spreadsheet program may substitute for
// Times New Roman (DejaVu Sans, about 15% wider), so that Excel and LibreOffice both print
// every wrapped line inside its row.
const (
	lineHeight       = 14.5
	titleLineHeight  = 17.5
	rowPadding       = 4
	charsPerUnit     = 0.82
	boldCharsPerUnit = 0.74
)

// fit records that row must be tall enough for s wrapped in a column of the given width.
func (x *workbook) fit(row int, s string, width float64, bold bool) {
	per := charsPerUnit
	if bold {
		per = boldCharsPerUnit
	}
	x.need(row, float64(wrappedLines(s, width*per))*lineHeight+rowPadding)
}

func (x *workbook) need(row int, height float64) {
	if x.heights == nil {
		x.heights = map[int]float64{}
	}
	if height > x.heights[row] {
		x.heights[row] = height
	}
}

// wrappedLines counts the lines s takes when wrapped at word boundaries into lines of at
// most capacity characters; a word longer than a line is broken. An empty s takes one line.
func wrappedLines(s string, capacity float64) int {
	limit := int(capacity)
	if limit < 1 {
		limit = 1
	}
	lines := 0
	for _, para := range strings.Split(s, "\n") {
		lines++
		used := 0
		for _, word := range strings.Fields(para) {
			n := utf8.RuneCountInString(word)
			switch {
			case used == 0:
			case used+1+n <= limit:
				used += 1 + n
				continue
			default:
				lines++
			}
			lines += (n - 1) / limit
			used = (n-1)%limit + 1
		}
	}
	return lines
}

// printSetup makes the sheet print on A4 landscape, scaled to one page wide and as many
// pages long as it takes, with rows first..last (the column headers) repeated at the top of
// every page and the page number at the foot, and gives every row the height it needs.
func (x *workbook) printSetup(first, last int) {
	a4, landscape, one, any := 9, "landscape", 1, 0
	fit := true
	margin, edge := 0.5, 0.3
	steps := []func() error{
		func() error {
			return x.f.SetPageLayout(x.sheet, &excelize.PageLayoutOptions{
				Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any})
		},
		func() error { return x.f.SetSheetProps(x.sheet, &excelize.SheetPropsOptions{FitToPage: &fit}) },
		func() error {
			return x.f.SetPageMargins(x.sheet, &excelize.PageLayoutMarginsOptions{
				Left: &margin, Right: &margin, Top: &margin, Bottom: &margin, Header: &edge, Footer: &edge})
		},
		func() error {
			return x.f.SetHeaderFooter(x.sheet, &excelize.HeaderFooterOptions{
				OddFooter: "&CTrang &P/&N", EvenFooter: "&CTrang &P/&N"})
		},
		func() error {
			return x.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: x.sheet,
				RefersTo: "'" + x.sheet + "'!$" + strconv.Itoa(first) + ":$" + strconv.Itoa(last)})
		},
	}
	for _, step := range steps {
		if x.err == nil {
			x.err = step()
		}
	}
	for row, h := range x.heights {
		if x.err == nil {
			x.err = x.f.SetRowHeight(x.sheet, row, math.Ceil(h))
		}
	}
}

func (x *workbook) numberCell(col, row int, v float64, style int) {
	if x.err == nil {
		x.err = x.f.SetCellFloat(x.sheet, cell(col, row), v, -1, 64)
	}
	x.style(col, row, col, row, style)
}

func (x *workbook) style(c1, r1, c2, r2, style int) {
	if x.err == nil {
		x.err = x.f.SetCellStyle(x.sheet, cell(c1, r1), cell(c2, r2), style)
	}
}

func (x *workbook) merge(c1, r1, c2, r2 int) {
	if x.err == nil {
		x.err = x.f.MergeCell(x.sheet, cell(c1, r1), cell(c2, r2))
	}
}

func (x *workbook) widths(widths ...float64) {
	x.colWidths, x.heights = widths, nil
	for i, w := range widths {
		if x.err == nil {
			col, _ := excelize.ColumnNumberToName(i + 1)
			x.err = x.f.SetColWidth(x.sheet, col, col, w)
		}
	}
}

func (x *workbook) freeze(rows int) {
	if x.err == nil {
		x.err = x.f.SetPanes(x.sheet, &excelize.Panes{Freeze: true, YSplit: rows, TopLeftCell: cell(1, rows+1), ActivePane: "bottomLeft"})
	}
}

// titleBlock writes the centred title lines across columns 1..cols: the titles in bold,
// the last two lines (the agency, then the period) in italics.
func (x *workbook) titleBlock(cols int, lines ...string) {
	width := 0.0
	for _, w := range x.colWidths[:cols] {
		width += w
	}
	for i, line := range lines {
		n := i + 1
		if i < len(lines)-2 {
			x.put(1, n, line, x.title)
			x.need(n, float64(wrappedLines(line, width*boldCharsPerUnit*11/13))*titleLineHeight+rowPadding)
		} else {
			x.put(1, n, line, x.subtitle)
			x.fit(n, line, width, false)
		}
		x.merge(1, n, cols, n)
	}
}

func (x *workbook) appendixSheet(a *domain.Appendix) error {
	x.sheet = SheetAppendix
	x.widths(6, 64, 16, 13, 44)
	x.titleBlock(len(appendixHeader), "PHỤ LỤC",
		"THỐNG KÊ SỐ LIỆU VÀ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH",
		periodTitle(a.Period), agencyTitle(a.AgencyCode, x.agency), appendixSubtitle(a))
	for i, h := range appendixHeader {
		x.textCell(i+1, appendixHeaderRow, h, x.header)
	}
	x.freeze(appendixHeaderRow)
	for i, r := range appendixRows(a) {
		n := appendixHeaderRow + 1 + i
		label := x.text
		switch r.kind {
		case rowSection:
			label = x.section
		case rowHeading:
			label = x.heading
		}
		x.textCell(1, n, r.tt, x.center)
		x.textCell(2, n, r.label, label)
		x.textCell(3, n, r.unit, x.center)
		switch {
		case !r.has:
			x.textCell(4, n, "", x.general)
		case r.pct:
			x.numberCell(4, n, round2(r.value), x.percent)
		case r.unit == "%" || r.value != math.Trunc(r.value):
			x.numberCell(4, n, r.value, x.general)
		default:
			x.numberCell(4, n, r.value, x.count)
		}
		x.textCell(5, n, r.note, x.text)
		if r.kind == rowSection {
			x.style(1, n, 5, n, x.section)
		}
	}
	x.printSetup(appendixHeaderRow, appendixHeaderRow)
	return x.err
}

func (x *workbook) fieldsSheet(a *domain.Appendix, fields []domain.FieldRow) error {
	x.sheet = SheetFields
	cols := 3 + len(fieldColumns)
	widths := []float64{5, 30, 10}
	for range fieldColumns {
		widths = append(widths, 10)
	}
	x.widths(widths...)
	x.titleBlock(cols, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO LĨNH VỰC",
		"Biểu 06 (Thông tư 01/2020/TT-VPCP) – "+periodTitle(a.Period), agencyTitle(a.AgencyCode, x.agency),
		appendixSubtitle(a))

	top, sub := fieldsHeaderRow, fieldsHeaderRow+1
	for i, h := range []string{"STT", "Lĩnh vực", "Cấp"} {
		x.textCell(i+1, top, h, x.header)
		x.textCell(i+1, sub, "", x.header)
		x.merge(i+1, top, i+1, sub)
	}
	col := 4
	for _, g := range fieldGroups {
		x.spanText(col, top, len(g.cols), g.title, x.header)
		for i, c := range g.cols {
			x.textCell(col+i, sub, c, x.header)
			if i > 0 {
				x.textCell(col+i, top, "", x.header)
			}
		}
		if len(g.cols) == 1 {
			x.merge(col, top, col, sub)
		} else {
			x.merge(col, top, col+len(g.cols)-1, top)
		}
		col += len(g.cols)
	}
	x.freeze(sub)

	n := sub + 1
	writeRow := func(stt, field, level string, f domain.DossierFigures, text, num int) {
		x.textCell(1, n, stt, x.center)
		x.textCell(2, n, field, text)
		x.textCell(3, n, level, text)
		for i, v := range fieldValues(f) {
			x.numberCell(4+i, n, float64(v), num)
		}
		n++
	}
	var levels []string
	totals := map[string]*domain.DossierFigures{}
	var all domain.DossierFigures
	for i, r := range fields {
		writeRow(strconv.Itoa(i+1), r.Field, capitalize(levelName(r.Level)), r.DossierFigures, x.text, x.count)
		if totals[r.Level] == nil {
			totals[r.Level] = &domain.DossierFigures{}
			levels = append(levels, r.Level)
		}
		totals[r.Level].Add(r.DossierFigures)
		all.Add(r.DossierFigures)
	}
	for _, l := range levels {
		writeRow("", "Tổng cộng "+levelName(l), capitalize(levelName(l)), *totals[l], x.totalText, x.totalCount)
	}
	if len(levels) != 1 {
		writeRow("", "Tổng cộng", "", all, x.totalText, x.totalCount)
	}
	x.printSetup(top, sub)
	return x.err
}
