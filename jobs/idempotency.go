package jobs

import (
	"context"
	"time"

	"motcua/store"
)

// JobIdempotencyPurge names the nightly job that deletes expired Idempotency-Keys.
const JobIdempotencyPurge = "idempotency-purge"

// RegisterIdempotencyPurge adds the idempotency-purge job, which deletes every night the
// Idempotency-Keys older than ttl (store.DefaultIdempotencyTTL for ttl ≤ 0). The service
// treats such a key as new already: the job only keeps the table small. Call it before Start.
func (s *Scheduler) RegisterIdempotencyPurge(ttl time.Duration) error {
	if ttl <= 0 {
		ttl = store.DefaultIdempotencyTTL
	}
	return s.Register(Job{Name: JobIdempotencyPurge, Spec: "15 2 * * *", Run: func(ctx context.Context) error {
		n, err := s.store.PurgeIdempotencyKeys(ctx, s.now().Add(-ttl))
		if err != nil {
			return err
		}
		s.log.Info("idempotency keys purged", "deleted", n, "ttl", ttl.String())
		return nil
	}})
}
