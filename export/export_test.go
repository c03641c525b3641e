package export_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"motcua/domain"
	"motcua/export"
)

const injection = `=HYPERLINK("http://evil.example","bấm vào")`

// seedAppendix is shaped like the seed report's 2024 appendix, with figures that agree.
func seedAppendix(tb testing.TB) *domain.Appendix {
	tb.Helper()
	p, err := domain.NewPeriod(domain.PeriodYear, 2024, 0, domain.CutoffDecree09)
	if err != nil {
		tb.Fatal(err)
	}
	a := &domain.Appendix{
		AgencyCode:  "000.00.24.H50",
		Period:      p,
		GeneratedAt: time.Date(2024, 12, 15, 1, 0, 0, 0, time.UTC),
		Source:      domain.SourceSnapshot,
		Levels:      []string{"district", "commune"},
		SectionI:    domain.SectionI{Surveys: domain.SurveyFigures{Surveyed: 986, Satisfied: 986, SatisfiedRate: 100}},
		SectionIII: domain.SectionIII{
			ProceduresPublished: 14, ProceduresRepealed: 45,
			ProceduresInForce:    map[string]int64{"district": 287, "commune": 129},
			InterlinkedSameLevel: 287, InterlinkedCrossLevel: 287, FeedbackReceived: 1, FeedbackResolved: 1,
			Dossiers: map[string]domain.DossierFigures{
				"district": {Received: 16865, CarriedOver: 300, New: 16565, NewOnline: 14000, NewDirect: 2500, NewPostal: 65,
					Resolved: 16637, Early: 10000, OnTime: 6369, Late: 268, LateWithApology: 250, LateWithLateApology: 10,
					Pending: 228, PendingWithin: 200, PendingOverdue: 28},
				"commune": {Received: 14731, CarriedOver: 100, New: 14631, NewOnline: 10000, NewDirect: 4631,
					Resolved: 14654, Early: 14000, OnTime: 537, Late: 117, Pending: 77, PendingWithin: 77},
			},
		},
		SectionVII: domain.SectionVII{
			Online: domain.OnlineFigures{
				Partial:          domain.OnlineLevelFigures{Eligible: 82, Provided: 82, WithOnlineDossiers: 41},
				Full:             domain.OnlineLevelFigures{Eligible: 87, Provided: 87, WithOnlineDossiers: 28},
				OnNationalPortal: 119, DossiersTotal: 14992, DossiersOnline: 14871,
				ProceduresWithFee: 45, ProceduresOnlinePayment: 35,
			},
			OnlineByLevel: map[string]domain.OnlineFigures{
				"district": {Partial: domain.OnlineLevelFigures{Eligible: 60, Provided: 60, WithOnlineDossiers: 30},
					Full: domain.OnlineLevelFigures{Eligible: 60, Provided: 60, WithOnlineDossiers: 20}, OnNationalPortal: 90,
					DossiersTotal: 10000, DossiersOnline: 9900, ProceduresWithFee: 30, ProceduresOnlinePayment: 25},
				"commune": {Partial: domain.OnlineLevelFigures{Eligible: 22, Provided: 22, WithOnlineDossiers: 11},
					Full: domain.OnlineLevelFigures{Eligible: 27, Provided: 27, WithOnlineDossiers: 8}, OnNationalPortal: 29,
					DossiersTotal: 4992, DossiersOnline: 4971, ProceduresWithFee: 15, ProceduresOnlinePayment: 10},
			},
			Postal: map[string]domain.PostalFigures{
				"district": {ProceduresOffered: 220, ProceduresReturned: 4, DossiersReturned: 565},
				"commune":  {ProceduresOffered: 73, ProceduresReturned: 14, DossiersReceived: 14, DossiersReturned: 86},
			},
		},
		Manual: domain.ManualFigures{
			"plan_completion_rate": 84, "outgoing_documents_district": 17900, "iso_communes_announced": 9,
			"survey_method": 0,
		},
	}
	if err := a.Check(); err != nil {
		tb.Fatal(err)
	}
	if err := a.Manual.Validate(); err != nil {
		tb.Fatal(err)
	}
	return a
}

