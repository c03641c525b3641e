// Package qrtest reads QR codes back in tests with zbarimg (Debian's zbar-tools), a decoder
// written independently of the encoder: an image that zbarimg reads is one a phone reads.
//
// zbarimg is used rather than a Go decoder because the Go port of ZXing misses a small
// fraction of valid codes (about one in a hundred of the lookup URLs this service prints), and
// a test that decodes thousands of codes over a suite's runs would then fail by chance.
package qrtest

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// NeedTool skips tb when the command name is missing, or fails it when MOTCUA_REQUIRE_TOOLS=1
// (as scripts/test.sh sets, having installed every tool).
func NeedTool(tb testing.TB, name string) {
	tb.Helper()
	if _, err := exec.LookPath(name); err == nil {
		return
	}
	if os.Getenv("MOTCUA_REQUIRE_TOOLS") == "1" {
		tb.Fatalf("%s not found and MOTCUA_REQUIRE_TOOLS=1", name)
	}
	tb.Skipf("%s not found; set MOTCUA_REQUIRE_TOOLS=1 to fail instead", name)
}

// Decode returns the text of the one QR code in img, failing tb when there is none or more
// than one.
func Decode(tb testing.TB, img image.Image) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "qr.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return DecodeFile(tb, path)
}

// DecodeFile is Decode for an image file zbarimg can read (PNG).
func DecodeFile(tb testing.TB, path string) string {
	tb.Helper()
	NeedTool(tb, "zbarimg")
	// --raw prints the data alone; -Sbinary keeps the bytes as encoded (UTF-8 here) instead of
	// letting zbar guess a character set and convert.
	cmd := exec.Command("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", "-Sbinary", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("no QR code found in %s: %v %s", filepath.Base(path), err, strings.TrimSpace(stderr.String()))
	}
	text := strings.TrimSuffix(string(out), "\n")
	if strings.Contains(text, "\n") {
		// zbarimg separates symbols by newlines; a payload of ours has none.
		tb.Fatalf("more than one QR code found in %s: %q", filepath.Base(path), text)
	}
	return text
}
