package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"motcua/api"
	"motcua/calendars"
	"motcua/demo"
	"motcua/domain"
	"motcua/store"
)

// demoUser is a user the demo creates: one per role at the city, counter staff at a ward,
// and the global admin.
type demoUser struct {
	username string
	role     domain.Role
	agency   string
}

func demoUsers() []demoUser {
	return []demoUser{
		{"admin", domain.RoleAdmin, ""},
		{"thanhpho.admin", domain.RoleAdmin, demo.CityCode},
		{"thanhpho.tiepnhan", domain.RoleReception, demo.CityCode},
		{"thanhpho.chuyenvien", domain.RoleSpecialist, demo.CityCode},
		{"thanhpho.baocao", domain.RoleReporter, demo.CityCode},
		{"phuong1.tiepnhan", domain.RoleReception, demo.WardCode(1)},
		{"phuong1.chuyenvien", domain.RoleSpecialist, demo.WardCode(1)},
		{"phuong1.baocao", domain.RoleReporter, demo.WardCode(1)},
	}
}

// runDemo runs `motcua demo [-seed N] [-year YYYY] [-dossiers N] [-wards N]`: it fills an
// empty database with a city, its wards, a catalogue, the shipped calendars, a year of
// dossiers and feedback, and a user for each role, and prints the users' passwords.
func runDemo(log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	def := demo.DefaultConfig()
	seed := fs.Uint64("seed", def.Seed, "random seed: the same seed gives the same data")
	year := fs.Int("year", def.Year, "the year of the dossiers")
	dossiers := fs.Int("dossiers", def.Dossiers, "how many dossiers")
	wards := fs.Int("wards", def.Wards, "how many wards under the city")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("usage: motcua demo [-seed N] [-year YYYY] [-dossiers N] [-wards N]")
	}
	ctx := context.Background()
	cfg, st, err := migrated(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	years, err := calendars.Years()
	if err != nil {
		return err
	}
	dc := demo.Config{Seed: *seed, Year: *year, Dossiers: *dossiers, Wards: *wards, Calendar: years,
		WorkHours: cfg.WorkHours, Supplement: cfg.SupplementClock, Feedback: def.Feedback}
	if now := time.Now(); domain.DateOf(now).Year <= *year {
		dc.Now = now // the current year: the data stops today
	}
	start := time.Now()
	data, err := demo.Generate(dc)
	if err != nil {
		return err
	}
	if err := demo.Load(ctx, st, data); err != nil {
		return err
	}
	logins, err := createDemoUsers(ctx, st)
	if err != nil {
		return err
	}
	log.Info("demo data loaded", "agencies", len(data.Agencies), "procedures", len(data.Procedures),
		"dossiers", len(data.Dossiers), "feedback", len(data.Feedback), "seconds", time.Since(start).Seconds())
	printDemoUsers(os.Stdout, logins)
	return nil
}

// demoLogin is a created demo user and its password.
type demoLogin struct {
	demoUser
	password string
}

// createDemoUsers creates demoUsers with random passwords. The global admin is left alone
// when it exists (created by an earlier start); its password is then not known.
func createDemoUsers(ctx context.Context, st *store.Store) ([]demoLogin, error) {
	var out []demoLogin
	for _, u := range demoUsers() {
		b := make([]byte, 12)
		rand.Read(b)
		password := base64.RawURLEncoding.EncodeToString(b)
		hash, err := api.HashPassword(password)
		if err != nil {
			return nil, err
		}
		err = st.CreateUser(ctx, &domain.User{Username: u.username, PasswordHash: hash, Roles: []domain.Role{u.role}, AgencyCode: u.agency})
		if domain.ErrorCode(err) == domain.ECONFLICT && u.agency == "" {
			out = append(out, demoLogin{u, "(exists already; unchanged)"})
			continue
		} else if err != nil {
			return nil, fmt.Errorf("user %s: %w", u.username, err)
		}
		out = append(out, demoLogin{u, password})
	}
	return out, nil
}

func printDemoUsers(w io.Writer, logins []demoLogin) {
	fmt.Fprintln(w, "\nDemo users (shown once; change them before any real use):")
	for _, l := range logins {
		agency := l.agency
		if agency == "" {
			agency = "(all agencies)"
		}
		fmt.Fprintf(w, "  %-20s %-10s %-16s %s\n", l.username, l.role, agency, l.password)
	}
	fmt.Fprintln(w)
}
