package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"motcua/bench"
	"motcua/domain"
)

// benchCommand runs `motcua bench generate|run`: the province-scale generator and the
// benchmark suite (see BENCHMARKS.md and scripts/bench.sh).
func benchCommand(log *slog.Logger, args []string) error {
	usage := fmt.Errorf("usage: motcua bench generate [-dossiers N] [-from YYYY-MM-DD] [-seed S]\n" +
		"       motcua bench run -pgbin DIR [-dossiers N] [-big] [-quick]")
	if len(args) == 0 {
		return usage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "generate":
		fs := flag.NewFlagSet("bench generate", flag.ContinueOnError)
		n := fs.Int("dossiers", 1_000_000, "how many dossiers")
		from := fs.String("from", bench.DefaultFrom.String(), "first intake day")
		seed := fs.Uint64("seed", 1, "random seed")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		day, err := domain.ParseDate(*from)
		if err != nil {
			return err
		}
		_, st, err := migrated(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		p, err := bench.NewProvince(10, 15, 100)
		if err != nil {
			return err
		}
		stats, err := bench.Generate(ctx, st, p, bench.Config{Dossiers: *n, From: day, Seed: *seed, Log: os.Stderr})
		if err != nil {
			return err
		}
		log.Info("generated", "dossiers", stats.Dossiers, "events", stats.Events, "per_year", fmt.Sprint(stats.PerYear),
			"copy", stats.Copy.Round(time.Millisecond).String(), "indexes", stats.Indexes.Round(time.Millisecond).String(),
			"vacuum", stats.Vacuum.Round(time.Millisecond).String(), "total", stats.Total.Round(time.Millisecond).String())
		return nil
	case "run":
		return benchRun(ctx, args[1:])
	}
	return usage
}

// benchRun runs `motcua bench run`: the whole suite against a throwaway PostgreSQL cluster
// (MOTCUA_DATABASE_URL, which the suite fills with its own databases) and prints the table.
func benchRun(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench run", flag.ContinueOnError)
	pgbin := fs.String("pgbin", "", "directory of the PostgreSQL binaries (pgbench)")
	n := fs.Int("dossiers", 1_000_000, "history size")
	big := fs.Int("big", 0, "also measure list/search and the appendix at this history size (e.g. 10000000)")
	importRows := fs.Int("import-rows", 1_000_000, "rows of the large CSV import")
	phase := fs.Duration("phase", 20*time.Second, "length of each load phase and pgbench run")
	work := fs.String("workdir", "", "scratch directory (default: a new temporary one)")
	out := fs.String("out", "", "also write the table (Markdown) to this file")
	only := fs.String("only", "", "run only these parts, comma-separated: "+strings.Join(bench.Parts, ","))
	if err := fs.Parse(args); err != nil {
		return err
	}
	adminURL := os.Getenv("MOTCUA_DATABASE_URL")
	if adminURL == "" || *pgbin == "" {
		return fmt.Errorf("motcua bench run needs MOTCUA_DATABASE_URL (a throwaway cluster) and -pgbin; scripts/bench.sh sets both")
	}
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	dir := *work
	if dir == "" {
		if dir, err = os.MkdirTemp("", "motcua-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	rep, err := bench.Run(ctx, bench.Options{PGBin: *pgbin, AdminURL: adminURL, Binary: bin, WorkDir: dir, Dossiers: *n,
		BigDossiers: *big, ImportRows: *importRows, Phase: *phase, Log: os.Stderr, Only: parts(*only)})
	if rep != nil && len(rep.Rows) > 0 {
		fmt.Println(rep.Markdown())
		if *out != "" {
			if werr := os.WriteFile(*out, []byte(rep.Markdown()), 0o644); werr != nil && err == nil {
				err = werr
			}
		}
	}
	return err
}

// parts splits a comma-separated list of parts; "" is none (all of them).
func parts(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
