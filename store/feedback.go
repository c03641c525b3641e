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

// FeedbackFilter narrows ListFeedback.
type FeedbackFilter struct {
	Scope      string // agency path prefix ("" = all)
	AgencyCode string // "" = every agency in Scope
	Open       bool   // only feedback not yet answered
	Page
}

// ListFeedback returns a page of feedback, newest first, and the cursor of the next page
// ("" at the end); EINVALID naming "cursor" for a bad cursor.
func (s *Store) ListFeedback(ctx context.Context, f FeedbackFilter) ([]*domain.Feedback, string, error) {
	q := s.reader(ctx)
	if f.Scope != "" {
		q = q.Where("agency_path LIKE ?", likePrefix(f.Scope))
	}
	if f.AgencyCode != "" {
		q = q.Where("agency_code = ?", f.AgencyCode)
	}
	if f.Open {
		q = q.Where("resolved_at IS NULL")
	}
	rows, next, err := findPage(q, f.Page, newestFirst(func(r *feedbackRow) int64 { return r.ID }))
	if err != nil {
		return nil, "", err
	}
	out := make([]*domain.Feedback, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, next, nil
}
