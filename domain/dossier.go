package domain

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Status is where a dossier stands.
type Status string

// The statuses of a dossier's life.
const (
	StatusReceived           Status = "received"
	StatusProcessing         Status = "processing"
	StatusAwaitingSupplement Status = "awaiting_supplement"
	StatusPaused             Status = "paused"
	StatusResolved           Status = "resolved"
	StatusReturned           Status = "returned"
	StatusWithdrawn          Status = "withdrawn"
)

// OpenStatuses are the statuses of a dossier that is neither resolved nor withdrawn.
var OpenStatuses = []Status{StatusReceived, StatusProcessing, StatusAwaitingSupplement, StatusPaused}

// Open reports whether the dossier is still being processed.
func (s Status) Open() bool {
	return s == StatusReceived || s == StatusProcessing || s == StatusAwaitingSupplement || s == StatusPaused
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s.Open() || s == StatusResolved || s == StatusReturned || s == StatusWithdrawn
}

// Label is the status in Vietnamese, as the citizen sees it.
func (s Status) Label() string {
	switch s {
	case StatusReceived:
		return "Đã tiếp nhận"
	case StatusProcessing:
		return "Đang giải quyết"
	case StatusAwaitingSupplement:
		return "Chờ bổ sung hồ sơ"
	case StatusPaused:
		return "Tạm dừng giải quyết"
	case StatusResolved:
		return "Đã có kết quả"
	case StatusReturned:
		return "Đã trả kết quả"
	case StatusWithdrawn:
		return "Đã rút hồ sơ"
	}
	return string(s)
}

// Action is something staff do to a dossier.
type Action string

// The actions of API.md; ActionIntake and ActionRecompute are recorded by the service itself.
const (
	ActionIntake            Action = "intake"
	ActionStart             Action = "start"
	ActionRequestSupplement Action = "request_supplement"
	ActionSupplement        Action = "supplement"
	ActionPause             Action = "pause"
	ActionResume            Action = "resume"
	ActionResolve           Action = "resolve"
	ActionReturn            Action = "return"
	ActionApologize         Action = "apologize"
	ActionWithdraw          Action = "withdraw"
	ActionRecompute         Action = "recompute_due"
)

// StaffActions are the actions a client may ask for, in the order of API.md's table.
var StaffActions = []Action{ActionStart, ActionRequestSupplement, ActionSupplement, ActionPause,
	ActionResume, ActionResolve, ActionReturn, ActionApologize, ActionWithdraw}

// Roles returns who may take the action: reception handles intake-side actions, specialists processing.
func (a Action) Roles() []Role {
	switch a {
	case ActionReturn, ActionWithdraw:
		return []Role{RoleAdmin, RoleReception, RoleSpecialist}
	case ActionStart, ActionRequestSupplement, ActionSupplement:
		return []Role{RoleAdmin, RoleSpecialist, RoleReception}
	default:
		return []Role{RoleAdmin, RoleSpecialist}
	}
}

// Transition returns the status a dossier in status from reaches by action, or ETRANSITION.
func Transition(from Status, action Action) (Status, error) {
	to, ok := transition(from, action)
	if !ok {
		return "", Errorf(ETRANSITION, "action %s is not allowed on a dossier that is %s", action, from)
	}
	return to, nil
}

func transition(from Status, action Action) (Status, bool) {
	switch action {
	case ActionStart:
		return StatusProcessing, from == StatusReceived
	case ActionRequestSupplement:
		return StatusAwaitingSupplement, from == StatusReceived || from == StatusProcessing
	case ActionSupplement:
		return StatusProcessing, from == StatusAwaitingSupplement
	case ActionPause:
		return StatusPaused, from == StatusProcessing
	case ActionResume:
		return StatusProcessing, from == StatusPaused
	case ActionResolve:
		return StatusResolved, from == StatusReceived || from == StatusProcessing
	case ActionReturn:
		return StatusReturned, from == StatusResolved
	case ActionApologize:
		return from, from.Open()
	case ActionWithdraw:
		return StatusWithdrawn, from.Open()
	}
	return "", false
}

// Channel is how a dossier came in or how its result goes back.
type Channel string

