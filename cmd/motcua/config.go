package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"motcua/domain"
)

// Config is the whole configuration, read once from the environment (see API.md).
type Config struct {
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

// loadSecret returns MOTCUA_SECRET, or the secret kept in the data directory, creating it once.
func (c *Config) loadSecret() error {
	if c.Secret != nil {
		return nil
	}
	path := filepath.Join(c.DataDir, "secret")
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		c.Secret = b
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("MOTCUA_DATA_DIR: %w", err)
	}
	b := make([]byte, 32)
	rand.Read(b)
	secret := []byte(hex.EncodeToString(b))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) { // another process won the race
		return c.loadSecret()
	} else if err != nil {
		return fmt.Errorf("MOTCUA_DATA_DIR: write secret: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(secret); err != nil {
		return err
	}
	c.Secret = secret
	return f.Sync()
}
