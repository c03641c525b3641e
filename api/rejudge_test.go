package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/desk"
	"motcua/domain"
	"motcua/jobs"
)

// The re-judgement after a late calendar, in the background: a run recorded and left by a
// crash is finished by the scheduler, workers of two replicas never do a batch twice, and a
// snapshot it makes stale is not served and gets a new revision.

// noTet2024 puts a 2024 calendar that knows nothing of Tết, and waits until the dossiers
// are judged again with it.
func (e *env) noTet2024() {
	e.t.Helper()
	put := e.do("PUT", "/api/v1/calendar/2024", "admin", map[string]any{"holidays": []string{"2024-01-01"}}).expect(200).json()
	if rj, ok := put["rejudge"].(map[string]any); ok {
		for deadline := time.Now().Add(10 * time.Second); e.rejudgement(rj["id"])["finished"] != true; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				e.t.Fatalf("the re-judgement after the calendar without Tết is not over")
			}
		}
	}
}

// dueOf returns the due time of the dossier code.
func (e *env) dueOf(code string) string {
	e.t.Helper()
	return e.do("GET", "/api/v1/dossiers/"+code, "admin", nil).expect(200).json()["due_at"].(string)
}

// recomputes counts the recompute_due events of the dossier code.
func (e *env) recomputes(code string) int {
	e.t.Helper()
	n := 0
	for _, ev := range e.do("GET", "/api/v1/dossiers/"+code, "admin", nil).expect(200).json()["events"].([]any) {
		if ev.(map[string]any)["action"] == "recompute_due" {
			n++
		}
	}
	return n
}

// rejudgement returns the run id as the API shows it.
func (e *env) rejudgement(id any) map[string]any {
	e.t.Helper()
	return e.do("GET", fmt.Sprintf("/api/v1/calendar/rejudgements/%v", id), "admin", nil).expect(200).json()
}

// scheduler returns a scheduler over e's desk and store, on e's clock.
func (e *env) scheduler() *jobs.Scheduler {
	return jobs.New(e.desk, e.store, slog.New(slog.NewJSONHandler(lockedWriter{w: e.logs}, nil)), e.clock.Now)
}

