package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"golang.org/x/crypto/bcrypt"

	"motcua/domain"
)

// Login lockout: this many failures in a row lock the account for lockFor.
const (
	maxLoginFailures = 5
	loginLockFor     = 15 * time.Minute
)

// tokenSigner issues and checks login tokens: base64url(JSON claims) "." base64url(HMAC-SHA256).
type tokenSigner struct{ key []byte }

type claims struct {
	UserID     int64         `json:"uid"`
	Username   string        `json:"sub"`
	Roles      []domain.Role `json:"roles"`
	AgencyCode string        `json:"agency,omitempty"`
	AgencyPath string        `json:"path,omitempty"`
	Expires    int64         `json:"exp"`
}

func newTokenSigner(secret []byte) *tokenSigner {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("motcua login tokens"))
	return &tokenSigner{key: mac.Sum(nil)}
}

func (t *tokenSigner) sign(c claims) string {
	payload, _ := json.Marshal(c)
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(t.mac(p))
}

func (t *tokenSigner) mac(p string) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(p))
	return m.Sum(nil)
}

// verify returns the claims of a valid, unexpired token.
func (t *tokenSigner) verify(token string, now time.Time) (*claims, bool) {
	p, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 4096 {
		return nil, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, t.mac(p)) {
		return nil, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return nil, false
	}
	var c claims
	if json.Unmarshal(payload, &c) != nil || now.Unix() >= c.Expires {
		return nil, false
	}
	return &c, true
}

// authenticate requires a valid bearer token and stores the principal in the context.
func (s *Server) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return domain.Errorf(domain.EUNAUTHORIZED, "A bearer token is required.")
	}
	cl, ok := s.tokens.verify(strings.TrimSpace(token), s.now())
	if !ok {
		return domain.Errorf(domain.EUNAUTHORIZED, "The token is invalid or has expired.")
	}
	c.Locals("principal", &domain.Principal{UserID: cl.UserID, Username: cl.Username, Roles: cl.Roles,
		AgencyCode: cl.AgencyCode, AgencyPath: cl.AgencyPath})
	return c.Next()
}

// principal returns the caller; authenticate has run on every route that calls it.
func principal(c *fiber.Ctx) *domain.Principal {
	p, _ := c.Locals("principal").(*domain.Principal)
	return p
}

// require returns a handler that lets through callers holding any of roles; EFORBIDDEN otherwise.
func require(roles ...domain.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !principal(c).Has(roles...) {
			return domain.Errorf(domain.EFORBIDDEN, "Your role does not allow this.")
		}
		return c.Next()
	}
}

// deploymentAdmin lets through an admin who belongs to no agency: the calendar and the
// catalogue belong to the whole deployment (DOMAIN.md), beyond any one agency's scope.
func deploymentAdmin(c *fiber.Ctx) error {
	if p := principal(c); !p.Has(domain.RoleAdmin) || p.AgencyCode != "" {
		return domain.Errorf(domain.EFORBIDDEN, "Only an administrator of the whole deployment (with no agency) may change the calendar or the catalogue.")
	}
	return c.Next()
}

// loginLimiter bounds login attempts per client address.
func (s *Server) loginLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Max:          s.cfg.Limits.LoginPerMinute,
		Expiration:   time.Minute,
		KeyGenerator: s.clientAddr,
		LimitReached: func(c *fiber.Ctx) error {
			return domain.Errorf(domain.ERATELIMITED, "Too many login attempts; wait a minute.")
		},
	})
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// dummyHash is compared against when the user does not exist, so that timing does not tell.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("motcua-no-such-user"), bcrypt.DefaultCost)

func (s *Server) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := decode(c, &req, false); err != nil {
		return err
	}
	token, expires, err := s.staffLogin(c.UserContext(), req.Username, req.Password)
	if err != nil {
		return err
	}
	return c.JSON(loginResponse{Token: token, ExpiresAt: expires})
}

// staffLogin checks a username and password with the rules of POST /auth/login (field limits,
// the lockout after repeated failures, the same work for unknown users) and returns a login
// token and when it expires: EINVALID, EUNAUTHORIZED or ERATELIMITED otherwise.
func (s *Server) staffLogin(ctx context.Context, username, password string) (string, time.Time, error) {
	var p domain.Problems
	if username == "" || len(username) > 64 {
		p.Add("username", "is required")
	}
	if password == "" || len(password) > 72 {
		p.Add("password", "is required")
	}
	if err := p.Err(); err != nil {
		return "", time.Time{}, err
	}
	denied := domain.Errorf(domain.EUNAUTHORIZED, "Wrong username or password.")
	u, err := s.store.FindUserByUsername(ctx, username)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return "", time.Time{}, denied
	} else if err != nil {
		return "", time.Time{}, err
	}
	if until, err := s.store.LoginLock(ctx, u.Username); err != nil {
		return "", time.Time{}, err
	} else if s.now().Before(until) {
		return "", time.Time{}, domain.Errorf(domain.ERATELIMITED, "Too many failed logins; the account is locked for a while.")
	}
	ok := bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
	if err := s.store.RecordLogin(ctx, u.Username, ok, maxLoginFailures, s.now().Add(loginLockFor)); err != nil {
		return "", time.Time{}, err
	}
	if !ok {
		return "", time.Time{}, denied
	}
	cl := claims{UserID: u.ID, Username: u.Username, Roles: u.Roles, AgencyCode: u.AgencyCode,
		Expires: s.now().Add(s.cfg.TokenTTL).Unix()}
	if u.AgencyCode != "" {
		a, err := s.store.FindAgency(ctx, u.AgencyCode)
		if err != nil {
			return "", time.Time{}, err
		}
		cl.AgencyPath = a.Path
	} else if !u.Has(domain.RoleAdmin) {
		return "", time.Time{}, denied
	}
	return s.tokens.sign(cl), time.Unix(cl.Expires, 0).In(domain.Location), nil
}

// HashPassword hashes a password with bcrypt for storage.
func HashPassword(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	return string(h), err
}

type createUserRequest struct {
	Username   string        `json:"username"`
	Password   string        `json:"password"`
	Roles      []domain.Role `json:"roles"`
	AgencyCode string        `json:"agency_code"`
}

func (s *Server) createUser(c *fiber.Ctx) error {
	var req createUserRequest
	if err := decode(c, &req, false); err != nil {
		return err
	}
	u := &domain.User{Username: req.Username, Roles: req.Roles, AgencyCode: req.AgencyCode}
	if err := domain.ValidateNewUser(u, req.Password); err != nil {
		return err
	}
	if err := s.checkAgencyScope(c, req.AgencyCode, "agency_code"); err != nil {
		return err
	}
	hash, err := HashPassword(req.Password)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	if err := s.store.CreateUser(c.UserContext(), u); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

// checkAgencyScope returns EFORBIDDEN unless the caller's subtree holds the agency with code
// ("" is allowed only for global callers); an unknown agency is EINVALID naming field.
func (s *Server) checkAgencyScope(c *fiber.Ctx, code, field string) error {
	p := principal(c)
	if code == "" {
		if p.AgencyPath != "" {
			return domain.Errorf(domain.EFORBIDDEN, "Only a global admin may act outside an agency.")
		}
		return nil
	}
	a, err := s.store.FindAgency(c.UserContext(), code)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return domain.NoSuchAgency(field, code)
	} else if err != nil {
		return err
	}
	if !p.Sees(a.Path) {
		return domain.Errorf(domain.EFORBIDDEN, "Agency %s is outside your scope.", code)
	}
	return nil
}
