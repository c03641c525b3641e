package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"motcua/domain"
)

// Rate limits of the answers that need no login.
const (
	publicPerMinute   = 30 // requests per client address per minute, over all public answers and pages
	lookupCodePerHour = 20 // lookups of one dossier code per hour, from any address
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
	perClient := s.publicLimiter()
	v1.Get("/public/dossiers/:token", perClient, s.getPublicDossier)
	v1.Post("/public/dossiers/:token/survey", perClient, s.postPublicSurvey)
	v1.Get("/public/lookup", perClient, s.lookupCodeLimiter(), s.publicLookup)

	app.Get("/t/:token", perClient, s.citizenPage)
	app.Post("/t/:token/survey", perClient, s.citizenSurvey)

	app.Get("/counter/login", s.counterLoginPage)
	app.Post("/counter/login", s.counterLoginLimiter(), s.counterLogin)
	app.Post("/counter/logout", s.counterForm, s.counterLogout)
	app.Get("/counter", s.counterAuth, s.counterPage)
	app.Get("/counter/dossiers/:code/receipt.pdf", s.counterAuth, s.receiptPDF)
	app.Get("/counter/dossiers/:code/qr.png", s.counterAuth, s.qrPNG)
	app.Get("/counter/dossiers/:code/apology.pdf", s.counterAuth, s.apologyPDF)
	s.counterRoutes(app)
}

// publicLimiter bounds the public answers and the citizen's pages per client address; one
// instance is shared by all of them. Pages get an HTML answer, the API problem+json.
func (s *Server) publicLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Max:        publicPerMinute,
		Expiration: time.Minute,
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
		Max:        lookupCodePerHour,
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
