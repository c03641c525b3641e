package qr_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/domain"
	"motcua/qr"
	"motcua/qr/qrtest"
)

// decodeQR reads the QR code in img with zbarimg, an implementation independent of the encoder.
func decodeQR(tb testing.TB, img image.Image) string {
	tb.Helper()
	return qrtest.Decode(tb, img)
}

func TestPNGRoundTrip(t *testing.T) {
	tests := []struct{ name, content string }{
		{"dossier code", "000.00.24.H50-241212-0001"},
		{"lookup url", "https://dichvucong.dienbienphu.dienbien.gov.vn/t/q1w2e3r4t5y6u7i8o9p0asdfghjklzxcvbnm_-QWE"},
		{"long lookup url", "https://motcua.ubnd-thanhpho-dienbienphu.dienbien.gov.vn/tra-cuu/ho-so/cong-dan/t/" + strings.Repeat("AbCd-_09", 20)},
		{"vietnamese", "Nguyễn Thị Hồng Đào – hồ sơ đất đai"},
		{"one byte", "x"},
		{"max length", strings.Repeat("A1b2", qr.MaxContent/4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := qr.PNG(tt.content)
			if err != nil {
				t.Fatalf("PNG: %v", err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("png.Decode: %v", err)
			}
			if got := decodeQR(t, img); got != tt.content {
				t.Errorf("decoded %q, want %q", got, tt.content)
			}
			// Crisp modules: the side is a whole number of 8-pixel modules (quiet zone included).
			if w := img.Bounds().Dx(); w%8 != 0 || w != img.Bounds().Dy() {
				t.Errorf("image is %v, want a square of 8-pixel modules", img.Bounds())
			}
			// Quiet zone: the four outer modules are white.
			for x := 0; x < img.Bounds().Dx(); x++ {
				for _, y := range []int{0, 31} {
					if r, _, _, _ := img.At(x, y).RGBA(); r != 0xffff {
						t.Fatalf("pixel (%d,%d) in the quiet zone is not white", x, y)
					}
				}
			}
		})
	}
}

func TestPNGInvalid(t *testing.T) {
	for name, content := range map[string]string{
		"empty":     "",
		"too long":  strings.Repeat("a", qr.MaxContent+1),
		"much more": strings.Repeat("ễ", qr.MaxContent), // 3 bytes a rune
	} {
		t.Run(name, func(t *testing.T) {
			b, err := qr.PNG(content)
			if got, want := domain.ErrorCode(err), domain.EINVALID; got != want {
				t.Errorf("code %q, want %q (err %v)", got, want, err)
			}
			if b != nil {
				t.Errorf("got an image")
			}
		})
	}
}

// TestEveryLookupURLDecodes prints many freshly signed lookup URLs, as the receipts do, and
// reads each back: a code that a decoder misses now and then would fail this test often.
func TestEveryLookupURLDecodes(t *testing.T) {
	s, err := qr.NewSigner([]byte("0123456789abcdef0123456789abcdef-qr-test"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := range 100 {
		tok, _, err := s.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		url := qr.LookupURL("https://dichvucong.example.gov.vn", tok)
		b, err := qr.PNG(url)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("%03d.png", i))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if got := qrtest.DecodeFile(t, path); got != url {
			t.Fatalf("decoded %q, want %q", got, url)
		}
	}
}
