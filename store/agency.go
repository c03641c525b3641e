package store

import (
	"context"
	"time"

	"motcua/domain"
)

type agencyRow struct {
	Code       string `gorm:"primaryKey"`
	Name       string
	Level      string
	ParentCode *string
	Path       string
	CreatedAt  time.Time
}

func (agencyRow) TableName() string { return "agencies" }

func (r *agencyRow) domain() *domain.Agency {
	a := &domain.Agency{Code: r.Code, Name: r.Name, Level: domain.Level(r.Level), Path: r.Path, CreatedAt: r.CreatedAt.In(domain.Location)}
	if r.ParentCode != nil {
		a.ParentCode = *r.ParentCode
	}
	return a
}

// CreateAgency stores a new agency under its parent; ENOTFOUND for an unknown parent, ECONFLICT for a taken code.
func (s *Store) CreateAgency(ctx context.Context, a *domain.Agency) error {
	if err := a.Validate(); err != nil {
		return err
	}
	row := agencyRow{Code: a.Code, Name: a.Name, Level: string(a.Level), CreatedAt: utc(s.now())}
	parentPath := ""
	if a.ParentCode != "" {
		parent, err := s.FindAgency(ctx, a.ParentCode)
		if err != nil {
			if domain.ErrorCode(err) == domain.ENOTFOUND {
				return domain.NoSuchAgency("parent_code", a.ParentCode)
			}
			return err
		}
		parentPath = parent.Path
		row.ParentCode = &a.ParentCode
	}
	row.Path = domain.ChildPath(parentPath, a.Code)
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		err = translate(err)
		if domain.ErrorCode(err) == domain.ECONFLICT {
			return domain.Errorf(domain.ECONFLICT, "agency %s exists already", a.Code)
		}
		return err
	}
	*a = *row.domain()
	return nil
}

// FindAgency returns the agency with code; ENOTFOUND when there is none. Agencies are never
// changed or deleted once created, so each is read from the database once per Store (a new
// agency is found on its first lookup, on every replica); an UPDATE or DELETE of agencies
// would have to clear s.agencies.
func (s *Store) FindAgency(ctx context.Context, code string) (*domain.Agency, error) {
	if a, ok := s.agencies.Load(code); ok {
		c := *a.(*domain.Agency)
		return &c, nil
	}
	var row agencyRow
	if err := s.db.WithContext(ctx).Where("code = ?", code).Take(&row).Error; err != nil {
		err = translate(err)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, domain.Errorf(domain.ENOTFOUND, "agency %s not found", code)
		}
		return nil, err
	}
	a := row.domain()
	c := *a
	s.agencies.Store(code, &c)
	return a, nil
}

// ListAgencies returns the agencies whose path starts with scope ("" = all), ordered by path.
func (s *Store) ListAgencies(ctx context.Context, scope string) ([]*domain.Agency, error) {
	list, _, err := s.ListAgenciesPage(ctx, scope, Page{})
	return list, err
}

// ListAgenciesPage is ListAgencies a page at a time, and the cursor of the next page ("" at
// the end); EINVALID naming "cursor" for a bad cursor.
func (s *Store) ListAgenciesPage(ctx context.Context, scope string, pg Page) ([]*domain.Agency, string, error) {
	q := s.reader(ctx)
	if scope != "" {
		q = q.Where("path LIKE ?", likePrefix(scope))
	}
	rows, next, err := findPage(q, pg, byKey("path", func(r *agencyRow) string { return r.Path }))
	if err != nil {
		return nil, "", err
	}
	out := make([]*domain.Agency, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, next, nil
}

// likePrefix returns a LIKE pattern matching strings that start with p. Paths hold
// only digits, capitals, dots and slashes, so no escaping is needed; anything else is refused.
func likePrefix(p string) string {
	for _, r := range p {
		if r == '%' || r == '_' || r == '\\' {
			return "\x00" // matches nothing
		}
	}
	return p + "%"
}
