package store

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// changeChannel is the PostgreSQL notification channel on which every process sharing the
// database announces a changed dossier (payload: its lookup id).
const changeChannel = "motcua_dossier_changed"

// changeFeed tells subscribers which dossiers changed after they may have read them, so
// that a cache of what the public may read is never stale after an action. It is live on
// PostgreSQL only, where every process sharing the database announces its changes with
// NOTIFY; on the embedded database another process (motcua calendar load beside a running
// server) would change dossiers unheard, so there it is never live and nothing is cached.
type changeFeed struct {
	mu     sync.Mutex
	subs   []func(lookupID string)
	live   bool               // changes cannot be missed now
	cancel context.CancelFunc // stops the listener; nil before the first subscriber
	done   chan struct{}
}

// OnDossierChange calls fn with the lookup id of every dossier that changes, after the
// commit, in this process or (PostgreSQL) in any process sharing the database; and with ""
// when changes may have been missed (the listener connected or lost its connection), when
// everything read before must be forgotten. On PostgreSQL the first subscriber starts the
// listener, which Close stops. fn must be quick and must not call the store.
func (s *Store) OnDossierChange(fn func(lookupID string)) {
	f := &s.changes
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs = append(f.subs, fn)
	if f.cancel != nil {
		return
	}
	if s.dialect != Postgres {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel, f.done = cancel, make(chan struct{})
	go s.listen(ctx)
}

// DossierChangesLive reports whether no change can be missed now: a reader that saw it
// true both before and after reading (with no change in between) may keep what it read.
func (s *Store) DossierChangesLive() bool {
	s.changes.mu.Lock()
	defer s.changes.mu.Unlock()
	return s.changes.live
}

// dossierChanged tells the subscribers; "" = everything.
func (s *Store) dossierChanged(lookupID string) {
	s.changes.mu.Lock()
	subs := s.changes.subs
	s.changes.mu.Unlock()
	for _, fn := range subs {
		fn(lookupID)
	}
}

// setLive records whether the listener is connected; either way what was read before is
// forgotten: on connecting, changes made while it was away were not heard.
func (s *Store) setLive(live bool) {
	s.changes.mu.Lock()
	s.changes.live = live
	s.changes.mu.Unlock()
	s.dossierChanged("")
}

// notifyChanged announces, inside tx, that the dossier with lookupID changed; PostgreSQL
// delivers it to every listener when tx commits, and not at all if it rolls back.
func (s *Store) notifyChanged(tx *gorm.DB, lookupID string) error {
	if s.dialect != Postgres {
		return nil
	}
	return tx.Exec("SELECT pg_notify(?, ?)", changeChannel, lookupID).Error
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
	s.setLive(true)
	defer s.setLive(false)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		s.dossierChanged(n.Payload)
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
