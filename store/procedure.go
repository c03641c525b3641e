package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"motcua/domain"
)

type procedureRow struct {
	ID                    int64 `gorm:"primaryKey"`
	Code                  string
	EffectiveOn           string
	Name                  string
	Field                 string
	Level                 string
	TimeLimitDays         int
	TimeLimitHours        int
	OnlineEligible        string
	OnlineProvided        string
	NationalPortal        bool
	Fee                   bool
	OnlinePayment         bool
	Postal                bool
	InterlinkedSameLevel  bool
	InterlinkedCrossLevel bool
	PublishedOn           string
	RepealedOn            *string
	CreatedAt             time.Time
}

func (procedureRow) TableName() string { return "procedure_versions" }

// limitInHours marks a limit given in hours: the days column holds -1.
const limitInHours = -1

func procedureToRow(p *domain.Procedure) procedureRow {
	r := procedureRow{Code: p.Code, EffectiveOn: p.EffectiveOn.String(), Name: p.Name, Field: p.Field, Level: string(p.Level),
		OnlineEligible: string(p.OnlineEligible), OnlineProvided: string(p.OnlineProvided), NationalPortal: p.NationalPortal,
		Fee: p.Fee, OnlinePayment: p.OnlinePayment, Postal: p.Postal, InterlinkedSameLevel: p.InterlinkedSameLevel,
		InterlinkedCrossLevel: p.InterlinkedCrossLevel, PublishedOn: p.PublishedOn.String()}
	if p.TimeLimitHours != nil {
		r.TimeLimitDays, r.TimeLimitHours = limitInHours, *p.TimeLimitHours
	} else if p.TimeLimitDays != nil {
		r.TimeLimitDays = *p.TimeLimitDays
	}
	if p.RepealedOn != nil {
		s := p.RepealedOn.String()
		r.RepealedOn = &s
	}
	return r
}

func (r *procedureRow) domain() *domain.Procedure {
	p := &domain.Procedure{Code: r.Code, Name: r.Name, Field: r.Field, Level: domain.Level(r.Level),
		OnlineEligible: domain.OnlineLevel(r.OnlineEligible), OnlineProvided: domain.OnlineLevel(r.OnlineProvided),
		NationalPortal: r.NationalPortal, Fee: r.Fee, OnlinePayment: r.OnlinePayment, Postal: r.Postal,
		InterlinkedSameLevel: r.InterlinkedSameLevel, InterlinkedCrossLevel: r.InterlinkedCrossLevel, CreatedAt: r.CreatedAt}
	if r.TimeLimitDays == limitInHours {
		h := r.TimeLimitHours
		p.TimeLimitHours = &h
	} else {
		d := r.TimeLimitDays
		p.TimeLimitDays = &d
	}
	p.PublishedOn, _ = domain.ParseDate(r.PublishedOn)
	p.EffectiveOn, _ = domain.ParseDate(r.EffectiveOn)
	if r.RepealedOn != nil {
		d, _ := domain.ParseDate(*r.RepealedOn)
		p.RepealedOn = &d
	}
	return p
}

// CreateProcedure adds a procedure to the catalogue, its first version effective from
// p.EffectiveOn (its publication date when unset); ECONFLICT when the code exists.
func (s *Store) CreateProcedure(ctx context.Context, p *domain.Procedure) error {
	if p.EffectiveOn.IsZero() {
		p.EffectiveOn = p.PublishedOn
	}
	defer s.catalogueChanged()
	return translate(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&procedureRow{}).Where("code = ?", p.Code).Count(&n).Error; err != nil {
			return err
		} else if n > 0 {
			return domain.Errorf(domain.ECONFLICT, "procedure %s exists already; PUT a new version", p.Code)
		}
		return s.insertProcedure(tx, p)
	}))
}

// AddProcedureVersion records a new version of an existing procedure from p.EffectiveOn;
// ENOTFOUND for an unknown code, ECONFLICT when a version with that date exists.
func (s *Store) AddProcedureVersion(ctx context.Context, p *domain.Procedure) error {
	defer s.catalogueChanged()
	return translate(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&procedureRow{}).Where("code = ?", p.Code).Count(&n).Error; err != nil {
			return err
		} else if n == 0 {
			return domain.Errorf(domain.ENOTFOUND, "procedure %s not found", p.Code)
		}
		err := s.insertProcedure(tx, p)
		if domain.ErrorCode(translate(err)) == domain.ECONFLICT {
			return domain.Errorf(domain.ECONFLICT, "procedure %s has a version effective on %s already", p.Code, p.EffectiveOn)
		}
		return err
	}))
}

