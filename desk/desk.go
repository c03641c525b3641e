// Package desk is where the desk's work is done: taking a dossier in, acting on it, importing
// a file of them, changing the working calendar, computing and freezing the reports. The JSON
// API, the counter pages, the commands and the scheduler all call it, so that each rule is
// applied in one place: a use case takes a request in domain terms, applies the rules of
// package domain and stores the result through package store, in one transaction.
package desk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"motcua/domain"
	"motcua/store"
)

// Config holds the deployment's settings that decide deadlines.
type Config struct {
	WorkHours       domain.WorkHours       // nil = domain.DefaultWorkHours
	SupplementClock domain.SupplementClock // "" = restart
	Now             func() time.Time       // nil = time.Now; tests move the clock
	Logger          *slog.Logger           // nil = slog.Default()

	// A re-judgement after a calendar change: dossiers per transaction (0 = 500), how long a
	// worker holds a batch (0 = 2 minutes), how long a PUT waits for it (0 = 3 s; negative:
	// it answers at once).
	RejudgeBatch int
	RejudgeLease time.Duration
	RejudgeWait  time.Duration
}

// Desk carries out the use cases over one store; it is safe for concurrent use.
type Desk struct {
	store *store.Store
	cfg   Config
	now   func() time.Time
	rules rulesCache
	log   *slog.Logger

	id      string          // names this desk's re-judgement workers
	workers atomic.Int64    // numbers them
	bg      context.Context // background work (a PUT's re-judgement) runs under it
	stop    context.CancelFunc
	bgMu    sync.Mutex
	bgWork  sync.WaitGroup
	closed  bool
}

// New returns the desk over st.
func New(st *store.Store, cfg Config) *Desk {
	if cfg.WorkHours == nil {
		cfg.WorkHours = domain.DefaultWorkHours
	}
	if cfg.SupplementClock == "" {
		cfg.SupplementClock = domain.SupplementRestart
	}
	if cfg.RejudgeBatch <= 0 {
		cfg.RejudgeBatch = rejudgeBatch
	}
	if cfg.RejudgeLease <= 0 {
		cfg.RejudgeLease = rejudgeLease
	}
	if cfg.RejudgeWait == 0 {
		cfg.RejudgeWait = rejudgeWait
	}
	d := &Desk{store: st, cfg: cfg, now: cfg.Now, log: cfg.Logger, id: deskID()}
	if d.now == nil {
		d.now = time.Now
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	d.bg, d.stop = context.WithCancel(context.Background())
	return d
}

// deskID names a desk among replicas: host, process id and a random suffix.
func deskID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Now returns the desk's clock reading.
func (d *Desk) Now() time.Time { return d.now() }

// rulesCache keeps the deadline rules built from the stored calendar. Every few seconds it
// asks the database whether the calendar changed, so that replicas see a change made on
// another.
type rulesCache struct {
	mu        sync.Mutex
	rules     domain.Rules
	stamp     string
	checkedAt time.Time
}

const rulesRecheck = 5 * time.Second

// Rules returns the deadline rules with the current calendar.
func (d *Desk) Rules(ctx context.Context) (domain.Rules, error) {
	c := &d.rules
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rules.Calendar != nil && time.Since(c.checkedAt) < rulesRecheck {
		return c.rules, nil
	}
	stamp, err := d.store.CalendarStamp(ctx)
	if err != nil {
		return domain.Rules{}, err
	}
	if c.rules.Calendar == nil || stamp != c.stamp {
		years, err := d.store.CalendarYears(ctx)
		if err != nil {
			return domain.Rules{}, err
		}
		c.rules = domain.Rules{Calendar: d.calendarOf(years), Supplement: d.cfg.SupplementClock}
		c.stamp = stamp
	}
	c.checkedAt = time.Now()
	return c.rules, nil
}

// calendarOf is the working calendar the stored years make, the statutory days counting
// for the years not stored.
func (d *Desk) calendarOf(years []domain.CalendarYear) *domain.Calendar {
	return domain.NewStatutoryCalendar(d.cfg.WorkHours, years)
}

// forgetRules makes the next Rules call read the calendar again.
func (d *Desk) forgetRules() {
	d.rules.mu.Lock()
	d.rules.rules.Calendar = nil
	d.rules.mu.Unlock()
}
