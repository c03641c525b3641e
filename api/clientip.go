package api

import (
	"bytes"
	"net/netip"

	"github.com/gofiber/fiber/v2"
)

// RateLimits are the budgets of the requests that need no login, per client address unless
// said otherwise. Each process counts on its own: with several replicas behind a load
// balancer a client gets up to one budget per replica.
type RateLimits struct {
	LookupPerMinute   int // lookups by code and phone digits per client per minute: the strict budget against guessing
	LookupCodePerHour int // lookups of any one dossier code per hour, from every client together
	TokenPerMinute    int // pages and answers by signed token (the QR code) per client per minute
	LoginPerMinute    int // login attempts (API and counter) per client per minute
}

// DefaultRateLimits are the limits a zero field of Config.Limits stands for.
var DefaultRateLimits = RateLimits{LookupPerMinute: 30, LookupCodePerHour: 20, TokenPerMinute: 300, LoginPerMinute: 20}

// withDefaults fills the zero fields of l from DefaultRateLimits.
func (l RateLimits) withDefaults() RateLimits {
	d := DefaultRateLimits
	for _, f := range []struct{ v, def *int }{
		{&l.LookupPerMinute, &d.LookupPerMinute}, {&l.LookupCodePerHour, &d.LookupCodePerHour},
		{&l.TokenPerMinute, &d.TokenPerMinute}, {&l.LoginPerMinute, &d.LoginPerMinute},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// clientAddr is the address rate limits count a request against. From a peer in
// Config.TrustedProxies it is the rightmost address of X-Forwarded-For that is not itself a
// trusted proxy (each proxy appends the address it got the request from, so everything left
// of that is the client's own say); from any other peer the header is ignored.
func (s *Server) clientAddr(c *fiber.Ctx) string {
	addr, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	addr = addr.Unmap()
	if !s.trustedProxy(addr) {
		return addr.String()
	}
	hops := forwardedFor(c)
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			break // not written by a proxy we trust: the last trusted hop is all we know
		}
		addr = hop
		if !s.trustedProxy(hop) {
			break
		}
	}
	return addr.String()
}

// trustedProxy reports whether a is one of Config.TrustedProxies.
func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor returns the hops of every X-Forwarded-For header of the request, in order.
func forwardedFor(c *fiber.Ctx) [][]byte {
	var hops [][]byte
	for _, h := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, bytes.Split(h, []byte(","))...)
	}
	return hops
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a port ("1.2.3.4:5",
// "[::1]:5").
func parseHop(b []byte) (netip.Addr, bool) {
	s := string(bytes.TrimSpace(b))
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}