// Channels of intake and return.
const (
	ChannelDirect Channel = "direct"
	ChannelOnline Channel = "online"
	ChannelPostal Channel = "postal"
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return c == ChannelDirect || c == ChannelOnline || c == ChannelPostal }

// Outcome is the result of a resolved dossier.
type Outcome string

// Outcomes of processing: a refusal with reasons is still a resolution.
const (
	OutcomeApproved Outcome = "approved"
	OutcomeRefused  Outcome = "refused"
)

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool { return o == OutcomeApproved || o == OutcomeRefused }

// Applicant is the person or business that filed the dossier: personal data.
type Applicant struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
	Address  string `json:"address"`
}

// Validate normalises the phone number (see NormalizePhone) and checks the applicant;
// EINVALID names each bad field under prefix (e.g. "applicant.").
func (a *Applicant) Validate(prefix string, p *Problems) {
	a.Phone = NormalizePhone(a.Phone)
	CheckText(p, prefix+"name", a.Name, 200, true)
	CheckText(p, prefix+"id_number", a.IDNumber, 20, false)
	CheckText(p, prefix+"email", a.Email, 200, false)
	CheckText(p, prefix+"address", a.Address, 500, false)
	if a.Phone != "" && !phoneRE.MatchString(a.Phone) {
		p.Add(prefix+"phone", "must be 8 to 15 digits (spaces, dots and dashes allowed), optionally starting with +")
	}
	if a.IDNumber != "" && !idNumberRE.MatchString(a.IDNumber) {
		p.Add(prefix+"id_number", "must be 9 to 20 letters or digits")
	}
}

var (
	phoneRE    = regexp.MustCompile(`^\+?[0-9]{8,15}$`)
	idNumberRE = regexp.MustCompile(`^[0-9A-Za-z]{9,20}$`)
)

// CheckText records a problem when s is required and blank, too long, not UTF-8 or holds control characters.
func CheckText(p *Problems, field, s string, max int, required bool) {
	switch {
	case required && strings.TrimSpace(s) == "":
		p.Add(field, "is required")
	case len(s) > max:
		p.Add(field, "is longer than %d bytes", max)
	case !utf8.ValidString(s):
		p.Add(field, "is not valid UTF-8")
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }):
		p.Add(field, "contains control characters")
	}
}

// MaskName masks a person's name for public pages: the family name in full and the
// first letter of every other word, e.g. "Nguyễn Văn An" → "Nguyễn V** A**".
func MaskName(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		if i == 0 {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		words[i] = string(r) + "**"
	}
	return strings.Join(words, " ")
}

