package domain

import "time"

// OnlineLevel is the online public service a procedure is eligible for or provides (NĐ 42/2022).
type OnlineLevel string

// Online service levels: "partial" was formerly level 3, "full" level 4.
const (
	OnlineNone    OnlineLevel = "none"
	OnlinePartial OnlineLevel = "partial"
	OnlineFull    OnlineLevel = "full"
)

// Valid reports whether o is a known level.
func (o OnlineLevel) Valid() bool { return o == OnlineNone || o == OnlinePartial || o == OnlineFull }

// Procedure is one dated version of an administrative procedure in the catalogue.
type Procedure struct {
	Code                  string      `json:"code"`
	Name                  string      `json:"name"`
	Field                 string      `json:"field"`
	Level                 Level       `json:"level"`
	TimeLimitDays         *int        `json:"time_limit_days,omitempty"`
	TimeLimitHours        *int        `json:"time_limit_hours,omitempty"`
	OnlineEligible        OnlineLevel `json:"online_eligible"`
	OnlineProvided        OnlineLevel `json:"online_provided"`
	NationalPortal        bool        `json:"national_portal"`
	Fee                   bool        `json:"fee"`
	OnlinePayment         bool        `json:"online_payment"`
	Postal                bool        `json:"postal"`
	InterlinkedSameLevel  bool        `json:"interlinked_same_level"`
	InterlinkedCrossLevel bool        `json:"interlinked_cross_level"`
	PublishedOn           Date        `json:"published_on"`
	RepealedOn            *Date       `json:"repealed_on"`
	EffectiveOn           Date        `json:"effective_on"`
	CreatedAt             time.Time   `json:"-"`
}

// Limit returns the procedure's time limit.
func (p *Procedure) Limit() TimeLimit {
	var l TimeLimit
	if p.TimeLimitDays != nil {
		l.Days = *p.TimeLimitDays
	}
	if p.TimeLimitHours != nil {
		l.Hours = *p.TimeLimitHours
	}
	return l
}

// InForce reports whether the procedure applies on day d: published on or before it, not yet repealed.
func (p *Procedure) InForce(d Date) bool {
	return !p.PublishedOn.After(d) && (p.RepealedOn == nil || d.Before(*p.RepealedOn))
}

// Validate checks a procedure version; EINVALID names each bad field.
func (p *Procedure) Validate() error {
	var pr Problems
	if len(p.Code) == 0 || len(p.Code) > 60 || !ValidAgencyCode(p.Code) {
		pr.Add("code", "must be digits and capital letters separated by dots, e.g. 1.011442.000.00.00.H38")
	}
	CheckText(&pr, "name", p.Name, 1000, true)
	CheckText(&pr, "field", p.Field, 200, true)
	if !p.Level.Valid() {
		pr.Add("level", "must be province, district or commune")
	}
	switch {
	case p.TimeLimitDays == nil && p.TimeLimitHours == nil:
		pr.Add("time_limit_days", "time_limit_days or time_limit_hours is required")
	case p.TimeLimitDays != nil && p.TimeLimitHours != nil:
		pr.Add("time_limit_hours", "give time_limit_days or time_limit_hours, not both")
	case p.TimeLimitDays != nil && (*p.TimeLimitDays < 0 || *p.TimeLimitDays > 365):
		pr.Add("time_limit_days", "must be 0 to 365")
	case p.TimeLimitHours != nil && (*p.TimeLimitHours < 0 || *p.TimeLimitHours > 2000):
		pr.Add("time_limit_hours", "must be 0 to 2000")
	}
	if !p.OnlineEligible.Valid() {
		pr.Add("online_eligible", "must be none, partial or full")
	}
	if !p.OnlineProvided.Valid() {
		pr.Add("online_provided", "must be none, partial or full")
	}
	if p.OnlinePayment && !p.Fee {
		pr.Add("online_payment", "needs fee")
	}
	if p.PublishedOn.IsZero() {
		pr.Add("published_on", "is required")
	}
	if p.RepealedOn != nil && !p.PublishedOn.IsZero() && !p.RepealedOn.After(p.PublishedOn) {
		pr.Add("repealed_on", "must be after published_on")
	}
	return pr.Err()
}