func seedFields() []domain.FieldRow {
	return []domain.FieldRow{
		{Field: "Đất đai", Level: "district", DossierFigures: domain.DossierFigures{Received: 10, CarriedOver: 2, New: 8,
			NewOnline: 5, NewDirect: 2, NewPostal: 1, Resolved: 7, Early: 3, OnTime: 2, Late: 2, Pending: 3, PendingWithin: 1, PendingOverdue: 2}},
		{Field: "Hộ tịch", Level: "commune", DossierFigures: domain.DossierFigures{Received: 20, New: 20, NewOnline: 15,
			NewDirect: 5, Resolved: 19, Early: 10, OnTime: 9, Withdrawn: 1}},
		{Field: injection, Level: "commune", DossierFigures: domain.DossierFigures{Received: 1, New: 1, NewDirect: 1, Pending: 1, PendingWithin: 1}},
	}
}

// sheet is a sheet read back with raw values, looked up by label.
type sheet [][]string

func readSheet(tb testing.TB, f *excelize.File, name string) sheet {
	tb.Helper()
	rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}

// find returns the index of the first row whose column col is label, searching from start.
func (s sheet) find(tb testing.TB, col int, label string, start int) int {
	tb.Helper()
	for i := start; i < len(s); i++ {
		if len(s[i]) > col && s[i][col] == label {
			return i
		}
	}
	tb.Fatalf("no row with %q in column %d", label, col)
	return -1
}

func (s sheet) has(col int, label string) bool {
	for _, r := range s {
		if len(r) > col && r[col] == label {
			return true
		}
	}
	return false
}

func (s sheet) cell(row, col int) string {
	if row < len(s) && col < len(s[row]) {
		return s[row][col]
	}
	return ""
}

