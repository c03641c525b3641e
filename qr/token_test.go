package qr_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"motcua/domain"
	"motcua/qr"
)

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func MustSigner(tb testing.TB, secret string) *qr.Signer {
	tb.Helper()
	s, err := qr.NewSigner([]byte(secret))
	if err != nil {
		tb.Fatalf("NewSigner: %v", err)
	}
	return s
}

var (
	secretA = strings.Repeat("a-secret-of-thirty-two-bytes!!", 2)
	secretB = strings.Repeat("another-secret-thirty-two-bytes", 2)
)

func TestNewSigner(t *testing.T) {
	for _, n := range []int{0, 1, qr.MinSecretLen - 1} {
		if _, err := qr.NewSigner(bytes.Repeat([]byte{7}, n)); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("secret of %d bytes: err %v, want EINVALID", n, err)
		}
	}
	if _, err := qr.NewSigner(bytes.Repeat([]byte{7}, qr.MinSecretLen)); err != nil {
		t.Errorf("secret of %d bytes: %v", qr.MinSecretLen, err)
	}
}

func TestSignerCopiesSecret(t *testing.T) {
	secret := []byte(secretA)
	s, err := qr.NewSigner(secret)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := s.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	secret[0] ^= 1
	if _, ok := s.Verify(tok); !ok {
		t.Error("changing the caller's slice changed the signer")
	}
}

func TestTokenRoundTrip(t *testing.T) {
	s := MustSigner(t, secretA)
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		tok, id, err := s.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if raw, err := hex.DecodeString(id); err != nil || len(raw) != 16 || strings.ToLower(id) != id {
			t.Fatalf("id %q is not 16 bytes of lower-case hex", id)
		}
		if seen[id] {
			t.Fatalf("id %q repeated", id)
		}
		seen[id] = true
		if strings.ContainsAny(tok, "+/=") {
			t.Fatalf("token %q is not URL-safe unpadded base64", tok)
		}
		if len(tok) > 40 {
			t.Fatalf("token %q is %d characters, too long for a compact QR", tok, len(tok))
		}
		if raw, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(raw) < 26 {
			t.Fatalf("token %q: %d bytes, %v; want 16 random + at least 10 MAC", tok, len(raw), err)
		}
		gotID, ok := s.Verify(tok)
		if !ok || gotID != id {
			t.Fatalf("Verify(%q) = %q, %v; want %q, true", tok, gotID, ok, id)
		}
		again, err := s.TokenFor(id)
		if err != nil || again != tok {
			t.Fatalf("TokenFor(%q) = %q, %v; want %q", id, again, err, tok)
		}
	}
}

func TestTokenForInvalid(t *testing.T) {
	s := MustSigner(t, secretA)
	for _, id := range []string{"", "00", strings.Repeat("0", 31), strings.Repeat("0", 33),
		strings.Repeat("A", 32), strings.Repeat("g", 32), strings.Repeat("0", 30) + "é"} {
		if _, err := s.TokenFor(id); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("TokenFor(%q): err %v, want EINVALID", id, err)
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	a, b := MustSigner(t, secretA), MustSigner(t, secretB)
	tok, id, err := a.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	otherTok, err := b.TokenFor(id)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	flipped := append([]byte(nil), raw...)
	flipped[len(flipped)-1] ^= 0x80
	forgedID := append([]byte(nil), raw...)
	forgedID[0] ^= 1

	tests := map[string]string{
		"empty":            "",
		"other secret":     otherTok,
		"truncated":        tok[:len(tok)-1],
		"half":             tok[:len(tok)/2],
		"extended":         tok + "A",
		"padded":           tok + "==",
		"std base64":       base64.RawStdEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, len(raw))),
		"non-base64":       strings.Repeat("!", len(tok)),
		"spaces":           strings.Repeat(" ", len(tok)),
		"garbage":          "\x00\xff\xfe garbage \n",
		"mac bit flipped":  base64.RawURLEncoding.EncodeToString(flipped),
		"id changed":       base64.RawURLEncoding.EncodeToString(forgedID),
		"all zero":         base64.RawURLEncoding.EncodeToString(make([]byte, len(raw))),
		"id only":          base64.RawURLEncoding.EncodeToString(raw[:16]),
		"surrounding text": " " + tok[1:],
		"upper-cased":      strings.ToUpper(tok),
	}
	for name, bad := range tests {
		t.Run(name, func(t *testing.T) {
			if bad == tok {
				t.Skip("the mutation left the token unchanged")
			}
			if got, ok := a.Verify(bad); ok || got != "" {
				t.Errorf("Verify(%q) = %q, %v; want \"\", false", bad, got, ok)
			}
		})
	}
}

