// Package api is the HTTP face of the service: Fiber routes, handlers, middleware, the
// problem+json error handler, the OpenAPI description and the small HTML pages.
package api

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus"

	"motcua/desk"
	"motcua/domain"
	"motcua/qr"
	"motcua/store"
)

// Config holds what the HTTP layer needs; cmd fills it from the environment.
type Config struct {
	PublicURL       string // base of lookup URLs
	WorkHours       domain.WorkHours
	SupplementClock domain.SupplementClock
	Secret          []byte       // signs login and lookup tokens (at least 32 bytes)
	Version         string       // reported by /healthz
	Logger          *slog.Logger // nil = slog.Default()
	TokenTTL        time.Duration
	PublicCache     int              // public answers kept in memory (PostgreSQL only); 0 = none
	ImportLimit     int64            // the largest CSV an HTTP import takes, in bytes; 0 = 1 GiB
	Now             func() time.Time // nil = time.Now; tests move the clock
	Desk            *desk.Desk       // the use cases; nil = a desk over the store with WorkHours, SupplementClock and Now

	TrustedProxies []netip.Prefix // peers whose X-Forwarded-For names the client, for rate limits; nil = none
	Limits         RateLimits     // budgets of what needs no login; zero fields = DefaultRateLimits
	MetricsToken   string         // when set, /metrics asks for it as a bearer token
	IdempotencyTTL time.Duration  // how long an Idempotency-Key's answer is kept; 0 = store.DefaultIdempotencyTTL; an older key is new again
	Warnings       []string       // configuration warnings, listed by /readyz under details.warnings
}

// Server is the HTTP application over a store.
type Server struct {
	app         *fiber.App
	store       *store.Store
	cfg         Config
	log         *slog.Logger
	metrics     *metrics
	now         func() time.Time
	tokens      *tokenSigner
	lookup      *qr.Signer
	desk        *desk.Desk
	public      *store.Cache[*publicAnswer]
	readyChecks []func(*fiber.Ctx) (string, any)
}

// New builds the application with every route.
func New(st *store.Store, cfg Config) *Server {
	s := &Server{store: st, cfg: cfg, log: cfg.Logger, now: cfg.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cfg.ImportLimit == 0 {
		s.cfg.ImportLimit = 1 << 30
	}
	if s.cfg.TokenTTL == 0 {
		s.cfg.TokenTTL = 12 * time.Hour
	}
	s.cfg.Limits = s.cfg.Limits.withDefaults()
	if s.cfg.IdempotencyTTL <= 0 {
		s.cfg.IdempotencyTTL = store.DefaultIdempotencyTTL
	}
	s.readyChecks = append(s.readyChecks, s.configWarnings)
	s.tokens = newTokenSigner(cfg.Secret)
	lookup, err := qr.NewSigner(cfg.Secret)
	if err != nil {
		panic("api.New: " + err.Error()) // cmd validates the secret's length first
	}
	s.lookup = lookup
	s.desk = cfg.Desk
	if s.desk == nil {
		s.desk = desk.New(st, desk.Config{WorkHours: cfg.WorkHours, SupplementClock: cfg.SupplementClock, Now: s.now})
	}
	s.readyChecks = append(s.readyChecks, s.calendarReady, s.calendarWarnings)
	s.metrics = newMetrics()
	s.public = store.NewDossierCache[*publicAnswer](st, cfg.PublicCache)
	s.metrics.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "motcua_public_cache_entries", Help: "Public answers kept in memory.",
	}, func() float64 { return float64(s.public.Len()) }))
	s.app = fiber.New(fiber.Config{
		AppName:               "motcua",
		ErrorHandler:          s.errorHandler,
		DisableStartupMessage: true,
		Immutable:             true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          120 * time.Second,
		IdleTimeout:           120 * time.Second,
		StreamRequestBody:     true,
		BodyLimit:             4 << 20,
		ReadBufferSize:        16 << 10,
	})
	s.app.Use(requestid.New(), s.logRequests, recover.New(recover.Config{EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, e any) {
			s.log.Error("panic", append(logAttrs(c), "panic", e)...)
		}}), securityHeaders, s.replicaReads)
	s.routes()
	return s
}

// App returns the Fiber application (tests call App().Test).
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until Shutdown.
func (s *Server) Listen(addr string) error { return s.app.Listen(addr) }

// Shutdown stops accepting requests and waits up to timeout for those under way, then stops
// the desk's background work (the scheduler finishes what it leaves).
func (s *Server) Shutdown(timeout time.Duration) error {
	err := s.app.ShutdownWithTimeout(timeout)
	s.desk.Close()
	return err
}

// logRequests logs one line per request, without query strings or anything personal.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			return herr
		}
		status = c.Response().StatusCode()
	}
	drainBody(c)
	d := time.Since(start)
	s.metrics.observe(c.Method(), routePath(c), status, d)
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "request",
		slog.String("request_id", requestID(c)), slog.String("method", c.Method()),
		slog.String("route", routePath(c)), slog.Int("status", status), slog.Duration("duration", d))
	return nil
}

// maxDrain is how much of an unread request body is read away before the answer. Reading
// it lets the client, still sending, receive the answer: closing a socket with unread data
// resets the connection, and the reset can destroy the answer before the client reads it.
// A longer rest closes the connection instead.
const maxDrain = 8 << 20

// drainBody makes sure that what a handler left unread of a streamed request body is never
// parsed as the next request on the connection: the rest is read away, or, when long, the
// connection is closed after the answer.
func drainBody(c *fiber.Ctx) {
	if !c.Request().IsBodyStream() {
		return
	}
	n, err := io.Copy(io.Discard, io.LimitReader(c.Context().RequestBodyStream(), maxDrain+1))
	if err != nil || n > maxDrain {
		c.Context().SetConnectionClose()
	}
}

// securityHeaders sets the headers every answer carries.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
	return c.Next()
}

func requestID(c *fiber.Ctx) string {
	if v, ok := c.Locals("requestid").(string); ok {
		return v
	}
	return ""
}

// routePath is the matched route pattern ("/api/v1/dossiers/:code"), never the raw path.
func routePath(c *fiber.Ctx) string {
	if r := c.Route(); r != nil && r.Path != "/" {
		return r.Path
	}
	return "unmatched"
}
