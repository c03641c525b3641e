package store

import (
	"context"
	"time"

	"motcua/domain"
)

type feedbackRow struct {
	ID            int64 `gorm:"primaryKey"`
	AgencyCode    string
	AgencyPath    string
	ProcedureCode string
	Content       string
	ReceivedAt    time.Time
	ResolvedAt    *time.Time
	Answer        string
	CreatedBy     string
	CreatedAt     time.Time
}

func (feedbackRow) TableName() string { return "feedback" }

func (r *feedbackRow) domain() *domain.Feedback {
	return &domain.Feedback{ID: r.ID, AgencyCode: r.AgencyCode, AgencyPath: r.AgencyPath, ProcedureCode: r.ProcedureCode,
		Content: r.Content, ReceivedAt: r.ReceivedAt.In(domain.Location), ResolvedAt: inLoc(r.ResolvedAt), Answer: r.Answer,
		CreatedBy: r.CreatedBy}
}

// CreateFeedback stores new feedback (AgencyPath must be set).
func (s *Store) CreateFeedback(ctx context.Context, f *domain.Feedback) error {
	row := feedbackRow{AgencyCode: f.AgencyCode, AgencyPath: f.AgencyPath, ProcedureCode: f.ProcedureCode, Content: f.Content,
		ReceivedAt: utc(f.ReceivedAt), CreatedBy: f.CreatedBy, CreatedAt: utc(s.now())}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	*f = *row.domain()
	return nil
}

// FindFeedback returns feedback id; ENOTFOUND when none.
func (s *Store) FindFeedback(ctx context.Context, id int64) (*domain.Feedback, error) {
	var row feedbackRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	return row.domain(), nil
}

// ResolveFeedback records the answer once; ECONFLICT when it was answered already.
func (s *Store) ResolveFeedback(ctx context.Context, id int64, answer string, at time.Time) (*domain.Feedback, error) {
	res := s.db.WithContext(ctx).Model(&feedbackRow{}).Where("id = ? AND resolved_at IS NULL", id).
		Updates(map[string]any{"answer": answer, "resolved_at": utc(at)})
	if res.Error != nil {
		return nil, translate(res.Error)
	}
	f, err := s.FindFeedback(ctx, id)
	if err != nil {
		return nil, err
	}
	if res.RowsAffected == 0 {
		return nil, domain.Errorf(domain.ECONFLICT, "the feedback was answered already")
	}
	return f, nil
}

// ListFeedback returns the feedback of agencies under scope, newest first; open limits it to unanswered ones.
func (s *Store) ListFeedback(ctx context.Context, scope, agencyCode string, open bool, limit int) ([]*domain.Feedback, error) {
	q := s.db.WithContext(ctx).Order("id DESC").Limit(limit)
	if scope != "" {
		q = q.Where("agency_path LIKE ?", likePrefix(scope))
	}
	if agencyCode != "" {
		q = q.Where("agency_code = ?", agencyCode)
	}
	if open {
		q = q.Where("resolved_at IS NULL")
	}
	var rows []feedbackRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*domain.Feedback, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}
