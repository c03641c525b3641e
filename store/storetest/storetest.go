// Package storetest opens real databases for tests: SQLite in a temporary directory,
// or, when MOTCUA_TEST_DATABASE_URL is set, a fresh schema in that PostgreSQL database.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"motcua/store"
)

// EnvURL names the variable that points the tests at PostgreSQL.
const EnvURL = "MOTCUA_TEST_DATABASE_URL"

// MustOpen returns a migrated, empty store that is closed (and dropped) when the test ends.
func MustOpen(tb testing.TB) *store.Store {
	tb.Helper()
	s, _ := MustOpenURL(tb)
	return s
}

// MustOpenURL is MustOpen that also returns the options it opened, so that a test can
// open a second store (a second replica) on the same database.
func MustOpenURL(tb testing.TB) (*store.Store, store.Options) {
	tb.Helper()
	opts := NewOptions(tb)
	s, err := store.Open(context.Background(), opts)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return s, opts
}

// NewOptions returns options for a fresh, empty database that is removed when the test ends.
func NewOptions(tb testing.TB) store.Options {
	tb.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return store.Options{DataDir: tb.TempDir()}
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		tb.Fatalf("connect to %s: %v", EnvURL, err)
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if db, err := admin.DB(); err == nil {
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return store.Options{URL: u.String(), MaxConn: 8}
}
