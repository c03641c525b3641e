package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"
)

// healthcheckTimeout bounds the whole check, connection and answer.
const healthcheckTimeout = 5 * time.Second

// healthcheck runs `motcua healthcheck`: nil when the service at MOTCUA_ADDR answers /readyz
// with 200, an error saying what it got otherwise (the command then exits 1). It needs no
// shell or curl, so the distroless image can run it as its health check.
func healthcheck(args []string) error {
	if len(args) > 0 {
		return errors.New("usage: motcua healthcheck")
	}
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	return checkReady(readyURL(cfg.Addr), healthcheckTimeout)
}

// readyURL is the /readyz URL of a service listening on addr: a wildcard host is asked on
// the loopback address.
func readyURL(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if a, err := netip.ParseAddr(host); host == "" || err == nil && a.IsUnspecified() {
		host = "127.0.0.1"
		if err == nil && a.Is6() && !a.Is4In6() {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz"
}

// checkReady asks url and returns nil for a 200 answer within timeout.
func checkReady(url string, timeout time.Duration) error {
	client := &http.Client{Timeout: timeout}
	res, err := client.Get(url)
	if err != nil {
		return fmt.Errorf("healthcheck: no answer from %s: %w", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 2<<10))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s: %s", url, res.Status, strings.TrimSpace(string(body)))
	}
	return nil
}
