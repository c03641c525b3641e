package export

import (
	"io"
	"math"
	"strconv"

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
	appendixHeaderRow = 6
	fieldsHeaderRow   = 4 // and the row below it
)

// AppendixXLSX writes a workbook with the sheet "Phụ lục", the appendix laid out as the
// seed report (TT, TÊN CHỈ TIÊU, ĐƠN VỊ TÍNH, Số lượng/tỷ lệ, Ghi chú; the computed figures
// of sections III and VII with rows for each level in a.Levels; the manual items in their
// place, blank where not entered), and the sheet "Biểu 06", one row per field and level
// with totals per level. Errors come from writing to w.
func AppendixXLSX(w io.Writer, a *domain.Appendix, fields []domain.FieldRow) error {
	if a == nil {
		return domain.Errorf(domain.EINTERNAL, "export: no appendix")
	}
	f := excelize.NewFile()
	defer f.Close()
	x, err := newWorkbook(f)
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

// workbook writes cells with the workbook's styles and records the first error.
type workbook struct {
	f     *excelize.File
	sheet string
	err   error

	title, subtitle, header, section, heading, text, center, count, percent, general int
	totalText, totalCount                                                            int
}

func newWorkbook(f *excelize.File) (*workbook, error) {
	if err := f.SetDefaultFont("Times New Roman"); err != nil {
		return nil, err
	}
	x := &workbook{f: f}
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

// textCell writes s as a string, neutralised against formula injection.
func (x *workbook) textCell(col, row int, s string, style int) {
	if x.err == nil {
		x.err = x.f.SetCellStr(x.sheet, cell(col, row), safeText(s))
	}
	x.style(col, row, col, row, style)
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

// titleBlock writes the centred title lines across columns 1..cols.
func (x *workbook) titleBlock(cols int, lines ...string) {
	for i, line := range lines {
		style := x.title
		if i == len(lines)-1 {
			style = x.subtitle
		}
		x.textCell(1, i+1, line, style)
		x.merge(1, i+1, cols, i+1)
	}
}

func (x *workbook) appendixSheet(a *domain.Appendix) error {
	x.sheet = SheetAppendix
	x.widths(7, 70, 16, 16, 50)
	x.titleBlock(len(appendixHeader), "PHỤ LỤC",
		"THỐNG KÊ SỐ LIỆU VÀ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH",
		periodTitle(a.Period), appendixSubtitle(a))
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
	return x.err
}

func (x *workbook) fieldsSheet(a *domain.Appendix, fields []domain.FieldRow) error {
	x.sheet = SheetFields
	cols := 3 + len(fieldColumns)
	widths := []float64{6, 40, 12}
	for range fieldColumns {
		widths = append(widths, 13)
	}
	x.widths(widths...)
	x.titleBlock(cols, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO LĨNH VỰC",
		"Biểu 06 (Thông tư 01/2020/TT-VPCP) – "+periodTitle(a.Period), appendixSubtitle(a))

	top, sub := fieldsHeaderRow, fieldsHeaderRow+1
	for i, h := range []string{"STT", "Lĩnh vực", "Cấp"} {
		x.textCell(i+1, top, h, x.header)
		x.textCell(i+1, sub, "", x.header)
		x.merge(i+1, top, i+1, sub)
	}
	col := 4
	for _, g := range fieldGroups {
		x.textCell(col, top, g.title, x.header)
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
	return x.err
}
