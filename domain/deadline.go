package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Largest time limits accepted by TimeLimit.Validate; TimeLimit.Duration clamps to them.
const (
	MaxLimitDays  = 3650
	MaxLimitHours = 8 * MaxLimitDays
)

// TimeLimit is a procedure's time limit in working days or working hours (at most one of them
// non-zero). Both zero means immediate: due at the closing time of the working day on which
// the clock starts.
type TimeLimit struct {
	Days  int `json:"days"`
	Hours int `json:"hours"`
}

// Validate returns EINVALID (fields "time_limit_days", "time_limit_hours") for a negative or
// too large limit, or one that gives both days and hours.
func (l TimeLimit) Validate() error {
	var p Problems
	if l.Days < 0 || l.Days > MaxLimitDays {
		p.Add("time_limit_days", "must be between 0 and %d", MaxLimitDays)
	}
	if l.Hours < 0 || l.Hours > MaxLimitHours {
		p.Add("time_limit_hours", "must be between 0 and %d", MaxLimitHours)
	}
	if l.Days != 0 && l.Hours != 0 {
		p.Add("time_limit_hours", "give the limit in days or in hours, not both")
	}
	return p.Err()
}

// clamped returns the limit with each part forced into its valid range.
func (l TimeLimit) clamped() TimeLimit {
	return TimeLimit{max(0, min(l.Days, MaxLimitDays)), max(0, min(l.Hours, MaxLimitHours))}
}

// Immediate reports whether the limit is 0: due the same working day at closing time.
func (l TimeLimit) Immediate() bool { l = l.clamped(); return l.Days == 0 && l.Hours == 0 }

// Duration returns the working time the limit grants: Days × h.PerDay() + Hours hours
// (0 for an immediate limit), each part clamped to 0..MaxLimitDays/MaxLimitHours.
func (l TimeLimit) Duration(h WorkHours) time.Duration {
	l = l.clamped()
	return time.Duration(l.Days)*h.PerDay() + time.Duration(l.Hours)*time.Hour
}

// String returns the limit in Vietnamese: "3 ngày làm việc", "4 giờ làm việc", "Trong ngày".
func (l TimeLimit) String() string {
	switch {
	case l.Days != 0 && l.Hours != 0:
		return fmt.Sprintf("%d ngày %d giờ làm việc", l.Days, l.Hours)
	case l.Days != 0:
		return fmt.Sprintf("%d ngày làm việc", l.Days)
	case l.Hours != 0:
		return fmt.Sprintf("%d giờ làm việc", l.Hours)
	}
	return "Trong ngày"
}

// ClockKind is an event that stops or starts a dossier's clock.
type ClockKind string

// Clock events: a supplement requested and received, a pause and its resumption.
const (
	ClockSupplementRequested ClockKind = "supplement_requested"
	ClockSupplementReceived  ClockKind = "supplement_received"
	ClockPaused              ClockKind = "paused"
	ClockResumed             ClockKind = "resumed"
)

// Valid reports whether k is a known clock event.
func (k ClockKind) Valid() bool {
	switch k {
	case ClockSupplementRequested, ClockSupplementReceived, ClockPaused, ClockResumed:
		return true
	}
	return false
}

// stops reports whether k stops the clock.
func (k ClockKind) stops() bool { return k == ClockSupplementRequested || k == ClockPaused }

// ClockEvent is one stop or start of the clock.
type ClockEvent struct {
	At   time.Time `json:"at"`
	Kind ClockKind `json:"kind"`
}

// SupplementClock says what a complete supplement does to the clock.
type SupplementClock string

// SupplementRestart counts the full limit again from the supplement (NĐ 61/2018 art. 19.4);
// SupplementPause lets a supplement request act as a pause.
const (
	SupplementRestart SupplementClock = "restart"
	SupplementPause   SupplementClock = "pause"
)

// ParseSupplementClock parses "restart" or "pause" ("" is restart); EINVALID otherwise.
func ParseSupplementClock(s string) (SupplementClock, error) {
	switch SupplementClock(strings.TrimSpace(s)) {
	case "", SupplementRestart:
		return SupplementRestart, nil
	case SupplementPause:
		return SupplementPause, nil
	}
	return "", Invalid("supplement_clock", fmt.Sprintf("%q: want restart or pause", s))
}

// Reasons a day is skipped by the clock.
const (
	SkipWeekend = "weekend"
	SkipHoliday = "holiday"
)

// SkippedDay is a day the clock did not count, and why ("weekend" or "holiday").
type SkippedDay struct {
	Date   Date   `json:"date"`
	Reason string `json:"reason"`
}

// DeadlineYear is a year a deadline counts through and the calendar it counts it with:
// Source is announced, statutory (Provisional) or custom, or "" for weekends only.
type DeadlineYear struct {
	Year        int          `json:"year"`
	Source      CalendarKind `json:"source"`
	Provisional bool         `json:"provisional"`
}

// ClockStop is a time the clock stood still: From the stopping event, To the event that
// started it again (nil while stopped). WorkingTimeAdded is how far the stop pushed the due
// time (0 for a supplement that restarts the limit, or a stop after the due time).
type ClockStop struct {
	From             time.Time     `json:"from"`
	To               *time.Time    `json:"to"`
	Kind             ClockKind     `json:"kind"`
	WorkingTimeAdded time.Duration `json:"-"`
}