func writeXLSX(tb testing.TB, a *domain.Appendix, fields []domain.FieldRow) *excelize.File {
	tb.Helper()
	var buf bytes.Buffer
	if err := export.AppendixXLSX(&buf, a, fields, "UBND thành phố"); err != nil {
		tb.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

func TestAppendixXLSX(t *testing.T) {
	a := seedAppendix(t)
	f := writeXLSX(t, a, seedFields())

	if got := f.GetSheetList(); len(got) != 2 || got[0] != "Phụ lục" || got[1] != "Biểu 06" {
		t.Fatalf("sheets = %v", got)
	}
	s := readSheet(t, f, "Phụ lục")

	if got := s.cell(0, 0); got != "PHỤ LỤC" {
		t.Errorf("A1 = %q", got)
	}
	if got := s.cell(2, 0); got != "NĂM 2024" {
		t.Errorf("A3 = %q", got)
	}
	if got, want := s.cell(3, 0), "Cơ quan: UBND thành phố (mã 000.00.24.H50)"; got != want {
		t.Errorf("A4 = %q, want %q", got, want)
	}
	if got := s.cell(4, 0); !strings.Contains(got, "15/12/2023") || !strings.Contains(got, "14/12/2024") || !strings.Contains(got, "Nghị định 09/2019/NĐ-CP") {
		t.Errorf("A5 = %q, want the dates and the cut-off", got)
	}
	h := s.find(t, 0, "TT", 0)
	if got, want := strings.Join(s[h], "|"), "TT|TÊN CHỈ TIÊU|ĐƠN VỊ TÍNH|Số lượng/tỷ lệ|Ghi chú"; got != want {
		t.Errorf("header = %q, want %q", got, want)
	}

	// Sections in order, with their Roman numerals in column TT.
	prev := h
	for _, sec := range []string{"I", "II", "III", "IV", "V", "VI", "VII"} {
		i := s.find(t, 0, sec, prev+1)
		if i <= prev {
			t.Errorf("section %s out of order", sec)
		}
		prev = i
	}
	iii, iv, vii := s.find(t, 0, "III", h), s.find(t, 0, "IV", h), s.find(t, 0, "VII", h)

	tests := []struct {
		label, unit, value string
		after, before      int
	}{
		{"Số TTHC được công bố mới", "Thủ tục", "14", iii, iv},
		{"Số TTHC đã được bãi bỏ, thay thế", "Thủ tục", "45", iii, iv},
		{"Tổng số TTHC đang có hiệu lực", "Thủ tục", "416", iii, iv},
		{"– Số TTHC áp dụng tại UBND cấp huyện", "Thủ tục", "287", iii, iv},
		{"– Số TTHC áp dụng tại UBND cấp xã", "Thủ tục", "129", iii, iv},
		{"Số lượng ý kiến đã tiếp nhận", "Ý kiến", "1", iii, iv},
		{"Số TTHC liên thông giữa các cấp chính quyền", "Thủ tục", "287", iii, iv},
		{"Số hồ sơ TTHC do UBND cấp huyện tiếp nhận", "Hồ sơ", "16865", iii, iv},
		{"Số hồ sơ TTHC do UBND cấp huyện giải quyết và trả kết quả", "Hồ sơ", "16637", iii, iv},
		{"Số hồ sơ TTHC do UBND cấp huyện tiếp nhận được giải quyết đúng hạn", "Hồ sơ", "16369", iii, iv},
		{"Tỷ lệ hồ sơ TTHC do UBND cấp huyện giải quyết đúng hạn", "%", "98.39", iii, iv},
		{"Số hồ sơ TTHC do UBND cấp xã tiếp nhận", "Hồ sơ", "14731", iii, iv},
		{"Số hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn", "Hồ sơ", "14537", iii, iv},
		{"Tỷ lệ hồ sơ TTHC do UBND cấp xã giải quyết đúng hạn", "%", "99.2", iii, iv},
		{"– Tổng số TTHC đủ điều kiện cung cấp trực tuyến một phần (mức độ 3)", "TTHC", "82", vii, len(s)},
		{"– Số TTHC đang cung cấp trực tuyến toàn trình (mức độ 4) có phát sinh hồ sơ nộp trực tuyến", "TTHC", "28", vii, len(s)},
		{"Tỷ lệ hồ sơ TTHC được tiếp nhận trực tuyến", "%", "99.19", vii, len(s)},
		{"– Tổng số TTHC cấp huyện đủ điều kiện cung cấp trực tuyến một phần (mức độ 3)", "TTHC", "60", vii, len(s)},
		{"Số lượng hồ sơ TTHC cấp xã được tiếp nhận trực tuyến (Chỉ thống kê đối với các TTHC trực tuyến một phần và toàn trình có phát sinh hồ sơ)", "Hồ sơ", "4971", vii, len(s)},
		{"Tổng số văn bản đi tại UBND cấp huyện", "Văn bản", "17900", vii, len(s)},
		{"Số UBND cấp xã thực hiện công bố, công bố lại ISO", "Cơ quan, đơn vị", "9", vii, len(s)},
		{"Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo)", "%", "84", h, iii},
		{"Tỷ lệ hài lòng trong kỳ báo cáo", "%", "100", h, iii}, // from the surveys
		{"Số lượng phiếu khảo sát", "Số lượng", "986", h, iii},  // from the surveys
		{"Hình thức khảo sát", "Trực tuyến = 0; Phát phiếu = 1; Kết hợp = 2", "0", h, iii},
	}
	for _, tt := range tests {
		i := s.find(t, 1, tt.label, h)
		if i <= tt.after || i >= tt.before {
			t.Errorf("%q at row %d, want between %d and %d", tt.label, i+1, tt.after+1, tt.before+1)
		}
		if got := s.cell(i, 2); got != tt.unit {
			t.Errorf("%q: unit %q, want %q", tt.label, got, tt.unit)
		}
		if got := s.cell(i, 3); got != tt.value {
			t.Errorf("%q: value %q, want %q", tt.label, got, tt.value)
		}
	}
	if got := s.cell(s.find(t, 1, "Số hồ sơ TTHC do UBND cấp huyện giải quyết và trả kết quả", h), 4); !strings.HasPrefix(got, "Còn 228 hồ sơ đang giải quyết") {
		t.Errorf("note = %q", got)
	}
	if got := s.cell(s.find(t, 1, "Số hồ sơ TTHC do UBND cấp huyện tiếp nhận được giải quyết đúng hạn", h), 4); !strings.Contains(got, "xin lỗi đúng hạn 250; xin lỗi muộn 10") {
		t.Errorf("note = %q, want the apologies in time and too late", got)
	}
	if got := s.cell(s.find(t, 0, "1", iii), 1); got != "Kế hoạch rà soát TTHC" {
		t.Errorf("III.1 = %q", got)
	}

	// Postal figures: one block per level, in the order of a.Levels, under VII.7.
	bcci := s.find(t, 1, "Dịch vụ bưu chính công ích (BCCI)", vii)
	if s.cell(bcci, 0) != "7" {
		t.Errorf("BCCI TT = %q", s.cell(bcci, 0))
	}
	d := s.find(t, 1, "UBND cấp huyện", bcci)
	c := s.find(t, 1, "UBND cấp xã", bcci)
	if !(d < c) {
		t.Errorf("district block at %d, commune at %d", d, c)
	}
	if got := s.cell(d+5, 3); s.cell(d+5, 1) != "– Tổng số hồ sơ thực tế được trả kết quả qua dịch vụ BCCI" || got != "565" {
		t.Errorf("district postal returns = %q %q", s.cell(d+5, 1), got)
	}
	if got := s.cell(c+4, 3); got != "14" {
		t.Errorf("commune postal dossiers received = %q", got)
	}

	// Numbers are numbers, not text.
	i := s.find(t, 1, "Số hồ sơ TTHC do UBND cấp huyện tiếp nhận", h)
	if typ, _ := f.GetCellType("Phụ lục", "D"+strconv.Itoa(i+1)); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("D%d is a string", i+1)
	}
}

func TestAppendixXLSX_OtherLevels(t *testing.T) {
	a := seedAppendix(t)
	a.Levels = []string{"province", "commune"}
	a.SectionIII.ProceduresInForce = map[string]int64{"province": 1500, "commune": 129}
	a.SectionIII.Dossiers = map[string]domain.DossierFigures{
		"province": {Received: 3, New: 3, NewOnline: 3, Resolved: 2, Late: 2, Pending: 1, PendingOverdue: 1},
		"commune":  a.SectionIII.Dossiers["commune"],
	}
	a.SectionVII.Postal = map[string]domain.PostalFigures{"province": {ProceduresOffered: 900}}
	a.SectionVII.OnlineByLevel = map[string]domain.OnlineFigures{"commune": a.SectionVII.OnlineByLevel["commune"]}
	if err := a.Check(); err != nil {
		t.Fatal(err)
	}
	s := readSheet(t, writeXLSX(t, a, nil), "Phụ lục")
	if s.has(1, "Số hồ sơ TTHC do UBND cấp huyện tiếp nhận") || s.has(1, "– Số TTHC áp dụng tại UBND cấp huyện") {
		t.Error("district rows in a report without the district level")
	}
	for label, want := range map[string]string{
		"Số hồ sơ TTHC do cơ quan cấp tỉnh tiếp nhận":                     "3",
		"Tỷ lệ hồ sơ TTHC do cơ quan cấp tỉnh giải quyết đúng hạn":        "0",
		"– Số TTHC áp dụng tại cơ quan cấp tỉnh":                          "1500",
		"Tổng số TTHC đang có hiệu lực":                                   "1629",
		"Số hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn": "14537",
	} {
		if got := s.cell(s.find(t, 1, label, 0), 3); got != want {
			t.Errorf("%q = %q, want %q", label, got, want)
		}
	}
	p := s.find(t, 1, "Cơ quan cấp tỉnh", 0)
	if got := s.cell(p+1, 3); got != "900" {
		t.Errorf("province postal procedures = %q", got)
	}
	// No level resolved anything: the rate is blank rather than a division by zero.
	a.SectionIII.Dossiers["province"] = domain.DossierFigures{Received: 1, New: 1, NewDirect: 1, Pending: 1, PendingWithin: 1}
	s = readSheet(t, writeXLSX(t, a, nil), "Phụ lục")
	if got := s.cell(s.find(t, 1, "Tỷ lệ hồ sơ TTHC do cơ quan cấp tỉnh giải quyết đúng hạn", 0), 3); got != "" {
		t.Errorf("rate with nothing resolved = %q", got)
	}
}

func TestAppendixXLSX_Fields(t *testing.T) {
	f := writeXLSX(t, seedAppendix(t), seedFields())
	s := readSheet(t, f, "Biểu 06")

	top := s.find(t, 0, "STT", 0)
	for col, want := range map[int]string{1: "Lĩnh vực", 2: "Cấp", 3: "Số hồ sơ nhận giải quyết", 7: "Số hồ sơ đã giải quyết", 11: "Số hồ sơ đang giải quyết"} {
		if got := s.cell(top, col); got != want {
			t.Errorf("header column %d = %q, want %q", col+1, got, want)
		}
	}
	for col, want := range map[int]string{3: "Tổng số", 4: "Mới tiếp nhận trực tuyến", 5: "Mới tiếp nhận trực tiếp và qua dịch vụ BCCI",
		6: "Kỳ trước chuyển qua", 8: "Trả trước hạn", 9: "Trả đúng thời hạn", 10: "Trả quá hạn", 12: "Trong hạn", 13: "Quá hạn"} {
		if got := s.cell(top+1, col); got != want {
			t.Errorf("sub-header column %d = %q, want %q", col+1, got, want)
		}
	}

	land := s.find(t, 1, "Đất đai", top)
	if got, want := strings.Join(s[land], "|"), "1|Đất đai|Cấp huyện|10|5|3|2|7|3|2|2|3|1|2|0"; got != want {
		t.Errorf("row = %q, want %q", got, want)
	}
	civil := s.find(t, 1, "Hộ tịch", top)
	if got, want := strings.Join(s[civil], "|"), "2|Hộ tịch|Cấp xã|20|15|5|0|19|10|9|0|0|0|0|1"; got != want {
		t.Errorf("row = %q, want %q", got, want)
	}
	commune := s.find(t, 1, "Tổng cộng cấp xã", civil)
	if got := s.cell(commune, 3); got != "21" {
		t.Errorf("commune total received = %q", got)
	}
	if got := s.cell(s.find(t, 1, "Tổng cộng", commune), 3); got != "31" {
		t.Errorf("grand total received = %q", got)
	}

	// A field named like a formula is stored as neutralised text, not as a formula.
	evil := s.find(t, 1, "'"+injection, top)
	formula, err := f.GetCellFormula("Biểu 06", "B"+strconv.Itoa(evil+1))
	if err != nil || formula != "" {
		t.Errorf("formula = %q, %v", formula, err)
	}
}

func TestAppendixCSV(t *testing.T) {
	a := seedAppendix(t)
	a.AgencyCode = "000.00.24.H50"
	var buf bytes.Buffer
	if err := export.AppendixCSV(&buf, a); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(recs[0], "|"), "TT|TÊN CHỈ TIÊU|ĐƠN VỊ TÍNH|Số lượng/tỷ lệ|Ghi chú"; got != want {
		t.Errorf("header = %q", got)
	}
	s := sheet(recs)
	for label, want := range map[string]string{
		"Số hồ sơ TTHC do UBND cấp xã tiếp nhận":                 "14731",
		"Tỷ lệ hồ sơ TTHC do UBND cấp huyện giải quyết đúng hạn": "98.39",
		"Tổng số văn bản đi tại UBND cấp huyện":                  "17900",
		"Số lượng phiếu khảo sát":                                "986",
		"Hình thức khảo sát":                                     "0",
	} {
		if got := s.cell(s.find(t, 1, label, 1), 3); got != want {
			t.Errorf("%q = %q, want %q", label, got, want)
		}
	}

	// The CSV holds the same rows as the sheet, below the sheet's title block.
	xs := readSheet(t, writeXLSX(t, a, nil), "Phụ lục")
	h := xs.find(t, 0, "TT", 0)
	if got, want := len(recs), len(xs)-h; got != want {
		t.Fatalf("CSV has %d records, sheet %d rows from the header", got, want)
	}
	for i := range recs {
		for j := range recs[i] {
			if x := xs.cell(h+i, j); x != recs[i][j] {
				t.Errorf("record %d column %d: CSV %q, sheet %q", i+1, j+1, recs[i][j], x)
			}
		}
	}
}

func TestFieldsCSV(t *testing.T) {
	fields := append(seedFields(),
		domain.FieldRow{Field: "+cmd|' /C calc'!A0", Level: "commune"},
		domain.FieldRow{Field: "-2+3", Level: "@district"},
		domain.FieldRow{Field: "\tTab", Level: "commune"},
	)
	var buf bytes.Buffer
	if err := export.FieldsCSV(&buf, fields); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+len(fields) {
		t.Fatalf("%d records, want %d", len(recs), 1+len(fields))
	}
	if got := strings.Join(recs[0][:4], "|"); got != "Lĩnh vực|Cấp|Tiếp nhận: tổng số|Tiếp nhận: mới, trực tuyến" {
		t.Errorf("header = %q", got)
	}
	if got, want := strings.Join(recs[1], "|"), "Đất đai|Cấp huyện|10|5|3|2|7|3|2|2|3|1|2|0"; got != want {
		t.Errorf("row = %q, want %q", got, want)
	}
	for i, want := range []string{"'" + injection, "'+cmd|' /C calc'!A0", "'-2+3", "'\tTab"} {
		if got := recs[3+i][0]; got != want {
			t.Errorf("field %d = %q, want %q", i, got, want)
		}
	}
	if got := recs[5][1]; got != "'@district" {
		t.Errorf("level = %q", got)
	}
}
