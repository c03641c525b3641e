package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/calendars"
	"motcua/demo"
	"motcua/desk"
	"motcua/domain"
	"motcua/jobs"
	"motcua/store"
	"motcua/store/storetest"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func vn(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, domain.Location)
	if err != nil {
		panic(err)
	}
	return t
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
func (w *syncBuffer) String() string { w.mu.Lock(); defer w.mu.Unlock(); return w.b.String() }

func newLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// mustData loads a small city (three wards) with dossiers from January to mid-April 2024.
func mustData(tb testing.TB, st *store.Store) *demo.Data {
	tb.Helper()
	cal, err := calendars.Years()
	if err != nil {
		tb.Fatal(err)
	}
	d, err := demo.Generate(demo.Config{Seed: 21, Year: 2024, Dossiers: 200, Wards: 3, Now: vn("2024-04-16 00:00"), Calendar: cal})
	if err != nil {
		tb.Fatal(err)
	}
	if err := demo.Load(context.Background(), st, d); err != nil {
		tb.Fatal(err)
	}
	return d
}

// snapshotKeys lists every snapshot as "agency period_key revision", sorted.
func snapshotKeys(tb testing.TB, st *store.Store) []string {
	tb.Helper()
	var out []string
	cursor := ""
	for {
		items, next, err := st.ListSnapshots(context.Background(), store.SnapshotFilter{Page: store.Page{Limit: 500, Cursor: cursor}})
		if err != nil {
			tb.Fatal(err)
		}
		for _, s := range items {
			out = append(out, s.AgencyCode+" "+s.PeriodKey+" "+string(rune('0'+s.Revision)))
		}
		if next == "" {
			break
		}
		cursor = next
	}
	sort.Strings(out)
	return out
}

// want lists revision 1 of each key for each agency, sorted.
func want(d *demo.Data, keys ...string) []string {
	var out []string
	for _, a := range d.Agencies {
		for _, k := range keys {
			out = append(out, a.Code+" "+k+" 1")
		}
	}
	sort.Strings(out)
	return out
}

