package desk_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"motcua/calendars"
	"motcua/desk"
	"motcua/domain"
	"motcua/store"
	"motcua/store/storetest"
)

// TestReportFollowsTheRule holds the report's SQL to the rule it stands for: random dossier
// lives — pauses, supplements before and after the due time, apologies in time and too late,
// resolutions, returns, withdrawals, and calendars that change while they run — are taken in
// and acted on through the desk, and at every period end tested each figure the store counts
// from its columns equals what domain.Rules.Count gives from the dossiers' histories. The
// seeds are fixed: the test is the same on every run, on both databases.
func TestReportFollowsTheRule(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			checkFiguresFollowTheRule(t, seed, 150)
		})
	}
}

var (
	admin = &domain.Principal{Username: "admin", Roles: []domain.Role{domain.RoleAdmin}}
	vnLoc = domain.Location
)

func day(y int, m time.Month, d int) domain.Date { return domain.Date{Year: y, Month: m, Day: d} }

// figureWorld is a city with two wards and four procedures, on a fresh database, and the desk
// over it with its clock in July 2024.
type figureWorld struct {
	st    *store.Store
	desk  *desk.Desk
	city  *domain.Agency
	wards []*domain.Agency
	procs []*domain.Procedure
}

func newFigureWorld(t *testing.T) *figureWorld {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	w := &figureWorld{st: st, desk: desk.New(st, desk.Config{Now: func() time.Time {
		return time.Date(2024, 7, 1, 9, 0, 0, 0, vnLoc)
	}})}
	w.city = &domain.Agency{Code: "000.00.24.H50", Name: "Thành phố", Level: domain.LevelDistrict}
	for i, a := range []*domain.Agency{w.city,
		{Code: "000.01.24.H50", Name: "Phường 1", Level: domain.LevelCommune, ParentCode: w.city.Code},
		{Code: "000.02.24.H50", Name: "Phường 2", Level: domain.LevelCommune, ParentCode: w.city.Code}} {
		if err := st.CreateAgency(ctx, a); err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			w.wards = append(w.wards, a)
		}
	}
	limits := []struct {
		code, field string
		level       domain.Level
		days, hours int
		postal      bool
	}{
		{"1.000001.000.00.00.H50", "Hộ tịch", domain.LevelCommune, 3, 0, true},
		{"1.000002.000.00.00.H50", "Chứng thực", domain.LevelCommune, 0, 4, false},
		{"1.000003.000.00.00.H50", "Chứng thực", domain.LevelCommune, 0, 0, false},
		{"1.000004.000.00.00.H50", "Đất đai", domain.LevelDistrict, 10, 0, true},
	}
	for _, l := range limits {
		p := &domain.Procedure{Code: l.code, Name: "Thủ tục " + l.code, Field: l.field, Level: l.level,
			OnlineEligible: domain.OnlineFull, OnlineProvided: domain.OnlinePartial, Postal: l.postal,
			PublishedOn: day(2023, 1, 1), EffectiveOn: day(2023, 1, 1)}
		if l.days > 0 {
			p.TimeLimitDays = &l.days
		} else {
			p.TimeLimitHours = &l.hours
		}
		if err := st.CreateProcedure(ctx, p); err != nil {
			t.Fatal(err)
		}
		w.procs = append(w.procs, p)
	}
	return w
}

func checkFiguresFollowTheRule(t *testing.T, seed uint64, n int) {
	ctx := context.Background()
	w := newFigureWorld(t)
	rng := rand.New(rand.NewPCG(seed, 2024))
	var real2024 domain.CalendarYear
	years, err := calendars.Years()
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range years {
		if y.Year == 2024 {
			real2024 = y
		}
	}
	// The year starts with a calendar that knows nothing of Tết; the real one arrives late,
	// after half of the dossiers; then a day in March is taken off as well.
	put := func(y domain.CalendarYear) {
		if _, err := w.desk.PutCalendars(ctx, "test", y); err != nil {
			t.Fatal(err)
		}
	}
	put(domain.CalendarYear{Year: 2024})
	var codes []string
	for range n / 2 {
		codes = append(codes, w.live(t, rng))
	}
	put(real2024)
	for range n - n/2 {
		codes = append(codes, w.live(t, rng))
	}
	compareWithTheRule(t, w, codes)
	real2024.Holidays = append(real2024.Holidays, day(2024, 3, 5+rng.IntN(20)))
	put(real2024)
	compareWithTheRule(t, w, codes)
}

