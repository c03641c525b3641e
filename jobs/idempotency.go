package jobs

import (
	"context"
	"time"

	"motcua/store"
)

// JobIdempotencyPurge names the job that deletes expired Idempotency-Keys.
const JobIdempotencyPurge = "idempotency-purge"

// SetIdempotencyTTL says how long Idempotency-Keys are kept before idempotency-purge deletes
// them (store.DefaultIdempotencyTTL when never called, or for d ≤ 0). Call it before Start.
func (s *Scheduler) SetIdempotencyTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idempotencyTTL = d
}

// idempotencyPurge deletes the Idempotency-Keys older than their time to live; the service
// treats such a key as new already, so this only keeps the table small.
func (s *Scheduler) idempotencyPurge(ctx context.Context) error {
	s.mu.Lock()
	ttl := s.idempotencyTTL
	s.mu.Unlock()
	if ttl <= 0 {
		ttl = store.DefaultIdempotencyTTL
	}
	n, err := s.store.PurgeIdempotencyKeys(ctx, s.now().Add(-ttl))
	if err != nil {
		return err
	}
	s.log.Info("idempotency keys purged", "deleted", n, "ttl", ttl.String())
	return nil
}
