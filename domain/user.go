package domain

import (
	"slices"
	"strings"
	"time"
)

// Role is what a user may do.
type Role string

// The roles of API.md.
const (
	RoleAdmin      Role = "admin"      // catalogue, calendar, agencies, users
	RoleReception  Role = "reception"  // intake, return, scan
	RoleSpecialist Role = "specialist" // processing actions
	RoleReporter   Role = "reporter"   // reports
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleReception || r == RoleSpecialist || r == RoleReporter
}

// User is a member of staff. A user with no agency sees every agency only when admin.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	PasswordHash string    `json:"-"`
	Roles        []Role    `json:"roles"`
	AgencyCode   string    `json:"agency_code,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// Principal is the authenticated caller of a request: who, with which roles, over which subtree.
type Principal struct {
	UserID     int64
	Username   string
	Roles      []Role
	AgencyCode string // "" only for a global admin
	AgencyPath string // the subtree the caller may see; "" = everything
}

// Has reports whether the principal holds any of roles.
func (p *Principal) Has(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(p.Roles, r) {
			return true
		}
	}
	return false
}

// Sees reports whether an agency with the given path is within the principal's scope.
func (p *Principal) Sees(agencyPath string) bool {
	return p.AgencyPath == "" || strings.HasPrefix(agencyPath, p.AgencyPath)
}

// ValidateNewUser checks a user to be created with password; EINVALID names each bad field.
func ValidateNewUser(u *User, password string) error {
	var p Problems
	if n := len(u.Username); n < 3 || n > 64 || strings.TrimFunc(u.Username, func(r rune) bool {
		return r == '.' || r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
	}) != "" {
		p.Add("username", "must be 3 to 64 of a-z, 0-9, '.', '_' or '-'")
	}
	if len(password) < 10 || len(password) > 72 {
		p.Add("password", "must be 10 to 72 bytes long")
	}
	if len(u.Roles) == 0 {
		p.Add("roles", "at least one role is required")
	}
	for _, r := range u.Roles {
		if !r.Valid() {
			p.Add("roles", "unknown role %q (admin, reception, specialist, reporter)", r)
		}
	}
	if u.AgencyCode == "" && !slices.Contains(u.Roles, RoleAdmin) {
		p.Add("agency_code", "is required for users who are not admin")
	}
	return p.Err()
}

// Has reports whether the user holds role.
func (u *User) Has(role Role) bool { return slices.Contains(u.Roles, role) }