// live takes one dossier in and acts on it at random times until it closes or June ends;
// actions the rules refuse (an apology's appointment not after the due time) are skipped.
func (w *figureWorld) live(t *testing.T, rng *rand.Rand) string {
	ctx := context.Background()
	p := w.procs[rng.IntN(len(w.procs))]
	agency := w.city
	if p.Level == domain.LevelCommune {
		agency = w.wards[rng.IntN(len(w.wards))]
	}
	channels := []domain.Channel{domain.ChannelDirect, domain.ChannelOnline}
	if p.Postal {
		channels = append(channels, domain.ChannelPostal)
	}
	received := time.Date(2024, 1, 2, 6, 0, 0, 0, vnLoc).Add(time.Duration(rng.Int64N(int64(120 * 24 * time.Hour)))).Truncate(time.Second)
	d, err := w.desk.Intake(ctx, admin, domain.IntakeRequest{AgencyCode: agency.Code, ProcedureCode: p.Code,
		Applicant: domain.Applicant{Name: "Người Thử"}, Channel: channels[rng.IntN(len(channels))], ReceivedAt: &received})
	if err != nil {
		t.Fatal(err)
	}
	at, end := received, time.Date(2024, 6, 30, 0, 0, 0, 0, vnLoc)
	for step := 0; step < 10 && d.Status != domain.StatusReturned && d.Status != domain.StatusWithdrawn; step++ {
		at = at.Add(time.Duration(10+rng.Int64N(6*24*60)) * time.Minute)
		if at.After(end) {
			break
		}
		req := domain.ActionRequest{At: at, Reason: "thử"}
		switch s := d.Status; {
		case s == domain.StatusResolved:
			req.Action, req.Channel = domain.ActionReturn, domain.ChannelDirect
		case rng.IntN(12) == 0:
			req.Action = domain.ActionWithdraw
		case d.ApologizedAt == nil && rng.IntN(6) == 0:
			appt := d.DueAt.Add(time.Duration(1+rng.IntN(10)) * 24 * time.Hour)
			req.Action, req.NewAppointmentAt = domain.ActionApologize, &appt
		case s == domain.StatusReceived && rng.IntN(3) > 0:
			req.Action = domain.ActionStart
		case s == domain.StatusProcessing || s == domain.StatusReceived:
			req.Action = []domain.Action{domain.ActionResolve, domain.ActionResolve, domain.ActionRequestSupplement, domain.ActionPause}[rng.IntN(4)]
			req.Outcome = domain.OutcomeApproved
			if s == domain.StatusReceived && req.Action == domain.ActionPause {
				req.Action = domain.ActionStart
			}
		case s == domain.StatusAwaitingSupplement:
			req.Action = domain.ActionSupplement
		case s == domain.StatusPaused:
			req.Action = domain.ActionResume
		}
		next, err := w.desk.Act(ctx, admin, d.Code, req, "")
		if err != nil {
			if domain.ErrorCode(err) == domain.EINVALID && req.Action == domain.ActionApologize {
				continue
			}
			t.Fatalf("%s %s at %v: %v", d.Code, req.Action, at, err)
		}
		d = next
	}
	return d.Code
}

// compareWithTheRule compares, at each period end of the first half of 2024, the store's
// figures with domain.Rules.Count over the histories, for the city and a ward.
func compareWithTheRule(t *testing.T, w *figureWorld, codes []string) {
	t.Helper()
	ctx := context.Background()
	rules, err := w.desk.Rules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type item struct {
		d       *domain.Dossier
		history []domain.Event
	}
	var items []item
	for _, code := range codes {
		d, err := w.st.FindDossierByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		h, err := w.st.DossierEvents(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, item{d, h})
	}
	var periods []domain.Period
	for _, c := range []domain.Cutoff{domain.CutoffCalendar, domain.CutoffDecree09} {
		for m := 1; m <= 6; m++ {
			p, _ := domain.NewPeriod(domain.PeriodMonth, 2024, m, c)
			periods = append(periods, p)
		}
		for _, k := range []struct {
			kind domain.PeriodKind
			n    int
		}{{domain.PeriodQuarter, 1}, {domain.PeriodQuarter, 2}, {domain.PeriodHalf, 1}} {
			p, _ := domain.NewPeriod(k.kind, 2024, k.n, c)
			periods = append(periods, p)
		}
	}
	checked := domain.DossierFigures{}
	for _, p := range periods {
		for _, a := range []*domain.Agency{w.city, w.wards[0]} {
			got, err := w.st.FieldFigures(ctx, a.Path, p)
			if err != nil {
				t.Fatal(err)
			}
			want := map[[2]string]domain.DossierFigures{}
			for _, it := range items {
				if len(it.d.AgencyPath) < len(a.Path) || it.d.AgencyPath[:len(a.Path)] != a.Path {
					continue
				}
				k := [2]string{it.d.Field, string(it.d.AgencyLevel)}
				f := want[k]
				rules.Count(&f, it.d, it.history, p)
				want[k] = f
			}
			for _, r := range got {
				k := [2]string{r.Field, r.Level}
				if r.DossierFigures != want[k] {
					t.Errorf("%s %s %s/%s:\n  store %+v\n  rule  %+v", p.Key(), a.Code, r.Field, r.Level, r.DossierFigures, want[k])
				}
				checked.Add(r.DossierFigures)
				delete(want, k)
			}
			for k, f := range want {
				if f != (domain.DossierFigures{}) {
					t.Errorf("%s %s %s/%s: the store has no row, the rule counts %+v", p.Key(), a.Code, k[0], k[1], f)
				}
			}
		}
	}
	// The lives must reach every case the rule tells apart, or the comparison proves little.
	for name, v := range map[string]int64{"early": checked.Early, "on_time": checked.OnTime, "late": checked.Late,
		"late_with_apology": checked.LateWithApology, "late_with_late_apology": checked.LateWithLateApology,
		"pending_within": checked.PendingWithin, "pending_overdue": checked.PendingOverdue, "withdrawn": checked.Withdrawn,
		"new_postal": checked.NewPostal} {
		if v == 0 {
			t.Errorf("no dossier counted as %s: the random lives miss a case", name)
		}
	}
}