func TestRejudgeLeftByACrashIsFinishedByTheJob(t *testing.T) {
	e := newFidelityEnv(t)
	e.noTet2024()
	var codes []string
	for range 3 {
		codes = append(codes, e.probe("2024-02-07 09:00", nil)) // due 12/2 without Tết, 19/2 with it
	}
	// The replica that takes the calendar in stops before it judges anything again.
	e.desk.Close()
	put := e.do("PUT", "/api/v1/calendar/2024", "admin", tet2024).expect(200, `"recomputed_dossiers":0`).json()
	rj := put["rejudge"].(map[string]any)
	if rj["done"] != 0.0 || rj["finished"] != false {
		t.Fatalf("rejudge = %v, want recorded, not started", rj)
	}
	if got := e.dueOf(codes[0]); got != "2024-02-12T09:00:00+07:00" {
		t.Fatalf("due = %s before the re-judgement", got)
	}
	// A worker of another replica took the first batch and died with it.
	ctx := context.Background()
	id := int64(rj["id"].(float64))
	if ok, err := e.store.ClaimRejudgeRun(ctx, id, "dead-replica#1", e.clock.Now(), 2*time.Minute); err != nil || !ok {
		t.Fatalf("claim = %v, %v", ok, err)
	}
	// A replica started afterwards runs the job: the batch is leased, so it waits...
	e2 := e.replica()
	sched := e2.scheduler()
	if _, err := sched.RunNow(ctx, jobs.JobRejudge); err != nil {
		t.Fatal(err)
	}
	if got := e.rejudgement(id); got["done"] != 0.0 {
		t.Fatalf("a leased batch was taken: %v", got)
	}
	// Its lease runs out and another worker takes the batch over: if the dead one came back
	// to it, nothing it did would be written.
	e.advance(3 * time.Minute)
	if ok, err := e.store.ClaimRejudgeRun(ctx, id, "other-replica#1", e.clock.Now(), 2*time.Minute); err != nil || !ok {
		t.Fatalf("takeover = %v, %v", ok, err)
	}
	_, err := e.store.RejudgeRunBatch(ctx, id, "dead-replica#1", 500, e.clock.Now(), func(d *domain.Dossier, h []domain.Event) *domain.Event {
		return &domain.Event{Action: domain.ActionRecompute, At: e.clock.Now(), FromStatus: d.Status, ToStatus: d.Status, Actor: "dead"}
	})
	if domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("a batch by the worker taken over: err = %v, want a conflict", err)
	}
	if n := e.recomputes(codes[0]); n != 0 {
		t.Errorf("%d recompute events after the dead worker's try, want none", n)
	}
	// That worker gives up; the job takes the run and finishes it.
	if err := e.store.ReleaseRejudgeRun(ctx, id, "other-replica#1"); err != nil {
		t.Fatal(err)
	}
	if _, err := sched.RunNow(ctx, jobs.JobRejudge); err != nil {
		t.Fatal(err)
	}
	if got := e.rejudgement(id); got["finished"] != true || got["done"] != 3.0 || got["changed"] != 3.0 {
		t.Fatalf("after the job: %v, want 3 done and changed, finished", got)
	}
	for _, c := range codes {
		if got := e.dueOf(c); got != "2024-02-19T09:00:00+07:00" {
			t.Errorf("%s due = %s, want 19/2 09:00", c, got)
		}
		if n := e.recomputes(c); n != 1 {
			t.Errorf("%s has %d recompute events, want 1", c, n)
		}
	}
}

