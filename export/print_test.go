package export_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/domain"
	"motcua/export"
)

// needTools skips the test when a command is missing, or fails it when MOTCUA_REQUIRE_TOOLS=1.
func needTools(tb testing.TB, names ...string) {
	tb.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("MOTCUA_REQUIRE_TOOLS") == "1" {
				tb.Fatalf("%s not found and MOTCUA_REQUIRE_TOOLS=1 (apt-get install libreoffice-calc-nogui poppler-utils)", n)
			}
			tb.Skipf("%s not found (apt-get install libreoffice-calc-nogui poppler-utils); set MOTCUA_REQUIRE_TOOLS=1 to fail instead", n)
		}
	}
}

// printPDF prints the workbook to PDF with LibreOffice, as an office would, and returns the
// PDF's path. LibreOffice runs with a profile of its own and sees only the DejaVu fonts
// shipped in forms/fonts, so the fonts installed on the machine cannot change the layout.
func printPDF(tb testing.TB, xlsx []byte) string {
	tb.Helper()
	needTools(tb, "soffice", "pdftotext", "pdfinfo")
	dir := tb.TempDir()
	fonts, err := filepath.Abs(filepath.Join("..", "forms", "fonts"))
	if err != nil {
		tb.Fatal(err)
	}
	conf := fmt.Sprintf(`<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>%s</dir><cachedir>%s</cachedir></fontconfig>
`, fonts, filepath.Join(dir, "fontcache"))
	for name, b := range map[string][]byte{"fonts.conf": []byte(conf), "report.xlsx": xlsx} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "soffice", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--norestore", "--convert-to", "pdf", "--outdir", dir, filepath.Join(dir, "report.xlsx"))
	cmd.Env = append(os.Environ(), "HOME="+dir, "FONTCONFIG_FILE="+filepath.Join(dir, "fonts.conf"), "LC_ALL=C.UTF-8")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, "report.pdf")
	if _, err := os.Stat(pdf); err != nil {
		tb.Fatalf("soffice wrote no PDF: %v", err)
	}
	return pdf
}

// pdfWord is a word printed on a page, with its box in points.
type pdfWord struct {
	XMin float64 `xml:"xMin,attr"`
	YMin float64 `xml:"yMin,attr"`
	XMax float64 `xml:"xMax,attr"`
	YMax float64 `xml:"yMax,attr"`
	Text string  `xml:",chardata"`
}

type pdfPage struct {
	Width  float64   `xml:"width,attr"`
	Height float64   `xml:"height,attr"`
	Words  []pdfWord `xml:"word"`
}

