package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"motcua/domain"
)

// Snapshot is a frozen appendix: the figures of one agency and period as they were computed
// at CreatedAt. A snapshot is never changed; a new computation is a new Revision.
type Snapshot struct {
	ID         int64             `json:"id"`
	AgencyCode string            `json:"agency_code"`
	PeriodKey  string            `json:"period_key"`
	Period     domain.Period     `json:"period"`
	Revision   int               `json:"revision"`
	CreatedAt  time.Time         `json:"created_at"`
	CreatedBy  string            `json:"created_by"`
	Appendix   *domain.Appendix  `json:"appendix,omitempty"`
	Fields     []domain.FieldRow `json:"fields,omitempty"`
	// StaleSince is when a re-judgement after a calendar change changed dossiers this
	// snapshot counts: it is no longer served as current, and the scheduler makes a new
	// revision.
	StaleSince *time.Time `json:"stale_since,omitempty"`
}

type snapshotRow struct {
	ID         int64 `gorm:"primaryKey"`
	AgencyCode string
	PeriodKey  string
	Revision   int
	Data       string
	CreatedBy  string
	CreatedAt  time.Time
	PeriodFrom string // the period's first and last days, YYYY-MM-DD
	PeriodTo   string
	StaleSince *time.Time
	// RefreshUntil is when the lease of the worker making the next revision of a stale
	// snapshot runs out.
	RefreshUntil *time.Time
}

func (snapshotRow) TableName() string { return "report_snapshots" }

// snapshotData is what the data column holds.
type snapshotData struct {
	Appendix *domain.Appendix  `json:"appendix"`
	Fields   []domain.FieldRow `json:"fields"`
}

func (r *snapshotRow) snapshot(full bool) (*Snapshot, error) {
	var d snapshotData
	if err := json.Unmarshal([]byte(r.Data), &d); err != nil {
		return nil, err
	}
	s := &Snapshot{ID: r.ID, AgencyCode: r.AgencyCode, PeriodKey: r.PeriodKey, Revision: r.Revision,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.In(domain.Location), StaleSince: inLoc(r.StaleSince)}
	if d.Appendix != nil {
		s.Period = d.Appendix.Period
		d.Appendix.Source = domain.SourceSnapshot
	}
	if full {
		s.Appendix, s.Fields = d.Appendix, d.Fields
		if s.Fields == nil {
			s.Fields = []domain.FieldRow{}
		}
	}
	return s, nil
}

func (s *Store) snapshotRow(snap *Snapshot) (snapshotRow, error) {
	if snap.Appendix == nil {
		return snapshotRow{}, domain.Errorf(domain.EINTERNAL, "snapshot without an appendix")
	}
	app := *snap.Appendix // the caller's appendix may be shared: change a copy
	app.Source = domain.SourceSnapshot
	snap.Appendix = &app
	b, err := json.Marshal(snapshotData{Appendix: snap.Appendix, Fields: snap.Fields})
	if err != nil {
		return snapshotRow{}, err
	}
	if snap.CreatedAt.IsZero() {
		snap.CreatedAt = s.now()
	}
	return snapshotRow{AgencyCode: snap.AgencyCode, PeriodKey: snap.PeriodKey, Data: string(b),
		CreatedBy: snap.CreatedBy, CreatedAt: utc(snap.CreatedAt),
		PeriodFrom: snap.Appendix.Period.From.String(), PeriodTo: snap.Appendix.Period.To.String()}, nil
}

// CreateSnapshot stores snap as the next revision of its agency and period key and fills in
// its ID, Revision and CreatedAt (now when unset); snap.Appendix becomes a copy whose
// source is "snapshot".
// Concurrent callers get distinct revisions.
func (s *Store) CreateSnapshot(ctx context.Context, snap *Snapshot) error {
	row, err := s.snapshotRow(snap)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			rev, err := scanInt64(tx, "SELECT MAX(revision) FROM report_snapshots WHERE agency_code = ? AND period_key = ?",
				row.AgencyCode, row.PeriodKey)
			if err != nil {
				return err
			}
			row.ID, row.Revision = 0, int(rev)+1
			return tx.Create(&row).Error
		})
		if err = translate(err); domain.ErrorCode(err) != domain.ECONFLICT || attempt >= 5 {
			break
		}
	}
	if err != nil {
		return err
	}
	return s.fillSnapshot(snap, &row)
}

// CreateFirstSnapshot stores snap as revision 1 of its agency and period key unless that
// revision exists already; created reports whether this call stored it. Several replicas
// may call it for the same period: exactly one stores it.
func (s *Store) CreateFirstSnapshot(ctx context.Context, snap *Snapshot) (created bool, err error) {
	row, err := s.snapshotRow(snap)
	if err != nil {
		return false, err
	}
	row.Revision = 1
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "agency_code"}, {Name: "period_key"}, {Name: "revision"}},
		DoNothing: true,
	}).Create(&row)
	if res.Error != nil {
		return false, translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return false, nil
	}
	return true, s.fillSnapshot(snap, &row)
}

