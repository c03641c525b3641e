package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"motcua/api"
	"motcua/domain"
)

// Config is the whole configuration, read once from the environment (see API.md).
type Config struct {
	TrustedProxies []netip.Prefix // MOTCUA_TRUSTED_PROXIES: peers whose X-Forwarded-For is believed
	RateLimits     api.RateLimits // MOTCUA_RATE_…
	MetricsToken   string         // MOTCUA_METRICS_TOKEN: bearer token /metrics asks for; "" = none
	IdempotencyTTL time.Duration  // MOTCUA_IDEMPOTENCY_TTL: how long an Idempotency-Key is kept
	Warnings       []string       // what is allowed but probably wrong; logged at start, listed by /readyz

	Addr            string
	DatabaseURL     string
	DataDir         string
	PublicURL       string
	Secret          []byte
	AdminPassword   string
	WorkHours       domain.WorkHours
	SupplementClock domain.SupplementClock
	Scheduler       bool
	PublicCache     int

	DatabaseReplicaURL string // a streaming standby that answers reads; empty = none
}

// configFromEnv parses and validates the environment; the error names the variable.
func configFromEnv(getenv func(string) string) (*Config, error) {
	get := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	c := &Config{
		Addr:          get("MOTCUA_ADDR", ":8080"),
		DatabaseURL:   getenv("MOTCUA_DATABASE_URL"),
		DataDir:       get("MOTCUA_DATA_DIR", "./data"),
		PublicURL:     strings.TrimRight(get("MOTCUA_PUBLIC_URL", "http://localhost:8080"), "/"),
		AdminPassword: getenv("MOTCUA_ADMIN_PASSWORD"),
	}
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		bad("MOTCUA_ADDR", "%q is not host:port (e.g. :8080)", c.Addr)
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		bad("MOTCUA_DATABASE_URL", "must be a postgres:// URL or empty for the embedded database")
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("MOTCUA_PUBLIC_URL", "%q is not an http(s) URL", c.PublicURL)
	}
	if s := getenv("MOTCUA_SECRET"); s != "" {
		if len(s) < 32 {
			bad("MOTCUA_SECRET", "must be at least 32 characters")
		}
		c.Secret = []byte(s)
	}
	if p := c.AdminPassword; p != "" && (len(p) < 10 || len(p) > 72) {
		bad("MOTCUA_ADMIN_PASSWORD", "must be 10 to 72 bytes long")
	}
	deploymentFromEnv(c, get, bad)
	var err error
	if c.WorkHours, err = domain.ParseWorkHours(get("MOTCUA_WORK_HOURS", "07:00-11:00,13:00-17:00")); err != nil {
		bad("MOTCUA_WORK_HOURS", "%s", domain.ErrorMessage(err))
	}
	if c.SupplementClock, err = domain.ParseSupplementClock(get("MOTCUA_SUPPLEMENT_CLOCK", "restart")); err != nil {
		bad("MOTCUA_SUPPLEMENT_CLOCK", "must be restart or pause")
	}
	switch v := get("MOTCUA_SCHEDULER", "on"); v {
	case "on":
		c.Scheduler = true
	case "off":
	default:
		bad("MOTCUA_SCHEDULER", "must be on or off, not %q", v)
	}
	if n, err := strconv.Atoi(get("MOTCUA_PUBLIC_CACHE", "50000")); err != nil || n < 0 || n > 10_000_000 {
		bad("MOTCUA_PUBLIC_CACHE", "must be a number of answers from 0 (no cache) to 10000000")
	} else {
		c.PublicCache = n
	}
	c.DatabaseReplicaURL = getenv("MOTCUA_DATABASE_REPLICA_URL")
	if r := c.DatabaseReplicaURL; r != "" {
		if !strings.HasPrefix(r, "postgres://") && !strings.HasPrefix(r, "postgresql://") {
			bad("MOTCUA_DATABASE_REPLICA_URL", "must be a postgres:// URL or empty")
		} else if c.DatabaseURL == "" {
			bad("MOTCUA_DATABASE_REPLICA_URL", "needs MOTCUA_DATABASE_URL: the embedded database has no standby")
		}
	}
	return c, errors.Join(errs...)
}

// secretSize is the least a secret holds, in bytes.
const secretSize = 32

// loadSecret returns MOTCUA_SECRET, or the secret kept in the data directory, creating it once.
// A secret file that is short, empty or unreadable stops the start with an error that names
// the file and says what to do; it is never replaced, since tokens and QR codes already
// printed were signed with it. A new secret is written to a temporary file, synced, and
// linked into place, which fails rather than replace a file another start put there first:
// then that start's secret is read and used, so racing starts end with the same secret.
func (c *Config) loadSecret() error {
	if c.Secret != nil {
		return nil
	}
	path := filepath.Join(c.DataDir, "secret")
	for {
		b, err := os.ReadFile(path)
		switch {
		case err == nil && len(b) >= secretSize:
			c.Secret = b
			return nil
		case err == nil && len(b) == 0:
			return fmt.Errorf("the secret file %s is empty (a start was interrupted while creating it): "+
				"delete it and start again to have a new secret made, or set MOTCUA_SECRET", path)
		case err == nil:
			return fmt.Errorf("the secret file %s holds %d bytes, fewer than the %d a secret needs: "+
				"write the secret that signed this deployment's tokens and QR codes back into it, or delete it "+
				"to have a new one made (QR codes printed before stop working), or set MOTCUA_SECRET", path, len(b), secretSize)
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("the secret file %s cannot be read (%w): let the service's user read it, or set MOTCUA_SECRET", path, err)
		}
		created, err := createSecret(c.DataDir, path)
		if err != nil {
			return fmt.Errorf("creating the secret file %s: %w; make MOTCUA_DATA_DIR writable by the service's user, or set MOTCUA_SECRET", path, err)
		}
		if created != nil {
			c.Secret = created
			return nil
		}
		// Another start created it first: read theirs.
	}
}

// createSecret writes a new random secret to path through a synced temporary file in dir.
// It returns nil and no error when path exists already (another start won the race).
func createSecret(dir, path string) (secret []byte, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	b := make([]byte, secretSize)
	rand.Read(b)
	secret = []byte(hex.EncodeToString(b))
	tmp, err := os.CreateTemp(dir, ".secret-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name()) // the link below keeps the file under its name
	_, err = tmp.Write(secret)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	// A hard link is a rename that never replaces what is there.
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return secret, syncDir(dir)
}

// syncDir makes a new name in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