// Changing any one character of a token, to any other character of the
// alphabet, must invalidate it (strict decoding: no second spelling).
func TestVerifyEveryOneCharacterChange(t *testing.T) {
	s := MustSigner(t, secretA)
	tok, _, err := s.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	for i := range len(tok) {
		for _, c := range []byte(b64 + "+/=.") {
			if c == tok[i] {
				continue
			}
			bad := tok[:i] + string(c) + tok[i+1:]
			if _, ok := s.Verify(bad); ok {
				t.Fatalf("Verify accepted %q (position %d changed to %q)", bad, i, c)
			}
		}
	}
}

func TestLookupURL(t *testing.T) {
	tests := []struct{ base, want string }{
		{"http://localhost:8080", "http://localhost:8080/t/TOK"},
		{"http://localhost:8080/", "http://localhost:8080/t/TOK"},
		{"https://motcua.gov.vn/tra-cuu//", "https://motcua.gov.vn/tra-cuu/t/TOK"},
	}
	for _, tt := range tests {
		if got := qr.LookupURL(tt.base, "TOK"); got != tt.want {
			t.Errorf("LookupURL(%q) = %q, want %q", tt.base, got, tt.want)
		}
	}
}

func TestTokenFromURL(t *testing.T) {
	s := MustSigner(t, secretA)
	tok, _, err := s.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	good := []struct{ name, in string }{
		{"plain", qr.LookupURL("http://localhost:8080", tok)},
		{"https under a path", qr.LookupURL("https://dichvucong.dienbien.gov.vn/motcua", tok)},
		{"trailing newline", qr.LookupURL("https://a.vn", tok) + "\n"},
		{"trailing CRLF and spaces", "  " + qr.LookupURL("https://a.vn", tok) + " \r\n"},
		{"query string", qr.LookupURL("https://a.vn", tok) + "?utm_source=qr&x=/t/zzz"},
		{"fragment", qr.LookupURL("https://a.vn", tok) + "#status"},
		{"trailing slash", qr.LookupURL("https://a.vn", tok) + "/"},
		{"other host", "HTTPS://Example.COM:8443/t/" + tok},
		{"no scheme", "motcua.dienbien.gov.vn/t/" + tok},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := qr.TokenFromURL(tt.in)
			if !ok || got != tok {
				t.Fatalf("TokenFromURL(%q) = %q, %v; want %q, true", tt.in, got, ok, tok)
			}
			if _, ok := s.Verify(got); !ok {
				t.Errorf("extracted token does not verify")
			}
		})
	}
	bad := []struct{ name, in string }{
		{"empty", ""},
		{"blank", " \n"},
		{"bare dossier code", "000.00.24.H50-241212-0001"},
		{"bare dossier code with newline", "000.00.24.H50-241212-0001\n"},
		{"bare token", tok},
		{"no token", "https://a.vn/t/"},
		{"wrong path", "https://a.vn/x/" + tok},
		{"token not last", "https://a.vn/t/" + tok + "/survey"},
		{"bad characters", "https://a.vn/t/abc%2Bdef"},
		{"other scheme", "ftp://a.vn/t/" + tok},
		{"javascript", "javascript:alert(1)//t/" + tok},
		{"no host", "http:///t/" + tok},
		{"not a url", "http://[::1/t/" + tok},
		{"huge", "https://a.vn/t/" + strings.Repeat("A", 2000)},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := qr.TokenFromURL(tt.in); ok {
				t.Errorf("TokenFromURL(%q) = %q, true; want false", tt.in, got)
			}
		})
	}
}

// FuzzVerify checks that Verify never panics and accepts only the one
// canonical spelling of a token the signer made.
func FuzzVerify(f *testing.F) {
	s := MustSigner(f, secretA)
	tok, err := s.TokenFor("00112233445566778899aabbccddeeff")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tok)
	f.Add("")
	f.Add(tok[:len(tok)-1])
	f.Fuzz(func(t *testing.T, token string) {
		id, ok := s.Verify(token)
		if !ok {
			if id != "" {
				t.Fatalf("Verify(%q) returned id %q with false", token, id)
			}
			return
		}
		again, err := s.TokenFor(id)
		if err != nil || again != token {
			t.Fatalf("Verify(%q) accepted id %q, whose token is %q (%v)", token, id, again, err)
		}
	})
}

// The token of a fixed id and secret must never change: printed receipts keep
// their QR codes for years.
func TestTokenGolden(t *testing.T) {
	s := MustSigner(t, secretA)
	const id, want = "00112233445566778899aabbccddeeff", "ABEiM0RVZneImaq7zN3u_85weiBlBHHS_JGiuA"
	if got, err := s.TokenFor(id); err != nil || got != want {
		t.Errorf("TokenFor(%q) = %q, %v; want %q", id, got, err, want)
	}
	if got, ok := s.Verify(want); !ok || got != id {
		t.Errorf("Verify(%q) = %q, %v; want %q, true", want, got, ok, id)
	}
}
