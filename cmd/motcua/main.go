// Command motcua runs the one-stop desk service and its maintenance tasks.
//
//	motcua [serve]                 run the HTTP service (migrates the database first)
//	motcua migrate                 apply database migrations and exit
//	motcua version                 print the version
//
// Configuration comes from the environment; see the README.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"motcua/api"
	"motcua/domain"
	"motcua/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(log)
	args := os.Args[1:]
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(log)
	case "migrate":
		err = migrate(log)
	case "version":
		fmt.Println("motcua", version)
	case "help", "-h", "--help":
		usage(os.Stdout)
	default:
		err = runCommand(log, cmd, args)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "motcua:", err)
		os.Exit(1)
	}
}

func usage(w *os.File) {
	fmt.Fprint(w, `usage: motcua [command]

commands:
  serve                       run the service (default)
  migrate                     apply database migrations
  version                     print the version
`+extraUsage)
}

// setup parses the configuration and opens the store.
func setup(ctx context.Context) (*Config, *store.Store, error) {
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		return nil, nil, fmt.Errorf("configuration:\n%w", err)
	}
	if err := cfg.loadSecret(); err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, ReplicaURL: cfg.DatabaseReplicaURL})
	if err != nil {
		return nil, nil, err
	}
	return cfg, st, nil
}

func migrate(log *slog.Logger) error {
	ctx := context.Background()
	_, st, err := setup(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	log.Info("migrated", "applied", n)
	return nil
}

func serve(log *slog.Logger) error {
	ctx := context.Background()
	cfg, st, err := setup(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if n, err := st.Migrate(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Info("migrated", "applied", n)
	}
	for _, w := range cfg.Warnings {
		log.Warn("configuration", "warning", w)
	}
	if err := bootstrapAdmin(ctx, log, st, cfg.AdminPassword); err != nil {
		return err
	}
	dk := newDesk(cfg, st)
	loadShippedCalendars(ctx, log, dk)
	srv := api.New(st, apiConfig(cfg, log, dk))
	stopJobs, err := startJobs(ctx, log, cfg, dk, st)
	if err != nil {
		return err
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Listen(cfg.Addr) }()
	log.Info("serving", "addr", cfg.Addr, "database", st.Dialect(), "version", version)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case err = <-errc:
	case s := <-sig:
		log.Info("shutting down", "signal", s.String())
	}
	// HTTP first, then the jobs, then the database (deferred).
	if serr := srv.Shutdown(10 * time.Second); serr != nil {
		log.Error("http shutdown", "err", serr)
	}
	stopJobs()
	log.Info("stopped")
	return err
}

// bootstrapAdmin creates user admin on first start: with MOTCUA_ADMIN_PASSWORD, or a random
// password printed once to the log.
func bootstrapAdmin(ctx context.Context, log *slog.Logger, st *store.Store, password string) error {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	generated := password == ""
	if generated {
		b := make([]byte, 12)
		rand.Read(b)
		password = base64.RawURLEncoding.EncodeToString(b)
	}
	hash, err := api.HashPassword(password)
	if err != nil {
		return err
	}
	u := &domain.User{Username: "admin", PasswordHash: hash, Roles: []domain.Role{domain.RoleAdmin}}
	if err := st.CreateUser(ctx, u); err != nil {
		if domain.ErrorCode(err) == domain.ECONFLICT {
			return nil // another replica created it first
		}
		return err
	}
	if generated {
		// Printed once, to the terminal only: it is the only way in on a fresh install.
		fmt.Fprintf(os.Stderr, "\n  First start: created user admin with password %s\n  Change it, or set MOTCUA_ADMIN_PASSWORD before the first start.\n\n", password)
	}
	log.Info("created the first admin user", "username", "admin", "generated_password", generated)
	return nil
}