func TestRejudgeTwoReplicasNeverDoABatchTwice(t *testing.T) {
	// Batches of 2, leases that run out at once on a clock that ticks at every reading: the
	// workers keep taking the run over from each other.
	var ticks atomic.Int64
	base := vn("2024-06-03 09:00")
	tick := func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * time.Millisecond) }
	e := mustEnvDesk(t, desk.Config{RejudgeBatch: 2, RejudgeLease: time.Microsecond, RejudgeWait: -1, Now: tick})
	e.mustProcedure(procCode, 3, true)
	e.setNow(base)
	e.noTet2024()
	const n = 30
	var codes []string
	for i := range n {
		codes = append(codes, e.probe(fmt.Sprintf("2024-02-%02d 09:00", 5+i%3), nil)) // Monday to Wednesday: each changes
	}
	r := e.replica()
	put := e.do("PUT", "/api/v1/calendar/2024", "admin", tet2024).expect(200).json()
	id := put["rejudge"].(map[string]any)["id"]
	var wg sync.WaitGroup
	for _, w := range []*env{e, r, e, r} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w.rejudgement(id)["finished"] != true { // a worker that finds the run held goes on trying
				if err := w.desk.ProcessRejudges(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got := e.rejudgement(id)
	for deadline := time.Now().Add(10 * time.Second); got["finished"] != true && time.Now().Before(deadline); got = e.rejudgement(id) {
		time.Sleep(20 * time.Millisecond) // the PUT's own worker may still be at it
	}
	if got["finished"] != true || got["done"] != float64(n) || got["changed"] != float64(n) {
		var lines []string
		for _, l := range strings.Split(e.logs.String(), "\n") {
			if strings.Contains(l, "judgement") {
				lines = append(lines, l)
			}
		}
		t.Fatalf("run = %v, want %d done and changed, each once\n%s", got, n, strings.Join(lines, "\n"))
	}
	for _, c := range codes {
		if k := e.recomputes(c); k != 1 {
			t.Errorf("%s has %d recompute events, want 1", c, k)
		}
	}
	t.Logf("batches left to another worker: %d", strings.Count(e.logs.String(), "left to another worker"))
}

func TestRejudgeMakesSnapshotsStaleAndTheJobRevisesThem(t *testing.T) {
	e := newFidelityEnv(t)
	e.noTet2024()
	code := e.probe("2024-02-07 09:00", nil)
	e.actAt(code, "start", "2024-02-07 10:00", nil)
	e.actAt(code, "resolve", "2024-02-16 09:00", map[string]any{"outcome": "approved"})
	snap := func(agency string, month int) map[string]any {
		return e.do("POST", fmt.Sprintf("/api/v1/reports/snapshots?agency_code=%s&period=2024&kind=month&number=%d", agency, month),
			"admin", nil).expect(201).json()
	}
	feb, cityFeb, march := snap(ward1Code, 2), snap(cityCode, 2), snap(ward1Code, 3)
	febURL := "/api/v1/reports/appendix?agency_code=" + ward1Code + "&period=2024&kind=month&number=2"
	commune := func(a map[string]any) map[string]any {
		return a["section_iii"].(map[string]any)["dossiers"].(map[string]any)["commune"].(map[string]any)
	}
	a := e.do("GET", febURL, "admin", nil).expect(200).json()
	if a["source"] != "snapshot" || commune(a)["late"] != 1.0 {
		t.Fatalf("February before: %v %v", a["source"], commune(a))
	}

	e.do("PUT", "/api/v1/calendar/2024", "admin", tet2024).expect(200, `"recomputed_dossiers":1`)
	stale := func(s map[string]any) bool {
		got := e.do("GET", fmt.Sprintf("/api/v1/reports/snapshots/%v", s["id"]), "admin", nil).expect(200).json()
		return got["stale_since"] != nil
	}
	if !stale(feb) || !stale(cityFeb) || stale(march) {
		t.Errorf("stale: ward February %v, city February %v, March %v; want true, true, false", stale(feb), stale(cityFeb), stale(march))
	}
	// The stale snapshot is not served: February is computed now.
	a = e.do("GET", febURL, "admin", nil).expect(200).json()
	if a["source"] != "live" || commune(a)["late"] != 0.0 || commune(a)["early"] != 1.0 {
		t.Errorf("February after the change: %v %v, want live, early", a["source"], commune(a))
	}

	if _, err := e.scheduler().RunNow(context.Background(), jobs.JobRejudge); err != nil {
		t.Fatal(err)
	}
	a = e.do("GET", febURL, "admin", nil).expect(200).json()
	if a["source"] != "snapshot" || commune(a)["early"] != 1.0 {
		t.Errorf("February after the job: %v %v, want the new revision's", a["source"], commune(a))
	}
	list := e.do("GET", "/api/v1/reports/snapshots?agency_code="+ward1Code, "admin", nil).expect(200).json()["items"].([]any)
	var revs []string
	for _, it := range list {
		m := it.(map[string]any)
		revs = append(revs, fmt.Sprintf("%v r%v by %v stale %v", m["period_key"], m["revision"], m["created_by"], m["stale_since"] != nil))
	}
	want := "calendar/month/2024/2 r2 by scheduler stale false|calendar/month/2024/3 r1 by admin stale false|calendar/month/2024/2 r1 by admin stale true"
	if strings.Join(revs, "|") != want {
		t.Errorf("ward snapshots:\n%s\nwant\n%s", strings.Join(revs, "\n"), strings.ReplaceAll(want, "|", "\n"))
	}
	// A second run finds nothing more to do.
	if _, err := e.scheduler().RunNow(context.Background(), jobs.JobRejudge); err != nil {
		t.Fatal(err)
	}
	if n := len(e.do("GET", "/api/v1/reports/snapshots?agency_code="+ward1Code, "admin", nil).expect(200).json()["items"].([]any)); n != 3 {
		t.Errorf("%d ward snapshots after a second run, want 3", n)
	}
}
