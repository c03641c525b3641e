package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"motcua/desk"
	"motcua/jobs"
	"motcua/store/storetest"
)

// TestIdempotencyPurgeDeletesExpiredKeys: the nightly job deletes the keys older than the
// deployment's TTL and keeps the others, whatever their state.
func TestIdempotencyPurgeDeletesExpiredKeys(t *testing.T) {
	t.Parallel()
	st := storetest.MustOpen(t)
	ctx := context.Background()
	now := vn("2024-03-05 02:15")
	for _, k := range []struct {
		key  string
		age  time.Duration
		done bool
	}{{"old-done", 49 * time.Hour, true}, {"old-running", 50 * time.Hour, false}, {"young-done", 47 * time.Hour, true}, {"new-running", time.Minute, false}} {
		at := now.Add(-k.age)
		if prev, err := st.ClaimIdempotencyKey(ctx, "ward1.reception", k.key, "h", at, at.Add(-48*time.Hour), at.Add(-10*time.Minute)); err != nil || prev != nil {
			t.Fatalf("claim %s: %+v, %v", k.key, prev, err)
		}
		if k.done {
			if err := st.CompleteIdempotencyKey(ctx, "ward1.reception", k.key, 201, "", []byte("{}")); err != nil {
				t.Fatal(err)
			}
		}
	}
	logger, logs := newLogger()
	s := jobs.New(desk.New(st, desk.Config{Now: func() time.Time { return now }}), st, logger, func() time.Time { return now })
	if err := s.RegisterIdempotencyPurge(48 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if ran, err := s.RunNow(ctx, jobs.JobIdempotencyPurge); err != nil || !ran {
		t.Fatalf("RunNow = %v, %v", ran, err)
	}
	var keys []string
	if err := st.DB().Raw("SELECT key FROM idempotency_keys ORDER BY key").Scan(&keys).Error; err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keys, " "); got != "new-running young-done" {
		t.Errorf("keys left: %s, want new-running young-done", got)
	}
	if !strings.Contains(logs.String(), `"deleted":2`) {
		t.Errorf("the purge did not log what it deleted:\n%s", logs)
	}
	if next := s.Jobs(); !strings.Contains(strings.Join(next, " "), jobs.JobIdempotencyPurge) {
		t.Errorf("jobs %v lack %s", next, jobs.JobIdempotencyPurge)
	}
}