func (s *Store) fillSnapshot(snap *Snapshot, row *snapshotRow) error {
	snap.ID, snap.Revision, snap.CreatedAt = row.ID, row.Revision, row.CreatedAt.In(domain.Location)
	if snap.Appendix != nil {
		snap.Period = snap.Appendix.Period
	}
	return nil
}

// HasSnapshot reports whether any revision exists for the agency and period key.
func (s *Store) HasSnapshot(ctx context.Context, agencyCode, periodKey string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&snapshotRow{}).Where("agency_code = ? AND period_key = ?", agencyCode, periodKey).
		Limit(1).Count(&n).Error
	return n > 0, translate(err)
}

// FindSnapshot returns the snapshot with id and its figures; ENOTFOUND when there is none.
func (s *Store) FindSnapshot(ctx context.Context, id int64) (*Snapshot, error) {
	return s.findSnapshot(s.reader(ctx).Where("id = ?", id))
}

// LatestSnapshot returns the latest revision for the agency and period key, with its
// figures; ENOTFOUND when there is none.
func (s *Store) LatestSnapshot(ctx context.Context, agencyCode, periodKey string) (*Snapshot, error) {
	return s.findSnapshot(s.reader(ctx).Where("agency_code = ? AND period_key = ?", agencyCode, periodKey).
		Order("revision DESC"))
}

func (s *Store) findSnapshot(q *gorm.DB) (*Snapshot, error) {
	var rows []snapshotRow
	if err := q.Limit(1).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "snapshot not found")
	}
	return rows[0].snapshot(true)
}

// SnapshotFilter narrows ListSnapshots.
type SnapshotFilter struct {
	Scope      string // agency path prefix the caller may see ("" = all)
	AgencyCode string // "" = every agency in Scope
	PeriodKey  string // "" = every period
	Page              // the zero Page: every snapshot
}

// ListSnapshots returns a page of snapshots without their figures, newest first, and the
// cursor of the next page ("" at the end); EINVALID naming "cursor" for a bad cursor.
func (s *Store) ListSnapshots(ctx context.Context, f SnapshotFilter) ([]*Snapshot, string, error) {
	q := s.reader(ctx).Model(&snapshotRow{})
	if f.Scope != "" {
		q = q.Where("agency_code IN (SELECT code FROM agencies WHERE path LIKE ?)", likePrefix(f.Scope))
	}
	if f.AgencyCode != "" {
		q = q.Where("agency_code = ?", f.AgencyCode)
	}
	if f.PeriodKey != "" {
		q = q.Where("period_key = ?", f.PeriodKey)
	}
	rows, next, err := findPage(q, f.Page, newestFirst(func(r *snapshotRow) int64 { return r.ID }))
	if err != nil {
		return nil, "", err
	}
	out := make([]*Snapshot, 0, len(rows))
	for i := range rows {
		snap, err := rows[i].snapshot(false)
		if err != nil {
			return nil, "", err
		}
		out = append(out, snap)
	}
	return out, next, nil
}

// StaleSnapshots returns, with their figures, at most limit snapshots that are the latest
// revision of their agency and period key and are stale, oldest first.
func (s *Store) StaleSnapshots(ctx context.Context, limit int) ([]*Snapshot, error) {
	var rows []snapshotRow
	err := s.db.WithContext(ctx).Table("report_snapshots AS s").Select("s.*").
		Where(`s.stale_since IS NOT NULL AND NOT EXISTS (SELECT 1 FROM report_snapshots n
			WHERE n.agency_code = s.agency_code AND n.period_key = s.period_key AND n.revision > s.revision)`).
		Order("s.id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]*Snapshot, 0, len(rows))
	for i := range rows {
		snap, err := rows[i].snapshot(true)
		if err != nil {
			return nil, err
		}
		out = append(out, snap)
	}
	return out, nil
}

// ClaimSnapshotRefresh gives the caller the making of the next revision of the stale snapshot
// id until now+lease, unless another caller holds it under a lease that has not run out;
// claimed reports whether the caller holds it now.
func (s *Store) ClaimSnapshotRefresh(ctx context.Context, id int64, now time.Time, lease time.Duration) (claimed bool, err error) {
	res := s.db.WithContext(ctx).Model(&snapshotRow{}).
		Where("id = ? AND stale_since IS NOT NULL AND (refresh_until IS NULL OR refresh_until < ?)", id, utc(now)).
		Update("refresh_until", utc(now.Add(lease)))
	if res.Error != nil {
		return false, translate(res.Error)
	}
	return res.RowsAffected == 1, nil
}
