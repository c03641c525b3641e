package store

import (
	"context"
	"strings"
	"time"

	"motcua/domain"
)

type userRow struct {
	ID           int64 `gorm:"primaryKey"`
	Username     string
	PasswordHash string
	Roles        string
	AgencyCode   *string
	FailedLogins int
	LockedUntil  *time.Time
	CreatedAt    time.Time
}

func (userRow) TableName() string { return "users" }

func (r *userRow) domain() *domain.User {
	u := &domain.User{ID: r.ID, Username: r.Username, PasswordHash: r.PasswordHash, CreatedAt: r.CreatedAt.In(domain.Location)}
	for _, role := range strings.Split(r.Roles, ",") {
		if role != "" {
			u.Roles = append(u.Roles, domain.Role(role))
		}
	}
	if r.AgencyCode != nil {
		u.AgencyCode = *r.AgencyCode
	}
	return u
}

// CreateUser stores a user whose PasswordHash is already set; ECONFLICT for a taken username,
// EINVALID for an unknown agency.
func (s *Store) CreateUser(ctx context.Context, u *domain.User) error {
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	row := userRow{Username: u.Username, PasswordHash: u.PasswordHash, Roles: strings.Join(roles, ","), CreatedAt: utc(s.now())}
	if u.AgencyCode != "" {
		if _, err := s.FindAgency(ctx, u.AgencyCode); err != nil {
			if domain.ErrorCode(err) == domain.ENOTFOUND {
				return domain.NoSuchAgency("agency_code", u.AgencyCode)
			}
			return err
		}
		row.AgencyCode = &u.AgencyCode
	}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		err = translate(err)
		if domain.ErrorCode(err) == domain.ECONFLICT {
			return domain.Errorf(domain.ECONFLICT, "user %s exists already", u.Username)
		}
		return err
	}
	*u = *row.domain()
	return nil
}

// FindUserByUsername returns the user; ENOTFOUND when there is none.
func (s *Store) FindUserByUsername(ctx context.Context, username string) (*domain.User, error) {
	var row userRow
	if err := s.db.WithContext(ctx).Where("username = ?", username).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	return row.domain(), nil
}

// FindUser returns the user with id; ENOTFOUND when there is none.
func (s *Store) FindUser(ctx context.Context, id int64) (*domain.User, error) {
	var row userRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	return row.domain(), nil
}

// CountUsers returns how many users exist.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&userRow{}).Count(&n).Error
	return n, translate(err)
}

// LoginLock returns until when the user is locked out after failed logins (zero when not).
func (s *Store) LoginLock(ctx context.Context, username string) (time.Time, error) {
	var row userRow
	if err := s.db.WithContext(ctx).Select("locked_until").Where("username = ?", username).Take(&row).Error; err != nil {
		return time.Time{}, translate(err)
	}
	if row.LockedUntil == nil {
		return time.Time{}, nil
	}
	return *row.LockedUntil, nil
}

// RecordLogin counts a failed login (locking the account until lockUntil after maxFailures in
// a row) or clears the count after a success.
func (s *Store) RecordLogin(ctx context.Context, username string, ok bool, maxFailures int, lockUntil time.Time) error {
	q := s.db.WithContext(ctx).Model(&userRow{}).Where("username = ?", username)
	if ok {
		return translate(q.Updates(map[string]any{"failed_logins": 0, "locked_until": nil}).Error)
	}
	err := s.db.WithContext(ctx).Exec(`UPDATE users SET failed_logins = failed_logins + 1,
		locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END WHERE username = ?`,
		maxFailures, utc(lockUntil), username).Error
	if err != nil {
		return translate(err)
	}
	// A lock starts a new count.
	return translate(s.db.WithContext(ctx).Exec(`UPDATE users SET failed_logins = 0 WHERE username = ? AND failed_logins >= ?`,
		username, maxFailures).Error)
}