func equal(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

func TestPeriodSnapshotsFirstRunTakesYesterdaysPeriods(t *testing.T) {
	st := storetest.MustOpen(t)
	d := mustData(t, st)
	clk := &clock{t: vn("2024-04-01 00:05")}
	logger, logs := newLogger()
	s := jobs.New(desk.New(st, desk.Config{Now: clk.Now}), st, logger, clk.Now)
	ctx := context.Background()

	ran, err := s.RunNow(ctx, jobs.JobPeriodSnapshots)
	if err != nil || !ran {
		t.Fatalf("RunNow = %v, %v", ran, err)
	}
	// 31 March ends the calendar month and quarter; no decree09 period ends on the 31st.
	if got, w := snapshotKeys(t, st), want(d, "calendar/month/2024/3", "calendar/quarter/2024/1"); !equal(got, w) {
		t.Fatalf("snapshots:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
	}
	if ran, err := s.RunNow(ctx, jobs.JobPeriodSnapshots); err != nil || ran {
		t.Fatalf("second RunNow the same day = %v, %v; want a skip", ran, err)
	}
	runs, err := st.ListJobRuns(ctx, jobs.JobPeriodSnapshots, 0)
	if err != nil || len(runs) != 1 || runs[0].RunKey != "2024-04-01" || runs[0].FinishedAt == nil || runs[0].Error != "" {
		t.Fatalf("job runs = %+v, %v", runs, err)
	}
	if !strings.Contains(logs.String(), `"msg":"job run finished","job":"period-snapshots"`) {
		t.Errorf("the run was not logged: %s", logs)
	}

	// The snapshot holds the quarter's figures as computed.
	city := d.Agencies[0]
	p, _ := domain.NewPeriod(domain.PeriodQuarter, 2024, 1, domain.CutoffCalendar)
	snap, err := st.LatestSnapshot(ctx, city.Code, p.Key())
	if err != nil {
		t.Fatal(err)
	}
	live, _, err := desk.New(st, desk.Config{Now: clk.Now}).Appendix(ctx, city, p)
	if err != nil {
		t.Fatal(err)
	}
	if snap.CreatedBy != jobs.SnapshotCreator || snap.Appendix.Source != domain.SourceSnapshot ||
		snap.Appendix.SectionIII.Dossiers["commune"] != live.SectionIII.Dossiers["commune"] || live.SectionIII.Dossiers["commune"].Received == 0 {
		t.Errorf("snapshot %+v differs from the live figures %+v", snap.Appendix.SectionIII.Dossiers, live.SectionIII.Dossiers)
	}
}

func TestTwoReplicasSnapshotEachPeriodOnce(t *testing.T) {
	st1, opts := storetest.MustOpenURL(t)
	st2, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	d := mustData(t, st1)
	clk := &clock{t: vn("2024-04-01 00:05")}
	logger, _ := newLogger()
	a, b := jobs.New(desk.New(st1, desk.Config{Now: clk.Now}), st1, logger, clk.Now), jobs.New(desk.New(st2, desk.Config{Now: clk.Now}), st2, logger, clk.Now)

	var wg sync.WaitGroup
	var ran atomic.Int32
	for _, s := range []*jobs.Scheduler{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, name := range s.Jobs() {
				ok, err := s.RunNow(context.Background(), name)
				if err != nil {
					t.Error(err)
				}
				if ok && name != jobs.JobRejudge { // shared: it runs on every replica each time
					ran.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if got := ran.Load(); got != 2 {
		t.Errorf("%d runs, want one of each of the 2 jobs", got)
	}
	w := append(want(d, "calendar/month/2024/3", "calendar/quarter/2024/1"), d.Agencies[0].Code+" todate/2024-03-31 1")
	sort.Strings(w)
	if got := snapshotKeys(t, st1); !equal(got, w) {
		t.Fatalf("snapshots:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
	}

	// Both started together the same day, then stopped: nothing more.
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	<-a.CaughtUp()
	<-b.CaughtUp()
	a.Stop()
	b.Stop()
	if got := snapshotKeys(t, st2); !equal(got, w) {
		t.Fatalf("after Start/Stop:\n%s", strings.Join(got, "\n"))
	}
}

func TestSchedulerCatchesUpAfterDowntime(t *testing.T) {
	st := storetest.MustOpen(t)
	d := mustData(t, st)
	ctx := context.Background()
	logger, _ := newLogger()
	clk := &clock{t: vn("2024-03-01 00:05")}
	if ran, err := jobs.New(desk.New(st, desk.Config{Now: clk.Now}), st, logger, clk.Now).RunNow(ctx, jobs.JobPeriodSnapshots); err != nil || !ran {
		t.Fatalf("first run = %v, %v", ran, err)
	}
	// A run that failed, and one that died half-way: neither counts as done.
	st.ClaimJobRun(ctx, jobs.JobPeriodSnapshots, "2024-03-20", "gone", vn("2024-03-20 00:05"))
	st.FinishJobRun(ctx, jobs.JobPeriodSnapshots, "2024-03-20", vn("2024-03-20 00:06"), errors.New("database unavailable"))
	st.ClaimJobRun(ctx, jobs.JobPeriodSnapshots, "2024-03-25", "gone", vn("2024-03-25 00:05"))

	// Down until 16 April, mid-morning: the start catches every period since 1 March up.
	clk.Set(vn("2024-04-16 10:30"))
	s := jobs.New(desk.New(st, desk.Config{Now: clk.Now}), st, logger, clk.Now)
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	<-s.CaughtUp()
	s.Stop()
	w := want(d, "calendar/month/2024/2", // the first run
		"calendar/month/2024/3", "calendar/quarter/2024/1", // ended 31 March
		"decree09/month/2024/3", "decree09/quarter/2024/1", // ended 14 March
		"decree09/month/2024/4") // ended 14 April
	w = append(w, d.Agencies[0].Code+" todate/2024-04-15 1")
	sort.Strings(w)
	if got := snapshotKeys(t, st); !equal(got, w) {
		t.Fatalf("snapshots:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
	}
	if last, ok, err := st.LastSucceededJobRun(ctx, jobs.JobPeriodSnapshots); err != nil || !ok || last != "2024-04-16" {
		t.Fatalf("last run = %q, %v, %v", last, ok, err)
	}
	if next := s.Next(jobs.JobPeriodSnapshots).In(domain.Location); next.Hour() != 0 || next.Minute() != 5 {
		t.Errorf("next period-snapshots run at %s, want 00:05 in Vietnam", next)
	}
}

func TestDashboardRefreshFreezesTheYearSoFar(t *testing.T) {
	st := storetest.MustOpen(t)
	d := mustData(t, st)
	ctx := context.Background()
	logger, _ := newLogger()
	clk := &clock{t: vn("2024-03-05 01:30")}
	if ran, err := jobs.New(desk.New(st, desk.Config{Now: clk.Now}), st, logger, clk.Now).RunNow(ctx, jobs.JobDashboardRefresh); err != nil || !ran {
		t.Fatalf("RunNow = %v, %v", ran, err)
	}
	city := d.Agencies[0]
	snap, err := st.LatestSnapshot(ctx, city.Code, "todate/2024-03-04")
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.Period; got.From.String() != "2024-01-01" || got.To.String() != "2024-03-04" {
		t.Errorf("period = %s – %s", got.From, got.To)
	}
	var received int64
	for _, imp := range d.Dossiers {
		if imp.Dossier.ReceivedAt.Before(vn("2024-03-05 00:00")) {
			received++
		}
	}
	var got int64
	for _, l := range snap.Appendix.Levels {
		got += snap.Appendix.SectionIII.Dossiers[l].New
	}
	if got != received {
		t.Errorf("new dossiers = %d, want %d", got, received)
	}
	if ok, _ := st.HasSnapshot(ctx, d.Agencies[1].Code, "todate/2024-03-04"); ok {
		t.Error("a ward got a to-date snapshot; only top-level agencies do")
	}
}

func TestSchedulerRecoversAndWaits(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	logger, logs := newLogger()
	clk := &clock{t: vn("2024-04-01 09:00")}
	s := jobs.New(desk.New(st, desk.Config{Now: clk.Now}), st, logger, clk.Now)
	if err := s.Register(jobs.Job{Name: "boom", Spec: "0 3 * * *", Run: func(context.Context) error { panic("kaboom") }}); err != nil {
		t.Fatal(err)
	}
	var finished atomic.Bool
	started := make(chan struct{})
	if err := s.Register(jobs.Job{Name: "slow", Spec: "0 4 * * *", Run: func(context.Context) error {
		close(started)
		time.Sleep(300 * time.Millisecond)
		finished.Store(true)
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []jobs.Job{{Name: "boom", Spec: "0 3 * * *", Run: func(context.Context) error { return nil }},
		{Name: "x", Spec: "every day", Run: func(context.Context) error { return nil }}} {
		if err := s.Register(bad); err == nil {
			t.Errorf("Register(%s, %q) gave no error", bad.Name, bad.Spec)
		}
	}
	ran, err := s.RunNow(ctx, "boom")
	if !ran || err == nil || !strings.Contains(err.Error(), "kaboom") {
		t.Fatalf("RunNow(boom) = %v, %v", ran, err)
	}
	runs, _ := st.ListJobRuns(ctx, "boom", 0)
	if len(runs) != 1 || !strings.Contains(runs[0].Error, "kaboom") || runs[0].FinishedAt == nil {
		t.Fatalf("runs = %+v", runs)
	}
	if _, err := s.RunNow(ctx, "nothing"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("RunNow(unknown) = %v", err)
	}

	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err == nil {
		t.Error("a second Start gave no error")
	}
	if err := s.Register(jobs.Job{Name: "late", Spec: "0 5 * * *", Run: func(context.Context) error { return nil }}); err == nil {
		t.Error("Register after Start gave no error")
	}
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the catch-up at start did not run the slow job")
	}
	s.Stop()
	if !finished.Load() {
		t.Fatal("Stop returned before the running job finished")
	}
	if !strings.Contains(logs.String(), "job panicked") {
		t.Errorf("the panic was not logged")
	}
}
