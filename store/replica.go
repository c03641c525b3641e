package store

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Reads from a streaming standby (Options.ReplicaURL).
//
// A request marked with ReadsFromReplica reads the dossiers, lists and reports from the
// standby, except when its session wrote something the standby has not replayed yet: after
// each write Wrote remembers the primary's WAL position (pg_current_wal_lsn) for the
// session, and a read goes to the standby only once its pg_last_wal_replay_lsn has reached
// it; until then it goes to the primary (read-your-writes by LSN). A read that loses its
// connection is tried once on the other server: when the standby is down reads fall back to
// the primary, and when the primary is down they are answered by the standby, as it stands.

// sessionTTL is how long a session's last write is remembered: a standby that lags by more is
// broken, and the session's reads go to it again.
const sessionTTL = time.Minute

// replicaPause is how long a standby that failed is left aside before it is tried again.
const replicaPause = time.Second

// lsnNow is the WAL position as a number; lsnReplayed is a standby's replay position, or
// -1 when the server is not a standby (a promoted one is up to date by definition).
const (
	lsnNow      = "SELECT (pg_current_wal_lsn() - '0/0')::bigint"
	lsnReplayed = "SELECT CASE WHEN pg_is_in_recovery() THEN COALESCE((pg_last_wal_replay_lsn() - '0/0')::bigint, 0) ELSE -1 END"
)

type replica struct {
	db        *sql.DB
	gorm      *gorm.DB      // reads through readPool
	downUntil atomic.Int64  // unix nanoseconds before which the standby is left aside
	replayed  atomic.Uint64 // the standby's replay position last seen
	notified  atomic.Uint64 // the primary's position when the change feed last heard of a change

	mu       sync.Mutex
	sessions map[string]sessionWrite
}

type sessionWrite struct {
	lsn uint64
	at  time.Time
}

type readerKey struct{}

// ReadsFromReplica marks ctx: the store's reads of dossiers, lists and reports made with it
// may be answered by the standby, keeping what session wrote visible to it (see Wrote).
// Without a replica it changes nothing.
func ReadsFromReplica(ctx context.Context, session string) context.Context {
	return context.WithValue(ctx, readerKey{}, session)
}

// HasReplica reports whether reads may go to a standby (Options.ReplicaURL).
func (s *Store) HasReplica() bool { return s.rep != nil }

// openReplica opens the standby's pool beside the primary's.
func (s *Store) openReplica(url string, maxConn int) error {
	db, err := gorm.Open(postgres.Open(url), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true,
		NowFunc: func() time.Time { return time.Now().UTC() }})
	if err != nil {
		return err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(maxConn)
	sqlDB.SetMaxIdleConns(maxConn)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	r := &replica{db: sqlDB, sessions: map[string]sessionWrite{}}
	rdb := s.db.Session(&gorm.Session{NewDB: true})
	rdb.Statement.ConnPool = readPool{s: s, r: r}
	r.gorm = rdb
	s.rep = r
	return nil
}

// reader is the handle for a read that a standby may answer (see ReadsFromReplica).
func (s *Store) reader(ctx context.Context) *gorm.DB {
	if s.rep == nil {
		return s.db.WithContext(ctx)
	}
	return s.rep.gorm.WithContext(ctx)
}

// Wrote records, after a write made for session, the primary's WAL position: the session's
// reads go to the primary until the standby has replayed that far. Without a replica it does
// nothing.
func (s *Store) Wrote(ctx context.Context, session string) {
	r := s.rep
	if r == nil || session == "" {
		return
	}
	lsn := uint64(math.MaxUint64) // unknown: the primary, while there is one
	var v int64
	if err := s.sqlDB.QueryRowContext(ctx, lsnNow).Scan(&v); err == nil {
		lsn = uint64(v)
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.sessions) >= 10000 {
		seen := r.replayed.Load()
		for k, w := range r.sessions {
			if now.Sub(w.at) > sessionTTL || w.lsn <= seen {
				delete(r.sessions, k)
			}
		}
	}
	r.sessions[session] = sessionWrite{lsn: lsn, at: now}
}

