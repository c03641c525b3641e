package api

import (
	"net"
	"net/netip"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// TestClientAddr holds clientAddr to the rule: the peer unless it is a trusted proxy, else
// the rightmost X-Forwarded-For hop that is not a trusted proxy.
func TestClientAddr(t *testing.T) {
	t.Parallel()
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8"), netip.MustParsePrefix("192.0.2.1/32")}
	tests := []struct {
		name, peer string
		xff        []string // one entry per header line
		want       string
	}{
		{"no header", "198.51.100.7", nil, "198.51.100.7"},
		{"untrusted peer, header ignored", "198.51.100.7", []string{"203.0.113.1"}, "198.51.100.7"},
		{"one proxy", "10.0.0.2", []string{"203.0.113.1"}, "203.0.113.1"},
		{"spoofed left part", "10.0.0.2", []string{"1.1.1.1, 2.2.2.2, 203.0.113.1"}, "203.0.113.1"},
		{"two proxies", "10.0.0.2", []string{"1.1.1.1, 203.0.113.1, 10.9.9.9"}, "203.0.113.1"},
		{"two header lines", "10.0.0.2", []string{"1.1.1.1", "203.0.113.1, 192.0.2.1"}, "203.0.113.1"},
		{"ports and spaces", "10.0.0.2", []string{" 203.0.113.1:5123 ,10.0.0.3"}, "203.0.113.1"},
		{"IPv6 client", "fd00::1", []string{"[2001:db8::5]:443"}, "2001:db8::5"},
		{"IPv4-mapped", "10.0.0.2", []string{"::ffff:203.0.113.1"}, "203.0.113.1"},
		{"garbage after a trusted hop", "10.0.0.2", []string{"203.0.113.1, unknown, 10.0.0.3"}, "10.0.0.3"},
		{"garbage last", "10.0.0.2", []string{"203.0.113.1, unknown"}, "10.0.0.2"},
		{"only proxies", "10.0.0.2", []string{"10.0.0.5, 10.0.0.4"}, "10.0.0.5"},
		{"empty header", "10.0.0.2", []string{""}, "10.0.0.2"},
	}
	s := &Server{cfg: Config{TrustedProxies: trusted}}
	app := fiber.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req fasthttp.Request
			for _, h := range tt.xff {
				req.Header.Add(fiber.HeaderXForwardedFor, h)
			}
			var rc fasthttp.RequestCtx
			rc.Init(&req, &net.TCPAddr{IP: net.ParseIP(tt.peer), Port: 40000}, nil)
			c := app.AcquireCtx(&rc)
			defer app.ReleaseCtx(c)
			if got := s.clientAddr(c); got != tt.want {
				t.Errorf("clientAddr = %s, want %s", got, tt.want)
			}
		})
	}
}
