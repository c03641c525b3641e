package domain

import (
	"regexp"
	"time"
)

// Level is an agency's level of government.
type Level string

// Levels of government. Since 2025-07-01 there is no district level, but history may hold it.
const (
	LevelProvince Level = "province"
	LevelDistrict Level = "district"
	LevelCommune  Level = "commune"
)

// Levels lists the known levels from the top down.
var Levels = []Level{LevelProvince, LevelDistrict, LevelCommune}

// Valid reports whether l is a known level.
func (l Level) Valid() bool {
	return l == LevelProvince || l == LevelDistrict || l == LevelCommune
}

// Label is the level's Vietnamese name.
func (l Level) Label() string {
	switch l {
	case LevelProvince:
		return "Cấp tỉnh"
	case LevelDistrict:
		return "Cấp huyện"
	case LevelCommune:
		return "Cấp xã"
	}
	return string(l)
}

// Agency is a receiving or resolving unit. Agencies form a tree; Path is
// "/<root code>/.../<code>/" so that a subtree is every path with a given prefix.
type Agency struct {
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Level      Level     `json:"level"`
	ParentCode string    `json:"parent_code,omitempty"`
	Path       string    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
}

var agencyCodeRE = regexp.MustCompile(`^[0-9A-Z]+(\.[0-9A-Z]+)*$`)

// ValidAgencyCode reports whether s is an agency code: digits and capital letters in dot-separated groups.
func ValidAgencyCode(s string) bool {
	return len(s) <= 40 && agencyCodeRE.MatchString(s)
}

// Validate checks an agency before it is created; EINVALID names each bad field.
func (a *Agency) Validate() error {
	var p Problems
	if !ValidAgencyCode(a.Code) {
		p.Add("code", "must be digits and capital letters separated by dots, e.g. 000.00.00.H30")
	}
	CheckText(&p, "name", a.Name, 300, true)
	if !a.Level.Valid() {
		p.Add("level", "must be province, district or commune")
	}
	if a.ParentCode != "" && !ValidAgencyCode(a.ParentCode) {
		p.Add("parent_code", "is not an agency code")
	}
	return p.Err()
}

// ChildPath returns the path of an agency with code under a parent with path parentPath ("" for a root).
func ChildPath(parentPath, code string) string {
	if parentPath == "" {
		return "/" + code + "/"
	}
	return parentPath + code + "/"
}
