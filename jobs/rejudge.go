package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// JobRejudge finishes the re-judgements that calendar changes recorded and makes a new
// revision of each snapshot they made stale. It runs every minute on every replica: the
// work is shared out batch by batch under leases, not by a claim of the run.
const JobRejudge = "calendar-rejudge"

// Making the next revisions of stale snapshots: how long a replica holds one, how many it
// looks at a time, and how long one run of the job goes on making them.
const (
	refreshLease  = 2 * time.Minute
	refreshPage   = 20
	refreshBudget = 50 * time.Second
)

// rejudge works through the pending re-judgements; when none is left, it refreshes the stale
// snapshots (while one is under way, the snapshots it touches are computed live on request,
// and a revision made now would go stale again).
func (s *Scheduler) rejudge(ctx context.Context) error {
	if err := s.desk.ProcessRejudges(ctx); err != nil {
		return err
	}
	pending, err := s.store.PendingRejudgeRuns(ctx)
	if err != nil || len(pending) > 0 {
		return err
	}
	_, err = s.RefreshStaleSnapshots(ctx)
	return err
}

// RefreshStaleSnapshots makes the next revision of every stale snapshot that is the latest of
// its agency and period, each held under a lease so that replicas make it once, for at most
// refreshBudget; it returns how many it made and every failure.
func (s *Scheduler) RefreshStaleSnapshots(ctx context.Context) (int, error) {
	deadline := time.Now().Add(refreshBudget)
	made := 0
	var errs []error
	failed := map[int64]bool{}
	for time.Now().Before(deadline) {
		stale, err := s.store.StaleSnapshots(ctx, refreshPage+len(failed))
		if err != nil {
			return made, errors.Join(append(errs, err)...)
		}
		progress := false
		for _, snap := range stale {
			if failed[snap.ID] {
				continue
			}
			claimed, err := s.store.ClaimSnapshotRefresh(ctx, snap.ID, s.now(), refreshLease)
			if err != nil {
				return made, errors.Join(append(errs, err)...)
			} else if !claimed {
				continue
			}
			progress = true
			a, err := s.store.FindAgency(ctx, snap.AgencyCode)
			if err == nil {
				_, _, err = s.desk.Freeze(ctx, a, snap.Period, snap.PeriodKey, SnapshotCreator, false)
			}
			if err != nil {
				failed[snap.ID] = true
				errs = append(errs, fmt.Errorf("%s %s: %w", snap.AgencyCode, snap.PeriodKey, err))
				continue
			}
			made++
		}
		if !progress {
			break
		}
	}
	if made > 0 {
		s.log.Info("stale snapshots refreshed", "revisions", made)
	}
	return made, errors.Join(errs...)
}
