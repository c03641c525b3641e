// Package jobs runs the scheduled work: named jobs on cron schedules in Vietnam's time zone,
// each run claimed in the database so that it happens once across replicas, each run logged
// and recorded in job_runs.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"motcua/desk"
	"motcua/domain"
	"motcua/store"
)

// Job is a named piece of scheduled work. Run is called at most once per run key (the
// local date of the run) across every replica sharing the database.
type Job struct {
	Name string
	Spec string // a standard five-field cron spec, in Asia/Ho_Chi_Minh
	Run  func(ctx context.Context) error
	// Shared: every replica runs it each time, unclaimed and unrecorded in job_runs; the
	// job shares its work out itself (leases).
	Shared bool
}

// Scheduler runs registered jobs on their schedules; New registers the service's own.
type Scheduler struct {
	desk    *desk.Desk
	store   *store.Store
	log     *slog.Logger
	now     func() time.Time
	replica string
	cron    *cron.Cron

	mu       sync.Mutex
	jobs     map[string]Job
	entries  map[string]cron.EntryID
	started  bool
	running  sync.WaitGroup // runs started outside cron (the catch-up at start)
	stopping atomic.Bool    // Stop was called: the catch-up starts no further job
	caughtUp chan struct{}  // closed when the catch-up at start is over
}

// New returns a scheduler over st with the service's jobs registered (period-snapshots,
// dashboard-refresh and calendar-rejudge). clock gives the time the jobs work from (nil: time.Now); cron's own
// timing uses the real clock.
func New(dk *desk.Desk, st *store.Store, logger *slog.Logger, clock func() time.Time) *Scheduler {
	if logger == nil {
		logger = slog.Default()
	}
	if clock == nil {
		clock = time.Now
	}
	s := &Scheduler{desk: dk, store: st, log: logger, now: clock, replica: replicaID(), jobs: map[string]Job{},
		caughtUp: make(chan struct{})}
	cl := cronLogger{logger}
	s.cron = cron.New(cron.WithLocation(domain.Location), cron.WithLogger(cl),
		cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)))
	for _, j := range []Job{
		{Name: JobPeriodSnapshots, Spec: "5 0 * * *", Run: s.periodSnapshots},
		{Name: JobDashboardRefresh, Spec: "30 1 * * *", Run: s.dashboardRefresh},
		{Name: JobRejudge, Spec: "* * * * *", Run: s.rejudge, Shared: true},
	} {
		if err := s.Register(j); err != nil {
			panic("jobs.New: " + err.Error())
		}
	}
	return s
}

// replicaID names this process in job_runs.claimed_by: host, process id and a random suffix.
func replicaID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Register adds a job before Start; an error for a duplicate name, a bad spec, or after Start.
func (s *Scheduler) Register(j Job) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.started:
		return errors.New("register " + j.Name + ": the scheduler has started")
	case j.Name == "" || j.Run == nil:
		return errors.New("register: a job needs a name and a function")
	case s.jobs[j.Name].Name != "":
		return errors.New("register " + j.Name + ": a job of that name exists")
	}
	if _, err := cron.ParseStandard(j.Spec); err != nil {
		return fmt.Errorf("register %s: %w", j.Name, err)
	}
	s.jobs[j.Name] = j
	return nil
}

// Jobs returns the names of the registered jobs, sorted.
func (s *Scheduler) Jobs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.jobs))
	for n := range s.jobs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Start runs every job once in the background (the catch-up after a restart or a time
// down; a job that already ran today is skipped by its claim), then on its schedule. ctx is
// handed to the runs. Calling Start twice is an error.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return errors.New("the scheduler has started already")
	}
	s.started = true // no more Register: s.jobs stays as it is
	s.mu.Unlock()
	names := s.Jobs()
	entries := map[string]cron.EntryID{}
	for _, name := range names {
		id, err := s.cron.AddFunc(s.jobs[name].Spec, func() { s.RunNow(ctx, name) })
		if err != nil {
			return err
		}
		entries[name] = id
	}
	s.mu.Lock()
	s.entries = entries
	s.mu.Unlock()
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		defer close(s.caughtUp)
		for _, name := range names {
			if ctx.Err() != nil || s.stopping.Load() {
				return
			}
			s.RunNow(ctx, name)
		}
	}()
	s.cron.Start()
	s.log.Info("scheduler started", "jobs", names, "replica", s.replica)
	return nil
}

// CaughtUp is closed when the runs Start makes at once are over (or given up by Stop).
func (s *Scheduler) CaughtUp() <-chan struct{} { return s.caughtUp }

// Stop stops the schedule and waits for the runs under way to finish.
func (s *Scheduler) Stop() {
	s.stopping.Store(true)
	<-s.cron.Stop().Done()
	s.running.Wait()
	s.log.Info("scheduler stopped")
}

// Next returns when the job named is due next on its schedule (zero before Start).
func (s *Scheduler) Next(name string) time.Time {
	s.mu.Lock()
	id, ok := s.entries[name]
	s.mu.Unlock()
	if !ok {
		return time.Time{}
	}
	return s.cron.Entry(id).Next
}

// RunNow runs the job named now, if this replica can claim today's run of it (the run key is
// the local date by the scheduler's clock): ran is false when the run was claimed before,
// here or by another replica. The run's end and error are recorded in job_runs and logged;
// a panic in the job is recovered and recorded as its error. ENOTFOUND for an unknown job.
func (s *Scheduler) RunNow(ctx context.Context, name string) (ran bool, err error) {
	s.mu.Lock()
	j, ok := s.jobs[name]
	s.mu.Unlock()
	if !ok {
		return false, domain.Errorf(domain.ENOTFOUND, "no job %s", name)
	}
	if j.Shared {
		return true, s.runShared(ctx, j)
	}
	key := domain.DateOf(s.now()).String()
	log := s.log.With("job", name, "run_key", key, "replica", s.replica)
	claimed, err := s.store.ClaimJobRun(ctx, name, key, s.replica, s.now())
	if err != nil {
		log.Error("job claim failed", "err", err)
		return false, err
	}
	if !claimed {
		log.Info("job run skipped: claimed already")
		return false, nil
	}
	started := time.Now()
	log.Info("job run started")
	runErr := s.call(ctx, j)
	// Record the end even when ctx was cancelled meanwhile.
	finishCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.store.FinishJobRun(finishCtx, name, key, s.now(), runErr); err != nil {
		log.Error("job run not recorded", "err", err)
		if runErr == nil {
			runErr = err
		}
	}
	if runErr != nil {
		log.Error("job run failed", "duration", time.Since(started), "err", runErr)
		return true, runErr
	}
	log.Info("job run finished", "duration", time.Since(started))
	return true, nil
}

// runShared runs a Shared job: unclaimed, logged only when it fails.
func (s *Scheduler) runShared(ctx context.Context, j Job) error {
	started := time.Now()
	err := s.call(ctx, j)
	if err != nil {
		s.log.Error("job run failed", "job", j.Name, "replica", s.replica, "duration", time.Since(started), "err", err)
	}
	return err
}

// call runs the job, turning a panic into an error.
func (s *Scheduler) call(ctx context.Context, j Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
			s.log.Error("job panicked", "job", j.Name, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	return j.Run(ctx)
}

// cronLogger hands cron's messages to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