// Deadline is how a dossier's due time was reached, as GET /dossiers/{code}/deadline shows it.
// WorkingTime is what the limit grants from the clock start (for an immediate limit, the
// working time left that day). While Stopped, Due is the due time as it stood when the clock
// stopped and Remaining the working time then left. SkippedDays and ExtraWorkdays cover the
// days from the clock start to Due; MissingYears are the years from intake to Due (or the last
// event) without a loaded calendar, counted with weekends off only (never with the
// service's own calendar, which computes such years from the law); CalendarYears says, for
// each of those years, which calendar counted it. LateSince is when the
// running clock passed the due time before the last clock event (lateness is a fact that
// stays: nil when it did not); see LateAt for lateness at a given moment. Durations appear in
// JSON as whole minutes (*_minutes).
type Deadline struct {
	ReceivedAt    time.Time      `json:"received_at"`
	ClockStart    time.Time      `json:"clock_start"`
	Limit         TimeLimit      `json:"limit"`
	LimitText     string         `json:"limit_text"`
	WorkingTime   time.Duration  `json:"-"`
	Due           time.Time      `json:"due_at"`
	Stopped       bool           `json:"stopped"`
	Remaining     time.Duration  `json:"-"`
	SkippedDays   []SkippedDay   `json:"skipped_days"`
	ExtraWorkdays []Date         `json:"extra_workdays"`
	Stops         []ClockStop    `json:"stops"`
	Restarts      []time.Time    `json:"restarts"`
	MissingYears  []int          `json:"missing_years"`
	CalendarYears []DeadlineYear `json:"calendar_years"`
	LateSince     *time.Time     `json:"late_since"`
	TransferDue   time.Time      `json:"transfer_due_at"`
	TransferredAt *time.Time     `json:"transferred_at"`
	Steps         []string       `json:"steps"`
}

// MarshalJSON writes WorkingTimeAdded as working_time_added_minutes.
func (s ClockStop) MarshalJSON() ([]byte, error) {
	type plain ClockStop
	return json.Marshal(struct {
		plain
		Added int64 `json:"working_time_added_minutes"`
	}{plain(s), int64(s.WorkingTimeAdded / time.Minute)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *ClockStop) UnmarshalJSON(b []byte) error {
	type plain ClockStop
	v := struct {
		*plain
		Added int64 `json:"working_time_added_minutes"`
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	s.WorkingTimeAdded = time.Duration(v.Added) * time.Minute
	return nil
}

// MarshalJSON writes WorkingTime and Remaining as working_time_minutes and remaining_minutes.
func (d Deadline) MarshalJSON() ([]byte, error) {
	type plain Deadline
	return json.Marshal(struct {
		plain
		WorkingTime int64 `json:"working_time_minutes"`
		Remaining   int64 `json:"remaining_minutes"`
	}{plain(d), int64(d.WorkingTime / time.Minute), int64(d.Remaining / time.Minute)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (d *Deadline) UnmarshalJSON(b []byte) error {
	type plain Deadline
	v := struct {
		*plain
		WorkingTime int64 `json:"working_time_minutes"`
		Remaining   int64 `json:"remaining_minutes"`
	}{plain: (*plain)(d)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	d.WorkingTime = time.Duration(v.WorkingTime) * time.Minute
	d.Remaining = time.Duration(v.Remaining) * time.Minute
	return nil
}

// dlWeekdays are the Vietnamese day names, Sunday first.
var dlWeekdays = [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

// dlMoment formats t as "10:00 Thứ Năm, 18/01/2024".
func dlMoment(t time.Time) string {
	t = t.In(Location)
	return fmt.Sprintf("%s %s, %s", t.Format("15:04"), dlWeekdays[t.Weekday()], t.Format("02/01/2006"))
}

// dlDates formats dates as "08/02/2024, 09/02/2024".
func dlDates(ds []Date) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
	}
	return strings.Join(parts, ", ")
}

// dlWork formats a working time as "8 giờ", "2 giờ 30 phút", "45 phút".
func dlWork(d time.Duration) string {
	m := int64(d / time.Minute)
	h, m := m/60, m%60
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%d giờ %d phút", h, m)
	case h > 0:
		return fmt.Sprintf("%d giờ", h)
	}
	return fmt.Sprintf("%d phút", m)
}

// Timeliness is how a resolved dossier stands against its due time.
type Timeliness string

// Timeliness values: early (trước hạn), on time (đúng hạn), late (trễ hạn).
const (
	TimelinessEarly  Timeliness = "early"
	TimelinessOnTime Timeliness = "on_time"
	TimelinessLate   Timeliness = "late"
)

// TimelinessOf classifies a resolution: late from LateFrom(due) on (after the minute of the
// due time); early on a calendar day (in Vietnam) before the due day; otherwise on time.
func TimelinessOf(due, resolvedAt time.Time) Timeliness {
	switch {
	case !resolvedAt.Before(LateFrom(due)):
		return TimelinessLate
	case DateOf(resolvedAt).Before(DateOf(due)):
		return TimelinessEarly
	}
	return TimelinessOnTime
}

// ApologyLate reports whether an apology letter came too late: after the moment one working
// day (WorkHours().PerDay() of working time) before due, i.e. with less than a working day
// left (NĐ 61/2018 art. 19.9).
func ApologyLate(c *Calendar, due, apologizedAt time.Time) bool {
	c = c.or()
	return apologizedAt.After(c.SubtractWorkingTime(due, c.perDay))
}
