package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"motcua/domain"
)

// Survey is a citizen's satisfaction rating of one returned dossier (appendix I.7).
type Survey struct {
	DossierID int64
	Satisfied bool
	Comment   string
	CreatedAt time.Time
}

type surveyRow struct {
	DossierID int64 `gorm:"primaryKey;autoIncrement:false"`
	Satisfied bool
	Comment   string
	CreatedAt time.Time
}

func (surveyRow) TableName() string { return "surveys" }

func (r *surveyRow) domain() *Survey {
	return &Survey{DossierID: r.DossierID, Satisfied: r.Satisfied, Comment: r.Comment, CreatedAt: r.CreatedAt.In(domain.Location)}
}

// CreateSurvey records the rating of the dossier sv.DossierID, once: ENOTFOUND for an unknown
// dossier, ETRANSITION unless its result has been returned, ECONFLICT when it is rated already.
// A zero CreatedAt is the store's clock.
func (s *Store) CreateSurvey(ctx context.Context, sv *Survey) error {
	if sv.CreatedAt.IsZero() {
		sv.CreatedAt = s.now()
	}
	row := surveyRow{DossierID: sv.DossierID, Satisfied: sv.Satisfied, Comment: sv.Comment, CreatedAt: utc(sv.CreatedAt)}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var status []string
		if err := tx.Model(&dossierRow{}).Where("id = ?", sv.DossierID).Pluck("status", &status).Error; err != nil {
			return err
		}
		switch {
		case len(status) == 0:
			return domain.Errorf(domain.ENOTFOUND, "dossier not found")
		case domain.Status(status[0]) != domain.StatusReturned:
			// Returned is a final status, so the check cannot go stale before the insert.
			return domain.Errorf(domain.ETRANSITION, "a dossier can be rated only once its result has been returned")
		}
		return tx.Create(&row).Error
	})
	if err = translate(err); domain.ErrorCode(err) == domain.ECONFLICT {
		return domain.Errorf(domain.ECONFLICT, "the dossier has been rated already")
	} else if err != nil {
		return err
	}
	*sv = *row.domain()
	return nil
}

// FindSurvey returns the rating of the dossier with id; ENOTFOUND when it has none.
func (s *Store) FindSurvey(ctx context.Context, dossierID int64) (*Survey, error) {
	var row surveyRow
	if err := s.reader(ctx).Where("dossier_id = ?", dossierID).Take(&row).Error; err != nil {
		if err = translate(err); domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, domain.Errorf(domain.ENOTFOUND, "no survey for this dossier")
		}
		return nil, err
	}
	return row.domain(), nil
}
