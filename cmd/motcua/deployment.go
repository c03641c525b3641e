package main

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"motcua/api"
)

// deploymentFromEnv reads what running behind a proxy, among replicas, needs: trusted
// proxies, rate limits, the metrics token and how long Idempotency-Keys live. It adds the
// configuration's warnings to c.Warnings.
func deploymentFromEnv(c *Config, get func(name, def string) string, bad func(name, format string, args ...any)) {
	var err error
	if c.TrustedProxies, err = parseTrustedProxies(get("MOTCUA_TRUSTED_PROXIES", "")); err != nil {
		bad("MOTCUA_TRUSTED_PROXIES", "%v", err)
	}
	limit := func(name string, def, max int) int {
		v := get(name, strconv.Itoa(def))
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > max {
			bad(name, "must be a whole number from 1 to %d, not %q", max, v)
			return def
		}
		return n
	}
	d := api.DefaultRateLimits
	c.RateLimits = api.RateLimits{
		LookupPerMinute:   limit("MOTCUA_RATE_LOOKUP_PER_MINUTE", d.LookupPerMinute, 1_000_000),
		LookupCodePerHour: limit("MOTCUA_RATE_LOOKUP_CODE_PER_HOUR", d.LookupCodePerHour, 1_000_000),
		TokenPerMinute:    limit("MOTCUA_RATE_TOKEN_PER_MINUTE", d.TokenPerMinute, 1_000_000),
		LoginPerMinute:    limit("MOTCUA_RATE_LOGIN_PER_MINUTE", d.LoginPerMinute, 1_000_000),
	}
	c.MetricsToken = get("MOTCUA_METRICS_TOKEN", "")
	if t := c.MetricsToken; t != "" && (len(t) < 16 || strings.ContainsFunc(t, func(r rune) bool { return r <= ' ' || r > '~' })) {
		bad("MOTCUA_METRICS_TOKEN", "must be at least 16 visible ASCII characters")
	}
	ttl := get("MOTCUA_IDEMPOTENCY_TTL", "24h")
	if c.IdempotencyTTL, err = time.ParseDuration(ttl); err != nil || c.IdempotencyTTL < time.Hour || c.IdempotencyTTL > 30*24*time.Hour {
		bad("MOTCUA_IDEMPOTENCY_TTL", "must be a duration from 1h to 720h (e.g. 24h), not %q", ttl)
	}
	if w := publicURLWarning(c.PublicURL, c.Addr); w != "" {
		c.Warnings = append(c.Warnings, w)
	}
}

// parseTrustedProxies reads a list of addresses and CIDR blocks, separated by commas or spaces.
func parseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or a CIDR block (e.g. 10.0.0.0/8)", f)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or a CIDR block (e.g. 10.0.0.0/8)", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// publicURLWarning says why citizens could not open the lookup URLs printed on receipts
// when publicURL names this machine's loopback while the service listens on other
// addresses too; "" when nothing is wrong.
func publicURLWarning(publicURL, addr string) string {
	u, err := url.Parse(publicURL)
	if err != nil || !isLoopbackHost(u.Hostname()) {
		return ""
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil || isLoopbackHost(host) {
		return ""
	}
	return fmt.Sprintf("MOTCUA_PUBLIC_URL is %s, a loopback address, while MOTCUA_ADDR %s listens on other addresses: "+
		"QR codes and lookup links on receipts will not open on a citizen's phone; set MOTCUA_PUBLIC_URL to the address citizens reach", publicURL, addr)
}

// isLoopbackHost reports whether host names this machine only (localhost, 127.0.0.0/8, ::1).
func isLoopbackHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.Unmap().IsLoopback()
}