// Dossier is one application by one applicant for one procedure.
type Dossier struct {
	ID              int64      `json:"-"`
	Code            string     `json:"code"`
	LookupID        string     `json:"-"`
	AgencyCode      string     `json:"agency_code"`
	AgencyPath      string     `json:"-"`
	AgencyLevel     Level      `json:"agency_level"`
	ProcedureCode   string     `json:"procedure_code"`
	ProcedureName   string     `json:"procedure_name"`
	Field           string     `json:"field"`
	TimeLimit       TimeLimit  `json:"-"`
	Channel         Channel    `json:"channel"`
	ReturnChannel   Channel    `json:"return_channel"`
	Applicant       Applicant  `json:"applicant"`
	Note            string     `json:"note"`
	Digitized       bool       `json:"digitized"`
	ResultDigitized bool       `json:"result_digitized"`
	Status          Status     `json:"status"`
	ReceivedAt      time.Time  `json:"received_at"`    // the legal intake time (for post, the hand-over's)
	HandedOverAt    *time.Time `json:"handed_over_at"` // postal intake: when the hand-over record was signed
	RecordedAt      time.Time  `json:"recorded_at"`    // when staff recorded the intake
	ClockStart      time.Time  `json:"clock_start"`
	TransferDueAt   time.Time  `json:"transfer_due_at"` // when the desk must have passed it on (TransferDue)
	DueAt           time.Time  `json:"due_at"`
	AppointmentAt   time.Time  `json:"appointment_at"`
	ClockStopped    bool       `json:"clock_stopped"`
	LateAt          *time.Time `json:"-"` // when it is (or, running on, will be) late: Judgement.LateAt
	ResolvedAt      *time.Time `json:"resolved_at"`
	Outcome         Outcome    `json:"outcome,omitempty"`
	Timeliness      Timeliness `json:"timeliness,omitempty"`
	ReturnedAt      *time.Time `json:"returned_at"`
	ReturnedChannel Channel    `json:"returned_channel,omitempty"`
	WithdrawnAt     *time.Time `json:"withdrawn_at"`
	ApologizedAt    *time.Time `json:"apologized_at"`
	ApologyLate     bool       `json:"apology_late"`
	Version         int        `json:"version"`
	CreatedAt       time.Time  `json:"-"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// Overdue reports whether an open dossier is late at now: its running clock passed its due
// time (lateness stays, also while the clock stands after that; a dossier stopped before its
// due time is not overdue).
func (d *Dossier) Overdue(now time.Time) bool {
	return d.Status.Open() && d.LateAt != nil && !now.Before(*d.LateAt)
}

// LateSince returns when d became late, if it is late at now (open or not); nil otherwise.
func (d *Dossier) LateSince(now time.Time) *time.Time {
	if d.LateAt == nil || now.Before(*d.LateAt) {
		return nil
	}
	switch {
	case d.ResolvedAt != nil && d.ResolvedAt.Before(*d.LateAt), d.WithdrawnAt != nil && d.WithdrawnAt.Before(*d.LateAt):
		return nil
	}
	return d.LateAt
}

// Event is one entry of a dossier's append-only history.
type Event struct {
	Seq        int            `json:"seq"`
	At         time.Time      `json:"at"`
	Action     Action         `json:"action"`
	FromStatus Status         `json:"from_status"`
	ToStatus   Status         `json:"to_status"`
	Actor      string         `json:"actor"`
	Note       string         `json:"note"`
	Details    map[string]any `json:"details,omitempty"`
}

// codeRE is <agency code>-<YYMMDD>-<NNNN> (TT 01/2018/TT-VPCP art. 19).
var codeRE = regexp.MustCompile(`^([0-9A-Z]+(?:\.[0-9A-Z]+)*)-([0-9]{6})-([0-9]{4,6})$`)

// FormatCode builds a dossier code from the agency code, the local intake date and the day's sequence.
func FormatCode(agencyCode string, day Date, seq int) string {
	return fmt.Sprintf("%s%04d", CodePrefix(agencyCode, day), seq)
}

// CodePrefix is a dossier code up to its number: "<agency>-YYMMDD-".
func CodePrefix(agencyCode string, day Date) string {
	return fmt.Sprintf("%s-%02d%02d%02d-", agencyCode, day.Year%100, int(day.Month), day.Day)
}

// ParseCode splits a dossier code; it returns EINVALID for anything not of the form agency-YYMMDD-NNNN.
func ParseCode(code string) (agencyCode string, day Date, seq int, err error) {
	m := codeRE.FindStringSubmatch(code)
	if m == nil || len(code) > 60 {
		return "", Date{}, 0, Invalid("code", "is not a dossier code (agency-YYMMDD-NNNN)")
	}
	d, err := ParseDate("20" + m[2][:2] + "-" + m[2][2:4] + "-" + m[2][4:])
	if err != nil {
		return "", Date{}, 0, Invalid("code", "holds an impossible date")
	}
	seq, _ = strconv.Atoi(m[3])
	if seq == 0 {
		return "", Date{}, 0, Invalid("code", "sequence starts at 0001")
	}
	return m[1], d, seq, nil
}

// Localize expresses every time of d in Vietnam's zone, as answers show them.
func (d *Dossier) Localize() {
	for _, t := range []*time.Time{&d.ReceivedAt, &d.RecordedAt, &d.ClockStart, &d.TransferDueAt, &d.DueAt, &d.AppointmentAt,
		&d.CreatedAt, &d.UpdatedAt} {
		*t = t.In(Location)
	}
	for _, t := range []**time.Time{&d.HandedOverAt, &d.LateAt, &d.ResolvedAt, &d.ReturnedAt, &d.WithdrawnAt, &d.ApologizedAt} {
		if *t != nil {
			v := (*t).In(Location)
			*t = &v
		}
	}
}
