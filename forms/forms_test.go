package forms_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua/domain"
	"motcua/qr"
	"motcua/qr/qrtest"
)

// MustTools skips the test when the poppler tools are missing, or fails it
// when MOTCUA_REQUIRE_TOOLS=1 (as in CI).
func MustTools(tb testing.TB) {
	tb.Helper()
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("MOTCUA_REQUIRE_TOOLS") == "1" {
				tb.Fatalf("%s is required (apt-get install poppler-utils): %v", tool, err)
			}
			tb.Skipf("%s not found (install poppler-utils); set MOTCUA_REQUIRE_TOOLS=1 to fail instead", tool)
		}
	}
}

// ArtifactDir returns where a test writes its PDFs and images: a directory
// under $MOTCUA_ARTIFACTS when set, else a temporary one.
func ArtifactDir(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("MOTCUA_ARTIFACTS")
	if base == "" {
		return tb.TempDir()
	}
	dir := filepath.Join(base, strings.NewReplacer("/", "_", " ", "_").Replace(tb.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// MustWrite writes b to name in dir and returns the path.
func MustWrite(tb testing.TB, dir, name string, b []byte) string {
	tb.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func run(tb testing.TB, name string, args ...string) []byte {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		tb.Fatalf("%s %v: %v\n%s", name, args, err, stderr)
	}
	return out
}

// PDFText extracts the text of the PDF with pdftotext, white space collapsed to single spaces.
func PDFText(tb testing.TB, path string) string {
	tb.Helper()
	return strings.Join(strings.Fields(string(run(tb, "pdftotext", "-enc", "UTF-8", path, "-"))), " ")
}

type bboxPage struct {
	Width  float64 `xml:"width,attr"`
	Height float64 `xml:"height,attr"`
	Words  []struct {
		XMin float64 `xml:"xMin,attr"`
		XMax float64 `xml:"xMax,attr"`
		YMin float64 `xml:"yMin,attr"`
		YMax float64 `xml:"yMax,attr"`
		Text string  `xml:",chardata"`
	} `xml:"word"`
}

// PDFWords returns each page's size and word boxes, in points, from pdftotext -bbox.
func PDFWords(tb testing.TB, path string) []bboxPage {
	tb.Helper()
	out := run(tb, "pdftotext", "-bbox", "-enc", "UTF-8", path, "-")
	var doc struct {
		Body struct {
			Doc struct {
				Pages []bboxPage `xml:"page"`
			} `xml:"doc"`
		} `xml:"body"`
	}
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	if err := dec.Decode(&doc); err != nil {
		tb.Fatalf("parse pdftotext -bbox: %v", err)
	}
	return doc.Body.Doc.Pages
}

// RasterPage renders a page of the PDF at 150 dpi with pdftoppm and returns the image.
func RasterPage(tb testing.TB, path string, page int) image.Image {
	tb.Helper()
	p := strconv.Itoa(page)
	prefix := strings.TrimSuffix(path, ".pdf") + "-page" + p
	run(tb, "pdftoppm", "-png", "-r", "150", "-f", p, "-l", p, "-singlefile", path, prefix)
	f, err := os.Open(prefix + ".png")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// DecodeQR finds and decodes the QR code in img with zbarimg.
func DecodeQR(tb testing.TB, img image.Image) string {
	tb.Helper()
	return qrtest.Decode(tb, img)
}

// MustLookupURL returns a lookup URL with a freshly signed token.
func MustLookupURL(tb testing.TB) string {
	tb.Helper()
	s, err := qr.NewSigner([]byte("0123456789abcdef0123456789abcdef-forms-test"))
	if err != nil {
		tb.Fatal(err)
	}
	tok, _, err := s.NewToken()
	if err != nil {
		tb.Fatal(err)
	}
	return qr.LookupURL("https://motcua.dienbienphu.dienbien.gov.vn", tok)
}

// vn returns a time in Vietnam.
func vn(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, domain.Location)
}

// CheckInside fails when a word lies outside the printable part of a page.
func CheckInside(tb testing.TB, pages []bboxPage, marginPt float64) {
	tb.Helper()
	for i, p := range pages {
		for _, w := range p.Words {
			if w.XMin < marginPt || w.XMax > p.Width-marginPt || w.YMin < marginPt || w.YMax > p.Height-marginPt {
				tb.Errorf("page %d: word %q at x %.0f–%.0f, y %.0f–%.0f is outside the %0.fx%.0f page less %.0f pt margins",
					i+1, w.Text, w.XMin, w.XMax, w.YMin, w.YMax, p.Width, p.Height, marginPt)
			}
		}
	}
}