// pdfPages reads every page of the PDF: its size, its words with their boxes, and its text
// as pdftotext -layout shows it.
func pdfPages(tb testing.TB, pdf string) ([]pdfPage, []string) {
	tb.Helper()
	out, err := exec.Command("pdftotext", "-bbox", pdf, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext -bbox: %v", err)
	}
	var doc struct {
		Pages []pdfPage `xml:"body>doc>page"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		tb.Fatalf("pdftotext -bbox: %v", err)
	}
	out, err = exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext -layout: %v", err)
	}
	text := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	if len(text) != len(doc.Pages) {
		tb.Fatalf("pdftotext: %d pages of text, %d of words", len(text), len(doc.Pages))
	}
	return doc.Pages, text
}

// manyFields returns n Biểu 06 rows, some with names long enough to wrap.
func manyFields(n int) []domain.FieldRow {
	var rows []domain.FieldRow
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Lĩnh vực số %d", i+1)
		if i%5 == 0 {
			name += " – thành lập và hoạt động của doanh nghiệp, hợp tác xã, hộ kinh doanh"
		}
		level := "district"
		if i%2 == 1 {
			level = "commune"
		}
		rows = append(rows, domain.FieldRow{Field: name, Level: level, DossierFigures: domain.DossierFigures{
			Received: int64(1000*i + 7), New: int64(1000 * i), CarriedOver: 7, NewOnline: int64(900 * i), NewDirect: int64(100 * i),
			Resolved: int64(1000 * i), Early: int64(500 * i), OnTime: int64(400 * i), Late: int64(100 * i),
			Pending: 7, PendingWithin: 5, PendingOverdue: 2}})
	}
	return rows
}

// The workbook prints as an office prints it: every page A4 landscape, every page holding
// every column of its sheet under the repeated header (no column pushed to a page of its
// own), the title with the agency, the period and the cut-off, no two words printed over
// each other, and a sensible number of pages.
func TestAppendixXLSX_Prints(t *testing.T) {
	t.Parallel()
	fields := manyFields(60)
	var buf bytes.Buffer
	if err := export.AppendixXLSX(&buf, seedAppendix(t), fields, "Ủy ban nhân dân thành phố Hà Tĩnh"); err != nil {
		t.Fatal(err)
	}
	pages, text := pdfPages(t, printPDF(t, buf.Bytes()))

	appendixCols := []string{"TT", "TÊN CHỈ TIÊU", "ĐƠN VỊ TÍNH", "Số lượng/tỷ lệ", "Ghi chú"}
	fieldCols := []string{"STT", "Lĩnh vực", "Cấp", "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết",
		"Số hồ sơ đang giải quyết", "Tổng số", "Trong hạn", "Quá hạn", "Rút hồ sơ,"}
	var appendixPages, fieldPages []int
	for i, p := range pages {
		n := i + 1
		if p.Width < p.Height || p.Width < 841 || p.Width > 843 || p.Height < 594 || p.Height > 596 {
			t.Errorf("page %d is %.0f×%.0f pt, want A4 landscape (842×595)", n, p.Width, p.Height)
		}
		page := text[i]
		switch {
		case strings.Contains(page, "TÊN CHỈ TIÊU"):
			appendixPages = append(appendixPages, n)
			for _, h := range appendixCols {
				if !strings.Contains(page, h) {
					t.Errorf("appendix page %d lacks the column header %q", n, h)
				}
			}
		case strings.Contains(page, "Lĩnh vực"):
			fieldPages = append(fieldPages, n)
			for _, h := range fieldCols {
				if !strings.Contains(page, h) {
					t.Errorf("Biểu 06 page %d lacks the column header %q", n, h)
				}
			}
		default:
			t.Errorf("page %d has no column headers (a column split off?):\n%s", n, page)
		}
		for _, o := range overlaps(p.Words) {
			t.Errorf("page %d: %q is printed over %q", n, o[0].Text, o[1].Text)
		}
	}
	t.Logf("the appendix prints on %d pages, Biểu 06 with %d rows on %d", len(appendixPages), len(fields), len(fieldPages))
	if len(appendixPages) == 0 || len(appendixPages) > 14 {
		t.Errorf("the appendix prints on %d pages (%v), want 1 to 14", len(appendixPages), appendixPages)
	}
	if len(fieldPages) == 0 || len(fieldPages) > 5 {
		t.Errorf("Biểu 06 with %d rows prints on %d pages (%v), want 1 to 5", len(fields), len(fieldPages), fieldPages)
	}

	all := strings.Join(text, "\n")
	for _, first := range [][]int{appendixPages, fieldPages} {
		if len(first) == 0 {
			continue
		}
		title := text[first[0]-1]
		for _, want := range []string{"NĂM 2024", "Ủy ban nhân dân thành phố Hà Tĩnh (mã 000.00.24.H50)",
			"15/12/2023", "14/12/2024", "Nghị định 09/2019/NĐ-CP"} {
			if !strings.Contains(title, want) {
				t.Errorf("the title on page %d does not say %q:\n%s", first[0], want, title)
			}
		}
	}
	for _, r := range fields {
		first := strings.Fields(r.Field)
		label := strings.Join(first[:min(4, len(first))], " ")
		if got := strings.Count(all, label+"\n") + strings.Count(all, label+" "); got < 1 {
			t.Errorf("row %q is not printed", r.Field)
		}
	}
}

// overlaps returns the pairs of words printed over each other: their boxes cross by more
// than a point across and by more than a third of the lower word's height down (the boxes
// of two lines of one wrapped cell touch: a box runs from the font's ascent to its descent).
func overlaps(words []pdfWord) [][2]pdfWord {
	var out [][2]pdfWord
	for i, a := range words {
		for _, b := range words[i+1:] {
			across := min(a.XMax, b.XMax) - max(a.XMin, b.XMin)
			down := min(a.YMax, b.YMax) - max(a.YMin, b.YMin)
			if across > 1 && down > min(a.YMax-a.YMin, b.YMax-b.YMin)/3 {
				out = append(out, [2]pdfWord{a, b})
			}
		}
	}
	return out
}
