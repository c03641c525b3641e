package domain

import (
	"encoding/json"
	"fmt"
	"slices"
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
// event) without a loaded calendar, counted with weekends off only. Durations appear in JSON
// as whole minutes (*_minutes).
type Deadline struct {
	ReceivedAt    time.Time     `json:"received_at"`
	ClockStart    time.Time     `json:"clock_start"`
	Limit         TimeLimit     `json:"limit"`
	LimitText     string        `json:"limit_text"`
	WorkingTime   time.Duration `json:"-"`
	Due           time.Time     `json:"due_at"`
	Stopped       bool          `json:"stopped"`
	Remaining     time.Duration `json:"-"`
	SkippedDays   []SkippedDay  `json:"skipped_days"`
	ExtraWorkdays []Date        `json:"extra_workdays"`
	Stops         []ClockStop   `json:"stops"`
	Restarts      []time.Time   `json:"restarts"`
	MissingYears  []int         `json:"missing_years"`
	Steps         []string      `json:"steps"`
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

// dlMaxYears bounds the MissingYears scan.
const dlMaxYears = 200

// ComputeDeadline computes a dossier's due time from its intake time, time limit and clock
// events, and explains it. The clock starts at NextWorkingMoment(receivedAt). A stop
// (supplement_requested, paused) freezes the remaining working time and the due time as it
// stood; a start (supplement_received, resumed) continues from the next working moment, the
// due time moving by the working time stopped — except that in SupplementRestart mode a
// supplement_received after a supplement_requested counts the full limit again. Events are
// taken in time order; one before receivedAt counts as at receivedAt; a stop while stopped or
// a start while running is ignored, as are unknown kinds. A nil calendar is the default one.
// Times are returned in Location.
func ComputeDeadline(c *Calendar, receivedAt time.Time, limit TimeLimit, events []ClockEvent, mode SupplementClock) Deadline {
	c = c.or()
	if mode != SupplementPause {
		mode = SupplementRestart
	}
	received := receivedAt.In(Location)
	start := c.NextWorkingMoment(received)
	budget := func(from time.Time) time.Duration {
		if limit.Immediate() {
			return c.WorkingTimeBetween(from, c.EndOfWorkingDay(from))
		}
		return limit.Duration(c.hours)
	}
	dl := Deadline{
		ReceivedAt: received, ClockStart: start, Limit: limit, LimitText: limit.clamped().String(),
		SkippedDays: []SkippedDay{}, ExtraWorkdays: []Date{}, Stops: []ClockStop{},
		Restarts: []time.Time{}, MissingYears: []int{},
	}
	dl.WorkingTime = budget(start)
	due := c.AddWorkingTime(start, dl.WorkingTime)

	steps := []string{"Tiếp nhận hồ sơ lúc " + dlMoment(received) + "."}
	if start.Equal(received) {
		steps = append(steps, "Bắt đầu tính thời hạn ngay khi tiếp nhận.")
	} else {
		steps = append(steps, "Tiếp nhận ngoài giờ làm việc: bắt đầu tính thời hạn từ "+dlMoment(start)+".")
	}
	switch l := limit.clamped(); {
	case l.Days == 0 && l.Hours == 0:
		steps = append(steps, "Thời hạn giải quyết: trong ngày, đến hết giờ làm việc của ngày bắt đầu tính.")
	case l.Days != 0:
		steps = append(steps, fmt.Sprintf("Thời hạn giải quyết: %s, mỗi ngày %s làm việc, tổng cộng %s làm việc.",
			dl.LimitText, dlWork(c.perDay), dlWork(dl.WorkingTime)))
	default:
		steps = append(steps, fmt.Sprintf("Thời hạn giải quyết: %s.", dl.LimitText))
	}

	evs := slices.Clone(events)
	slices.SortStableFunc(evs, func(a, b ClockEvent) int { return a.At.Compare(b.At) })
	runFrom, remaining, running := start, dl.WorkingTime, true
	var stopKind ClockKind
	var stopAt time.Time
	last := due
	for _, ev := range evs {
		if !ev.Kind.Valid() {
			continue
		}
		at := ev.At.In(Location)
		if at.Before(received) {
			at = received
		}
		if ev.Kind.stops() {
			if !running {
				continue
			}
			remaining -= max(0, c.WorkingTimeBetween(runFrom, at))
			remaining = max(0, remaining)
			running, stopKind, stopAt = false, ev.Kind, at
			dl.Stops = append(dl.Stops, ClockStop{From: at, Kind: ev.Kind})
			what := "Tạm dừng giải quyết"
			if ev.Kind == ClockSupplementRequested {
				what = "Yêu cầu bổ sung hồ sơ"
			}
			if remaining > 0 {
				steps = append(steps, fmt.Sprintf("%s lúc %s: dừng tính thời hạn, còn lại %s làm việc.", what, dlMoment(at), dlWork(remaining)))
			} else {
				steps = append(steps, fmt.Sprintf("%s lúc %s: dừng tính thời hạn, khi đó đã hết thời hạn.", what, dlMoment(at)))
			}
		} else {
			if running {
				continue
			}
			resume := c.NextWorkingMoment(at)
			stop := &dl.Stops[len(dl.Stops)-1]
			to := at
			stop.To = &to
			what := "Tiếp tục giải quyết"
			if ev.Kind == ClockSupplementReceived {
				what = "Nhận đủ hồ sơ bổ sung"
			}
			switch {
			case mode == SupplementRestart && stopKind == ClockSupplementRequested && ev.Kind == ClockSupplementReceived:
				remaining = budget(resume)
				due = c.AddWorkingTime(resume, remaining)
				dl.Restarts = append(dl.Restarts, resume)
				steps = append(steps, fmt.Sprintf("%s lúc %s: tính lại thời hạn từ đầu, từ %s.", what, dlMoment(at), dlMoment(resume)))
			case remaining > 0:
				stop.WorkingTimeAdded = max(0, c.WorkingTimeBetween(dlLater(stopAt, runFrom), at))
				due = c.AddWorkingTime(resume, remaining)
				steps = append(steps, fmt.Sprintf("%s lúc %s: tính tiếp thời hạn từ %s, hạn lùi thêm %s làm việc.", what, dlMoment(at), dlMoment(resume), dlWork(stop.WorkingTimeAdded)))
			default:
				steps = append(steps, fmt.Sprintf("%s lúc %s: thời hạn đã hết trước khi dừng nên không thay đổi.", what, dlMoment(at)))
			}
			runFrom, running = resume, true
		}
		last = dlLater(last, at)
	}
	dl.Due = due
	dl.Stopped = !running
	if !running {
		dl.Remaining = remaining
	}
	last = dlLater(last, due)

	// The days the clock did not count, and the compensatory working days it did.
	var weekends, holidays []Date
	first, end := DateOf(start), DateOf(due)
	for i, d := 0, first; i < calMaxWalkDays && !d.After(end); i, d = i+1, d.AddDays(1) {
		switch {
		case c.extras[d]:
			dl.ExtraWorkdays = append(dl.ExtraWorkdays, d)
		case c.isHoliday(d):
			dl.SkippedDays = append(dl.SkippedDays, SkippedDay{d, SkipHoliday})
			holidays = append(holidays, d)
		case !c.IsWorkday(d):
			dl.SkippedDays = append(dl.SkippedDays, SkippedDay{d, SkipWeekend})
			weekends = append(weekends, d)
		}
	}
	if len(weekends) > 0 {
		steps = append(steps, fmt.Sprintf("Không tính %d ngày nghỉ cuối tuần.", len(weekends)))
	}
	if len(holidays) > 0 {
		steps = append(steps, fmt.Sprintf("Không tính %d ngày nghỉ lễ, Tết: %s.", len(holidays), dlDates(holidays)))
	}
	if len(dl.ExtraWorkdays) > 0 {
		steps = append(steps, fmt.Sprintf("Tính cả ngày làm bù: %s.", dlDates(dl.ExtraWorkdays)))
	}
	for y, i := DateOf(received).Year, 0; y <= DateOf(last).Year && i < dlMaxYears; y, i = y+1, i+1 {
		if !c.HasYear(y) {
			dl.MissingYears = append(dl.MissingYears, y)
			steps = append(steps, fmt.Sprintf("Chưa có lịch nghỉ lễ năm %d: chỉ trừ thứ Bảy, Chủ nhật.", y))
		}
	}
	if dl.Stopped {
		steps = append(steps, fmt.Sprintf("Đang dừng tính thời hạn, còn lại %s làm việc; hạn trước khi dừng là %s.", dlWork(dl.Remaining), dlMoment(due)))
	} else {
		steps = append(steps, "Hạn trả kết quả: "+dlMoment(due)+".")
	}
	dl.Steps = steps
	return dl
}

// dlLater returns the later of a and b.
func dlLater(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
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

// TimelinessOf classifies a resolution: late after the due time; early on a calendar day
// (in Vietnam) before the due day; otherwise on time (the due day, not after the due time).
func TimelinessOf(due, resolvedAt time.Time) Timeliness {
	switch {
	case resolvedAt.After(due):
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
