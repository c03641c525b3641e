package api

import (
	"crypto/subtle"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"motcua/domain"
)

// metrics are the Prometheus series of one server, in a registry of its own.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	publicHits, publicMisses prometheus.Counter // public answers by token from the cache, or not
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "motcua_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"method", "route"}),
	}
	lookups := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "motcua_public_cache_lookups_total", Help: "Public answers by lookup token: from the cache (hit) or the database (miss).",
	}, []string{"result"})
	m.publicHits, m.publicMisses = lookups.WithLabelValues("hit"), lookups.WithLabelValues("miss")
	m.reg.MustRegister(m.requests, m.duration, lookups, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

func (m *metrics) handler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}

// metricsAuth lets a request through to /metrics only with Config.MetricsToken as its bearer
// token, when one is set; EUNAUTHORIZED otherwise.
func (s *Server) metricsAuth(c *fiber.Ctx) error {
	want := s.cfg.MetricsToken
	if want == "" {
		return c.Next()
	}
	got, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) != 1 {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
		return domain.Errorf(domain.EUNAUTHORIZED, "The metrics need the bearer token set in MOTCUA_METRICS_TOKEN.")
	}
	return c.Next()
}
