package qr_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"motcua/domain"
	"motcua/qr"
)

// decodeQR reads the QR code in img with gozxing, an implementation independent of the encoder.
func decodeQR(tb testing.TB, img image.Image) string {
	tb.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		tb.Fatalf("bitmap: %v", err)
	}
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_CHARACTER_SET: "UTF-8"}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		tb.Fatalf("decode QR: %v", err)
	}
	return res.GetText()
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
