package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"motcua/calendars"
	"motcua/desk"
	"motcua/domain"
	"motcua/store"
)

// migrated opens the store and brings its schema up to date, for the maintenance commands.
func migrated(ctx context.Context) (*Config, *store.Store, error) {
	cfg, st, err := setup(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, nil, err
	}
	return cfg, st, nil
}

// importDossiers runs `motcua import dossiers FILE.csv`.
func importDossiers(log *slog.Logger, args []string) error {
	if len(args) != 2 || args[0] != "dossiers" {
		return fmt.Errorf("usage: motcua import dossiers FILE.csv")
	}
	ctx := context.Background()
	cfg, st, err := migrated(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := os.Open(args[1])
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	res, err := newDesk(cfg, st).Import(ctx, cliAdmin("import-cli"), f)
	if err != nil {
		var de *domain.Error
		if e, ok := err.(*domain.Error); ok {
			de = e
		}
		if de != nil {
			for _, fe := range de.Fields {
				fmt.Fprintf(os.Stderr, "line %d: %s: %s\n", fe.Line, fe.Field, fe.Message)
			}
			return fmt.Errorf("%s", de.Message)
		}
		return err
	}
	log.Info("imported", "imported", res.Imported, "skipped", res.Skipped, "seconds", time.Since(start).Seconds())
	return nil
}

// loadCalendar runs `motcua calendar load [YEAR…]`: the shipped official calendars.
func loadCalendar(log *slog.Logger, args []string) error {
	if len(args) == 0 || args[0] != "load" {
		return fmt.Errorf("usage: motcua calendar load [YEAR…]")
	}
	want := map[int]bool{}
	for _, a := range args[1:] {
		y, err := strconv.Atoi(a)
		if err != nil {
			return fmt.Errorf("%q is not a year", a)
		}
		want[y] = true
	}
	years, err := calendars.Years()
	if err != nil {
		return err
	}
	ctx := context.Background()
	cfg, st, err := migrated(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var load []domain.CalendarYear
	for _, y := range years {
		if len(want) > 0 && !want[y.Year] {
			continue
		}
		delete(want, y.Year)
		load = append(load, y)
		log.Info("calendar", "year", y.Year, "holidays", len(y.Holidays), "extra_workdays", len(y.ExtraWorkdays), "source", y.Source)
	}
	for y := range want {
		return fmt.Errorf("no official calendar is shipped for %d; PUT /api/v1/calendar/%d to enter it", y, y)
	}
	changed, err := newDesk(cfg, st).PutCalendars(ctx, "calendar-load", load...)
	log.Info("calendars loaded; dossiers judged again", "years", len(load), "changed", changed)
	return err
}

// loadShippedCalendars stores, on start, the shipped years the database does not hold yet
// (desk.LoadShippedCalendars) and judges the dossiers again in the background; a year an
// admin set is kept. A failure is logged and the service starts all the same: a year not
// stored counts with its statutory days.
func loadShippedCalendars(ctx context.Context, log *slog.Logger, dk *desk.Desk) {
	res, err := dk.LoadShippedCalendars(ctx, "calendar-load")
	if err != nil {
		log.Error("loading the shipped calendars", "err", err, "years", res.Loaded)
		return
	}
	if len(res.Loaded) > 0 {
		log.Info("shipped calendars loaded", "years", res.Loaded)
	}
	if res.Rejudge != nil {
		log.Info("dossiers judged again in the background with the calendars loaded", "rejudge", res.Rejudge.ID)
		dk.StartRejudges()
	}
	if len(res.KeptSet) > 0 {
		log.Info("shipped calendars not loaded over the years an admin set (motcua calendar load YEAR replaces them)", "years", res.KeptSet)
	}
}

// cliAdmin is who a maintenance command acts as: an admin over every agency.
func cliAdmin(name string) *domain.Principal {
	return &domain.Principal{Username: name, Roles: []domain.Role{domain.RoleAdmin}}
}
