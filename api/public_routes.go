package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"motcua/domain"
)

// publicPrefix is where the JSON answers that need no login live.
const publicPrefix = "/api/v1/public/"

// isPublicPath reports whether a request path is one of the public JSON answers. Routing is
// case-insensitive, so the comparison is too.
func isPublicPath(path string) bool {
	return len(path) >= len(publicPrefix) && strings.EqualFold(path[:len(publicPrefix)], publicPrefix)
}

// publicRoutes adds the citizen's pages and answers and the counter pages: everything that
// needs no bearer token. It runs before the authenticated group is registered, so that the
// group's middleware never sees these paths.
func (s *Server) publicRoutes(app *fiber.App, v1 fiber.Router) {
	byToken := s.publicLimiter(s.cfg.Limits.TokenPerMinute)
	v1.Get("/public/dossiers/:token", byToken, s.getPublicDossier)
	v1.Post("/public/dossiers/:token/survey", byToken, s.postPublicSurvey)
	v1.Get("/public/lookup", s.publicLimiter(s.cfg.Limits.LookupPerMinute), s.lookupCodeLimiter(), s.publicLookup)

	app.Get("/t/:token", byToken, s.citizenPage)
	app.Post("/t/:token/survey", byToken, s.citizenSurvey)

	app.Get("/counter/login", s.counterLoginPage)
	app.Post("/counter/login", s.counterLoginLimiter(), s.counterLogin)
	app.Post("/counter/logout", s.counterForm, s.counterLogout)
	app.Get("/counter", s.counterAuth, s.counterPage)
	app.Get("/counter/dossiers/:code/receipt.pdf", s.counterAuth, s.receiptPDF)
	app.Get("/counter/dossiers/:code/qr.png", s.counterAuth, s.qrPNG)
	app.Get("/counter/dossiers/:code/apology.pdf", s.counterAuth, s.apologyPDF)
	s.counterRoutes(app)
}

// publicLimiter bounds what needs no login to perMinute requests per client address (see
// clientAddr); one instance is shared by the routes it guards. Lookups by code and phone
// digits have a strict budget of their own, so that guessing them does not shut a citizen
// out of the pages and answers of the signed token, which need no guessing protection (the
// token is checked before anything is read). Pages get an HTML answer, the API problem+json.
func (s *Server) publicLimiter(perMinute int) fiber.Handler {
	return limiter.New(limiter.Config{
		Max:          perMinute,
		Expiration:   time.Minute,
		KeyGenerator: s.clientAddr,
		LimitReached: func(c *fiber.Ctx) error {
			if !isPublicPath(c.Path()) {
				return s.renderMessage(c, fiber.StatusTooManyRequests, "Quá nhiều yêu cầu",
					"Ông/bà đã tra cứu quá nhiều lần trong một phút. Vui lòng thử lại sau ít phút.")
			}
			return domain.Errorf(domain.ERATELIMITED, "Too many requests; wait a minute.")
		},
	})
}

// lookupCodeLimiter bounds lookups of any one dossier code, whatever the address, so that the
// last four digits of a phone number cannot be guessed from many addresses. It counts every
// lookup of the code, found or not, so that it says nothing about whether the code exists.
func (s *Server) lookupCodeLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Max:        s.cfg.Limits.LookupCodePerHour,
		Expiration: time.Hour,
		KeyGenerator: func(c *fiber.Ctx) string {
			code := strings.ToUpper(strings.TrimSpace(c.Query("code")))
			if len(code) > 64 {
				code = code[:64]
			}
			return "code:" + code
		},
		LimitReached: func(c *fiber.Ctx) error {
			return domain.Errorf(domain.ERATELIMITED, "Too many lookups of this dossier code; try again later or use the QR code.")
		},
	})
}
