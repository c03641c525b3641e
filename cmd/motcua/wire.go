package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"motcua/api"
	"motcua/desk"
	"motcua/jobs"
	"motcua/store"
)

const extraUsage = `  calendar load [YEAR…]       load the shipped official holidays and make-up days
  import dossiers FILE.csv    import dossiers from a CSV, all rows or none
  demo                        fill an empty database with demonstration data
  healthcheck                 exit 0 when the service at MOTCUA_ADDR answers /readyz with 200
`

// newDesk builds the use cases over st with the deployment's deadline settings.
func newDesk(cfg *Config, st *store.Store) *desk.Desk {
	return desk.New(st, desk.Config{WorkHours: cfg.WorkHours, SupplementClock: cfg.SupplementClock})
}

// apiConfig hands the HTTP layer its part of the configuration.
func apiConfig(cfg *Config, log *slog.Logger, dk *desk.Desk) api.Config {
	return api.Config{PublicURL: cfg.PublicURL, Secret: cfg.Secret, Version: version, Logger: log,
		Desk: dk, PublicCache: cfg.PublicCache,
		TrustedProxies: cfg.TrustedProxies, Limits: cfg.RateLimits, MetricsToken: cfg.MetricsToken,
		IdempotencyTTL: cfg.IdempotencyTTL, Warnings: cfg.Warnings}
}

// startJobs starts the scheduler when enabled and returns the function that stops it and
// waits for running jobs.
func startJobs(ctx context.Context, log *slog.Logger, cfg *Config, dk *desk.Desk, st *store.Store) (func(), error) {
	if !cfg.Scheduler {
		log.Info("scheduler off (MOTCUA_SCHEDULER=off)")
		return func() {}, nil
	}
	sched := jobs.New(dk, st, log, time.Now)
	if err := sched.RegisterIdempotencyPurge(cfg.IdempotencyTTL); err != nil {
		return nil, err
	}
	if err := sched.Start(ctx); err != nil {
		return nil, err
	}
	return sched.Stop, nil
}

// runCommand runs the maintenance subcommands.
func runCommand(log *slog.Logger, cmd string, args []string) error {
	switch cmd {
	case "import":
		return importDossiers(log, args)
	case "calendar":
		return loadCalendar(log, args)
	case "bench":
		return benchCommand(log, args)
	case "demo":
		return runDemo(log, args)
	case "healthcheck":
		return healthcheck(args)
	}
	return fmt.Errorf("unknown command %q (motcua help lists them)", cmd)
}
