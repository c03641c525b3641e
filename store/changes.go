package store

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// changeChannel is the PostgreSQL notification channel on which every process sharing the
// database announces its changes: a dossier (payload "d" and its lookup id) or the catalogue
// of procedures ("c").
const changeChannel = "motcua_changed"

// Kinds of change.
const (
	changedDossier   = 'd'
	changedCatalogue = 'c'
	changedAll       = 0 // changes may have been missed: forget everything
)

// changeFeed tells subscribers what changed after they may have read it, so that caches
// (the public answers, the catalogue) are never stale after a change. It is live on
// PostgreSQL only, where every process sharing the database announces its changes with
// NOTIFY; on the embedded database another process (motcua calendar load beside a running
// server) would change dossiers unheard, so there it is never live and nothing is cached.
type changeFeed struct {
	mu     sync.Mutex
	subs   []func(kind byte, key string)
	live   bool               // changes cannot be missed now
	cancel context.CancelFunc // stops the listener; nil before the first subscriber
	done   chan struct{}
}

// subscribe adds fn to the feed's subscribers and starts the listener (PostgreSQL) on the
// first subscription.
func (s *Store) subscribe(fn func(kind byte, key string)) {
	f := &s.changes
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs = append(f.subs, fn)
	if f.cancel != nil || s.dialect != Postgres {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel, f.done = cancel, make(chan struct{})
	go s.listen(ctx)
}

// ChangesLive reports whether no change can be missed now: a reader that saw it true both
// before and after reading (with no change announced in between) may keep what it read.
func (s *Store) ChangesLive() bool {
	s.changes.mu.Lock()
	defer s.changes.mu.Unlock()
	return s.changes.live
}

// changed tells the subscribers.
func (s *Store) changed(kind byte, key string) {
	s.changes.mu.Lock()
	subs := s.changes.subs
	s.changes.mu.Unlock()
	for _, fn := range subs {
		fn(kind, key)
	}
}

// setLive records whether the listener is connected; either way what was read before is
// forgotten: on connecting, changes made while it was away were not heard.
func (s *Store) setLive(live bool) {
	s.changes.mu.Lock()
	s.changes.live = live
	s.changes.mu.Unlock()
	s.changed(changedAll, "")
}

// announce tells, inside tx, every process sharing the database of a change; PostgreSQL
// delivers it when tx commits, and not at all if it rolls back. After the commit the caller
// tells this process's subscribers (changed).
func (s *Store) announce(tx *gorm.DB, kind byte, key string) error {
	if s.dialect != Postgres {
		return nil
	}
	return tx.Exec("SELECT pg_notify(?, ?)", changeChannel, string(kind)+key).Error
}

// listen keeps one connection LISTENing on changeChannel until ctx ends, reconnecting
// after a failure; while it is not connected, the feed is not live.
func (s *Store) listen(ctx context.Context) {
	defer close(s.changes.done)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listenOnce(ctx)
		if ctx.Err() != nil {
			break
		}
		if err == nil {
			backoff = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// listenOnce connects, listens and passes notifications on until the connection fails.
func (s *Store) listenOnce(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	conn, err := pgx.Connect(cctx, s.url)
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+changeChannel); err != nil {
		return err
	}
	// With a standby answering reads, the primary's position at each change heard (and at
	// connecting, for the changes missed meanwhile) is recorded before anyone is told.
	heard := func() error {
		if s.rep == nil {
			return nil
		}
		var lsn int64
		if err := conn.QueryRow(ctx, lsnNow).Scan(&lsn); err != nil {
			return err
		}
		s.rep.heard(uint64(lsn))
		return nil
	}
	if err := heard(); err != nil {
		return err
	}
	s.setLive(true)
	defer s.setLive(false)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if err := heard(); err != nil {
			return err
		}
		if n.Payload != "" {
			s.changed(n.Payload[0], n.Payload[1:])
		}
	}
}

// stopListening ends the listener, if one runs, and waits for it.
func (s *Store) stopListening() {
	f := &s.changes
	f.mu.Lock()
	cancel, done := f.cancel, f.done
	f.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if done != nil {
		<-done
	}
}
