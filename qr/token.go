package qr

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"motcua/domain"
)

const (
	// MinSecretLen is the shortest secret NewSigner accepts, in bytes.
	MinSecretLen = 32

	idLen    = 16 // random bytes in a token id
	macLen   = 12 // bytes of HMAC-SHA256 kept in a token
	tokenLen = (8*(idLen+macLen) + 5) / 6

	// macLabel separates lookup-token MACs from anything else signed with the same secret.
	macLabel = "motcua/lookup-token/v1\x00"
)

// encoding is strict so that each token has exactly one spelling.
var encoding = base64.RawURLEncoding.Strict()

// Signer makes and checks lookup tokens. It is safe for concurrent use.
type Signer struct {
	secret []byte
}

// NewSigner returns a Signer keyed by secret, which is copied.
// It returns EINVALID when secret is shorter than MinSecretLen bytes.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < MinSecretLen {
		return nil, domain.Invalid("secret", fmt.Sprintf("must be at least %d bytes", MinSecretLen))
	}
	return &Signer{secret: append([]byte(nil), secret...)}, nil
}

// NewToken returns a new lookup token and its id: 16 random bytes in lower-case
// hex. The database keeps the id; TokenFor gives the token back from it.
func (s *Signer) NewToken() (token, id string, err error) {
	if id, err = NewID(); err != nil {
		return "", "", err
	}
	raw, _ := decodeID(id)
	return s.token(raw), id, nil
}

// NewID returns a new lookup id, 16 random bytes in lower-case hex: what the database keeps
// of a token, whatever secret signs it.
func NewID() (string, error) {
	raw := make([]byte, idLen)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("qr: random id: %w", err)
	}
	return hex.EncodeToString(raw), nil
}

// TokenFor returns the token of id, as NewToken made it.
// It returns EINVALID when id is not 32 lower-case hex digits.
func (s *Signer) TokenFor(id string) (string, error) {
	raw, ok := decodeID(id)
	if !ok {
		return "", domain.Invalid("id", "must be 32 lower-case hex digits")
	}
	return s.token(raw), nil
}

// Verify checks token in constant time and returns its id. It returns false
// for any token this Signer did not make, whatever its content.
func (s *Signer) Verify(token string) (id string, ok bool) {
	if len(token) != tokenLen {
		return "", false
	}
	b, err := encoding.DecodeString(token)
	if err != nil || len(b) != idLen+macLen {
		return "", false
	}
	raw, mac := b[:idLen], b[idLen:]
	if !hmac.Equal(mac, s.mac(raw)) {
		return "", false
	}
	return hex.EncodeToString(raw), true
}

func (s *Signer) token(raw []byte) string {
	b := make([]byte, 0, idLen+macLen)
	b = append(b, raw...)
	b = append(b, s.mac(raw)...)
	return encoding.EncodeToString(b)
}

func (s *Signer) mac(raw []byte) []byte {
	h := hmac.New(sha256.New, s.secret)
	h.Write([]byte(macLabel))
	h.Write(raw)
	return h.Sum(nil)[:macLen]
}

func decodeID(id string) ([]byte, bool) {
	if len(id) != 2*idLen {
		return nil, false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, false
		}
	}
	raw, err := hex.DecodeString(id)
	return raw, err == nil
}

// LookupURL returns the citizen's lookup URL for token: publicURL + "/t/" + token.
func LookupURL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + "/t/" + token
}

// TokenFromURL returns the token of a lookup URL as a scanner read it: any
// http(s) host, a path ending in /t/<token>, an optional query or fragment, and
// surrounding white space (scanners often add a newline). The token is not
// verified. It returns false for anything else, such as a bare dossier code.
func TokenFromURL(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 2*MaxContent {
		return "", false
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s // a scanner or a hand may drop the scheme
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	p := strings.TrimSuffix(u.Path, "/")
	i := strings.LastIndex(p, "/t/")
	if i < 0 {
		return "", false
	}
	tok := p[i+len("/t/"):]
	if tok == "" || len(tok) > MaxContent {
		return "", false
	}
	for j := 0; j < len(tok); j++ {
		if c := tok[j]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return "", false
		}
	}
	return tok, true
}