// needs returns the WAL position the standby must have replayed for session's reads.
func (r *replica) needs(session string) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	w, ok := r.sessions[session]
	if !ok {
		return 0
	}
	if time.Since(w.at) > sessionTTL {
		delete(r.sessions, session)
		return 0
	}
	return w.lsn
}

// replay asks the standby how far it has replayed (MaxUint64 when it is no longer a standby);
// an error leaves it aside for a moment.
func (r *replica) replay(ctx context.Context) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var v int64
	if err := r.db.QueryRowContext(ctx, lsnReplayed).Scan(&v); err != nil {
		r.pause()
		return 0, err
	}
	lsn := uint64(v)
	if v < 0 {
		lsn = math.MaxUint64
	}
	r.replayed.Store(lsn)
	return lsn, nil
}

// pause leaves the standby aside for a moment and closes its idle connections: when it died,
// they all did.
func (r *replica) pause() {
	r.downUntil.Store(time.Now().Add(replicaPause).UnixNano())
	n := r.db.Stats().MaxOpenConnections
	r.db.SetMaxIdleConns(0)
	r.db.SetMaxIdleConns(n)
}

func (r *replica) paused() bool { return time.Now().UnixNano() < r.downUntil.Load() }

// caughtUp reports whether the standby has replayed need, asking it when what was last seen
// is not enough.
func (r *replica) caughtUp(ctx context.Context, need uint64) bool {
	if need == 0 || r.replayed.Load() >= need {
		return true
	}
	got, err := r.replay(ctx)
	return err == nil && got >= need
}

// heard records the primary's WAL position at a change the feed heard of: a value read from
// the standby may be kept in a cache only when the standby had replayed that far before the
// read (see Cache.Begin).
func (r *replica) heard(lsn uint64) {
	for {
		old := r.notified.Load()
		if lsn <= old || r.notified.CompareAndSwap(old, lsn) {
			return
		}
	}
}

// readPool is the gorm connection pool of reads a standby may answer: it picks the standby
// or the primary per query (by the context's mark and the session's last write), and tries a
// query that lost its connection once on the other.
type readPool struct {
	s *Store
	r *replica
}

// order returns the pools to try, first choice first.
func (p readPool) order(ctx context.Context) []*sql.DB {
	session, marked := ctx.Value(readerKey{}).(string)
	switch {
	case !marked:
		return []*sql.DB{p.s.sqlDB}
	case p.r.paused():
		return []*sql.DB{p.s.sqlDB, p.r.db}
	case p.r.caughtUp(ctx, p.r.needs(session)):
		return []*sql.DB{p.r.db, p.s.sqlDB}
	}
	return []*sql.DB{p.s.sqlDB, p.r.db}
}

// try runs fn on the pools of order until one answers or fails for another reason than a
// lost connection (or a standby's query cancelled by replay).
func (p readPool) try(ctx context.Context, fn func(*sql.DB) error) error {
	var err error
	for _, db := range p.order(ctx) {
		if err = fn(db); err == nil || ctx.Err() != nil || !retryElsewhere(err) {
			return err
		}
		if db == p.r.db {
			p.r.pause()
		}
	}
	return err
}

// retryElsewhere reports whether a read that failed with err may succeed on the other server.
func retryElsewhere(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "40001" { // cancelled by a conflict with recovery
		return true
	}
	return IsUnavailable(err)
}

func (p readPool) QueryContext(ctx context.Context, query string, args ...any) (rows *sql.Rows, err error) {
	err = p.try(ctx, func(db *sql.DB) error {
		rows, err = db.QueryContext(ctx, query, args...)
		return err
	})
	return rows, err
}

func (p readPool) QueryRowContext(ctx context.Context, query string, args ...any) (row *sql.Row) {
	p.try(ctx, func(db *sql.DB) error {
		row = db.QueryRowContext(ctx, query, args...)
		return row.Err()
	})
	return row
}

func (p readPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (tx *sql.Tx, err error) {
	err = p.try(ctx, func(db *sql.DB) error {
		tx, err = db.BeginTx(ctx, opts)
		return err
	})
	return tx, err
}

// ExecContext and PrepareContext go to the primary: the reads' handle writes nothing.
func (p readPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.s.sqlDB.ExecContext(ctx, query, args...)
}

func (p readPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.s.sqlDB.PrepareContext(ctx, query)
}
