package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"motcua/domain"
)

// JobRun is one claimed run of a scheduled job. The pair (Job, RunKey) is unique: claiming
// it is what makes a run happen once across replicas.
type JobRun struct {
	Job        string     `gorm:"primaryKey" json:"job"`
	RunKey     string     `gorm:"primaryKey" json:"run_key"`
	ClaimedBy  string     `json:"claimed_by"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	Error      string     `json:"error"`
}

// TableName is the table of job runs.
func (JobRun) TableName() string { return "job_runs" }

// ClaimJobRun records that claimedBy starts run runKey of job at; claimed is false (and
// nothing changes) when that run was claimed before, by this or another replica.
func (s *Store) ClaimJobRun(ctx context.Context, job, runKey, claimedBy string, at time.Time) (claimed bool, err error) {
	row := JobRun{Job: job, RunKey: runKey, ClaimedBy: claimedBy, StartedAt: utc(at)}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "job"}, {Name: "run_key"}},
		DoNothing: true,
	}).Create(&row)
	if res.Error != nil {
		return false, translate(res.Error)
	}
	return res.RowsAffected == 1, nil
}

// FinishJobRun records the end of a claimed run and its error ("" when it succeeded);
// ENOTFOUND when the run was never claimed.
func (s *Store) FinishJobRun(ctx context.Context, job, runKey string, at time.Time, runErr error) error {
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
	}
	res := s.db.WithContext(ctx).Model(&JobRun{}).Where("job = ? AND run_key = ?", job, runKey).
		Updates(map[string]any{"finished_at": utc(at), "error": msg})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.ENOTFOUND, "job run %s/%s not found", job, runKey)
	}
	return nil
}

// LastSucceededJobRun returns the greatest run key of job whose run finished without error;
// ok is false when there is none. Run keys must sort as their runs follow each other.
func (s *Store) LastSucceededJobRun(ctx context.Context, job string) (runKey string, ok bool, err error) {
	var keys []string
	err = s.db.WithContext(ctx).Model(&JobRun{}).
		Where("job = ? AND finished_at IS NOT NULL AND error = ''", job).
		Order("run_key DESC").Limit(1).Pluck("run_key", &keys).Error
	if err != nil {
		return "", false, translate(err)
	}
	if len(keys) == 0 {
		return "", false, nil
	}
	return keys[0], true, nil
}

// ListJobRuns returns the runs of job ("" = every job), latest run key first, at most limit.
func (s *Store) ListJobRuns(ctx context.Context, job string, limit int) ([]JobRun, error) {
	q := s.db.WithContext(ctx).Order("run_key DESC").Order("job")
	if job != "" {
		q = q.Where("job = ?", job)
	}
	if limit > 0 {
		q = q.Limit(limit)
	}
	var runs []JobRun
	if err := q.Find(&runs).Error; err != nil {
		return nil, translate(err)
	}
	for i := range runs {
		runs[i].StartedAt = runs[i].StartedAt.In(domain.Location)
		runs[i].FinishedAt = inLoc(runs[i].FinishedAt)
	}
	return runs, nil
}
