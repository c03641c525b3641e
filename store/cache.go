package store

import (
	"context"
	"sync"
)

// Cache keeps values read from the database by key, and is never stale after a change: the
// change feed (changes.go) tells it of every change to what it keeps, made by this process or
// any other sharing the database, and a value is kept only when no change was announced, and
// none could have been missed, while it was being read:
//
//	if v, ok := c.Get(key); ok { return v }
//	t := c.Begin()
//	v := read(key)
//	c.Put(key, v, t)
//
// It keeps nothing while the feed is not live (always on the embedded database). With a
// standby answering reads, a value is kept only when the standby had replayed, before the
// read, every change the feed had heard of when it is put. Values are shared between
// readers: treat them as read-only.
type Cache[V any] struct {
	s   *Store
	max int

	mu  sync.Mutex
	m   map[string]V
	gen uint64 // counts the changes announced
}

// Ticket is what Begin hands to Put.
type Ticket struct {
	gen      uint64
	keep     bool
	replayed uint64 // how far the standby had replayed (with a replica)
}

// NewDossierCache returns a cache of at most max values keyed by dossier lookup id; max <= 0
// keeps nothing.
func NewDossierCache[V any](s *Store, max int) *Cache[V] {
	return newCache[V](s, changedDossier, max)
}

// newCache subscribes a cache to changes of kind: a change with a key forgets that key, one
// without forgets everything.
func newCache[V any](s *Store, kind byte, max int) *Cache[V] {
	c := &Cache[V]{s: s, max: max, m: make(map[string]V)}
	if max > 0 {
		s.subscribe(func(k byte, key string) {
			if k == kind || k == changedAll {
				c.forget(key)
			}
		})
	}
	return c
}

// Get returns the value kept for key.
func (c *Cache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

// Begin is called before reading a value from the database.
func (c *Cache[V]) Begin() Ticket {
	if c.max <= 0 || !c.s.ChangesLive() {
		return Ticket{}
	}
	var replayed uint64
	if r := c.s.rep; r != nil {
		replayed = r.replayed.Load()
		if replayed < r.notified.Load() && !r.paused() {
			replayed, _ = r.replay(context.Background())
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return Ticket{gen: c.gen, keep: true, replayed: replayed}
}

// Put keeps v for key, unless a change was announced since Begin gave t or one may have been
// missed. When full, it forgets an arbitrary value first.
func (c *Cache[V]) Put(key string, v V, t Ticket) {
	if !t.keep || !c.s.ChangesLive() {
		return
	}
	if r := c.s.rep; r != nil && t.replayed < r.notified.Load() {
		return // the standby may not have had a change the feed has heard of
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != t.gen {
		return
	}
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = v
}

// Len returns how many values are kept.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// forget drops the value for key; "" drops them all.
func (c *Cache[V]) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if key == "" {
		clear(c.m)
	} else {
		delete(c.m, key)
	}
}