// insertProcedure stores a version and announces the change of the catalogue; the caller
// tells this process after the commit (catalogueChanged).
func (s *Store) insertProcedure(tx *gorm.DB, p *domain.Procedure) error {
	row := procedureToRow(p)
	row.CreatedAt = utc(s.now())
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	*p = *row.domain()
	return s.announce(tx, changedCatalogue, "")
}

// catalogueChanged tells this process's caches that the catalogue may have changed.
func (s *Store) catalogueChanged() { s.changed(changedCatalogue, "") }

// asOfVersions selects, for each code, the latest version effective on or before a date.
const asOfVersions = `effective_on <= ? AND effective_on = (SELECT MAX(v.effective_on) FROM procedure_versions v
	WHERE v.code = procedure_versions.code AND v.effective_on <= ?)`

// FindProcedure returns the version of procedure code in effect on asOf; ENOTFOUND when none,
// saying whether the code is unknown or has no version in effect yet.
func (s *Store) FindProcedure(ctx context.Context, code string, asOf domain.Date) (*domain.Procedure, error) {
	versions, ok := s.catalogue().Get(code)
	if !ok {
		t := s.catalogue().Begin()
		var err error
		if versions, err = s.procedureVersions(ctx, code); err != nil {
			return nil, err
		}
		s.catalogue().Put(code, versions, t)
	}
	for _, v := range versions { // newest first
		if !v.EffectiveOn.After(asOf) {
			p := *v // the cached value stays as it is
			return &p, nil
		}
	}
	if len(versions) == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "There is no procedure %s in the catalogue.", code)
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "The procedure %s is not in force on %s.", code, asOf)
}

// maxCachedProcedures bounds the catalogue cache: a province's catalogue has about 2,000
// procedures across its three levels.
const maxCachedProcedures = 10_000

// catalogue returns the cache of procedure versions by code (store.Cache: on PostgreSQL,
// forgotten by every process when any changes the catalogue). Every intake asks for its
// procedure; the cache saves that query.
func (s *Store) catalogue() *Cache[[]*domain.Procedure] {
	s.catalogueOnce.Do(func() {
		s.catalogueCache = newCache[[]*domain.Procedure](s, changedCatalogue, maxCachedProcedures)
	})
	return s.catalogueCache
}

// procedureVersions returns every version of procedure code, newest first (none for an
// unknown code).
func (s *Store) procedureVersions(ctx context.Context, code string) ([]*domain.Procedure, error) {
	rows, err := s.db.WithContext(ctx).Raw(`SELECT id, code, effective_on, name, field, level, time_limit_days,
		time_limit_hours, online_eligible, online_provided, national_portal, fee, online_payment, postal,
		interlinked_same_level, interlinked_cross_level, published_on, repealed_on, created_at
		FROM procedure_versions WHERE code = ? ORDER BY effective_on DESC`, code).Rows()
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*domain.Procedure
	for rows.Next() {
		var r procedureRow
		if err := rows.Scan(&r.ID, &r.Code, &r.EffectiveOn, &r.Name, &r.Field, &r.Level, &r.TimeLimitDays, &r.TimeLimitHours,
			&r.OnlineEligible, &r.OnlineProvided, &r.NationalPortal, &r.Fee, &r.OnlinePayment, &r.Postal,
			&r.InterlinkedSameLevel, &r.InterlinkedCrossLevel, &r.PublishedOn, &r.RepealedOn, &r.CreatedAt); err != nil {
			return nil, translate(err)
		}
		out = append(out, r.domain())
	}
	return out, translate(rows.Err())
}

// ProcedureFilter narrows ListProcedures.
type ProcedureFilter struct {
	AsOf  domain.Date
	Level domain.Level
	Field string
	Page  // the zero Page: every procedure
}

// ListProcedures returns the catalogue as it stood on f.AsOf, ordered by code, a page at a
// time, and the cursor of the next page ("" at the end); EINVALID naming "cursor" for a bad
// cursor.
func (s *Store) ListProcedures(ctx context.Context, f ProcedureFilter) ([]*domain.Procedure, string, error) {
	q := s.reader(ctx).Where(asOfVersions, f.AsOf.String(), f.AsOf.String())
	if f.Level != "" {
		q = q.Where("level = ?", string(f.Level))
	}
	if f.Field != "" {
		q = q.Where("field = ?", f.Field)
	}
	rows, next, err := findPage(q, f.Page, byKey("code", func(r *procedureRow) string { return r.Code }))
	if err != nil {
		return nil, "", err
	}
	out := make([]*domain.Procedure, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, next, nil
}

// ProcedureVersions returns every version of every procedure.
func (s *Store) ProcedureVersions(ctx context.Context) ([]*domain.Procedure, error) {
	var rows []procedureRow
	if err := s.db.WithContext(ctx).Order("code, effective_on").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*domain.Procedure, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}
