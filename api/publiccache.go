package api

import "sync"

// publicCache keeps the public answers of recently looked-up dossiers, by lookup id, so that
// a citizen's lookup costs no database query. It is never stale after an action: the store
// tells it of every change (store.OnDossierChange), and an answer is kept only when no
// change was announced, and none could have been missed, while it was being read.
type publicCache struct {
	mu   sync.Mutex
	m    map[string]*publicAnswer
	gen  uint64 // counts announced changes
	max  int
	live func() bool // whether changes can be missed now (store.DossierChangesLive)
}

func newPublicCache(max int, live func() bool) *publicCache {
	return &publicCache{m: make(map[string]*publicAnswer), max: max, live: live}
}

// get returns the kept answer for id.
func (c *publicCache) get(id string) (*publicAnswer, bool) {
	if c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	v, ok := c.m[id]
	c.mu.Unlock()
	return v, ok
}

// begin is called before reading an answer from the database; put with its result keeps it
// only if nothing changed meanwhile.
func (c *publicCache) begin() (gen uint64, ok bool) {
	if c.max <= 0 || !c.live() {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen, true
}

// put keeps v for id if no change was announced since begin gave gen and none can have been
// missed. When full, it forgets an arbitrary kept answer first.
func (c *publicCache) put(id string, v *publicAnswer, gen uint64) {
	if !c.live() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[id] = v
}

// forget drops the answer for id; "" drops them all.
func (c *publicCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if id == "" {
		clear(c.m)
	} else {
		delete(c.m, id)
	}
}

// len returns how many answers are kept.
func (c *publicCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
