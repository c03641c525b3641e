package domain_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"motcua/domain"
)

// ev builds a clock event at a local "YYYY-MM-DD HH:MM".
func calEvent(tb testing.TB, at string, kind domain.ClockKind) domain.ClockEvent {
	tb.Helper()
	return domain.ClockEvent{At: calTime(tb, at), Kind: kind}
}

func TestComputeDeadline(t *testing.T) {
	c := MustCalendar2024(t)
	days := func(n int) domain.TimeLimit { return domain.TimeLimit{Days: n} }
	tests := []struct {
		name        string
		received    string
		limit       domain.TimeLimit
		events      []domain.ClockEvent
		mode        domain.SupplementClock
		wantStart   string
		wantDue     string
		wantStop    bool
		wantRemain  time.Duration
		wantAdded   []time.Duration // WorkingTimeAdded of each stop
		wantRestart []string
	}{
		{name: "3 days from Monday 10:00", received: "2024-01-15 10:00", limit: days(3),
			wantStart: "2024-01-15 10:00", wantDue: "2024-01-18 10:00"},
		{name: "intake at lunch", received: "2024-01-15 12:15", limit: days(1),
			wantStart: "2024-01-15 13:00", wantDue: "2024-01-16 11:00"}, // lands on the end of the morning
		{name: "1 day from 14:00", received: "2024-01-15 14:00", limit: days(1),
			wantStart: "2024-01-15 14:00", wantDue: "2024-01-16 14:00"},
		{name: "Saturday night online", received: "2024-01-20 21:30", limit: days(2),
			wantStart: "2024-01-22 07:00", wantDue: "2024-01-23 17:00"},
		{name: "across Tết 2024", received: "2024-02-07 10:00", limit: days(3),
			wantStart: "2024-02-07 10:00", wantDue: "2024-02-19 10:00"},
		{name: "across 30/4–1/5 with the make-up Saturday", received: "2024-04-26 10:00", limit: days(3),
			wantStart: "2024-04-26 10:00", wantDue: "2024-05-04 10:00"},
		{name: "4 hours", received: "2024-01-15 15:00", limit: domain.TimeLimit{Hours: 4},
			wantStart: "2024-01-15 15:00", wantDue: "2024-01-16 09:00"},
		{name: "8 hours from opening ends at closing", received: "2024-01-15 07:00", limit: domain.TimeLimit{Hours: 8},
			wantStart: "2024-01-15 07:00", wantDue: "2024-01-15 17:00"},
		{name: "immediate", received: "2024-01-15 10:00", limit: days(0),
			wantStart: "2024-01-15 10:00", wantDue: "2024-01-15 17:00"},
		{name: "immediate after closing", received: "2024-01-15 18:00", limit: days(0),
			wantStart: "2024-01-16 07:00", wantDue: "2024-01-16 17:00"},
		{name: "immediate on Friday evening", received: "2024-01-19 17:00", limit: days(0),
			wantStart: "2024-01-22 07:00", wantDue: "2024-01-22 17:00"},
		{name: "negative limit is immediate", received: "2024-01-15 10:00", limit: days(-2),
			wantStart: "2024-01-15 10:00", wantDue: "2024-01-15 17:00"},
		{name: "pause spanning a weekend", received: "2024-01-18 10:00", limit: days(3),
			events:    []domain.ClockEvent{calEvent(t, "2024-01-19 14:00", domain.ClockPaused), calEvent(t, "2024-01-22 09:00", domain.ClockResumed)},
			wantStart: "2024-01-18 10:00", wantDue: "2024-01-23 17:00", wantAdded: []time.Duration{5 * time.Hour}},
		{name: "still paused", received: "2024-01-18 10:00", limit: days(3),
			events:    []domain.ClockEvent{calEvent(t, "2024-01-19 14:00", domain.ClockPaused)},
			wantStart: "2024-01-18 10:00", wantDue: "2024-01-23 10:00", wantStop: true, wantRemain: 14 * time.Hour, wantAdded: []time.Duration{0}},
		{name: "supplement restarts the limit", received: "2024-01-15 10:00", limit: days(3),
			events: []domain.ClockEvent{
				calEvent(t, "2024-01-16 09:00", domain.ClockSupplementRequested),
				calEvent(t, "2024-01-22 15:00", domain.ClockSupplementReceived)},
			wantStart: "2024-01-15 10:00", wantDue: "2024-01-25 15:00", wantAdded: []time.Duration{0},
			wantRestart: []string{"2024-01-22 15:00"}},
		{name: "supplement received on a Saturday restarts on Monday", received: "2024-01-15 10:00", limit: days(1),
			events: []domain.ClockEvent{
				calEvent(t, "2024-01-16 09:00", domain.ClockSupplementRequested),
				calEvent(t, "2024-01-20 10:00", domain.ClockSupplementReceived)},
			wantStart: "2024-01-15 10:00", wantDue: "2024-01-22 17:00", wantAdded: []time.Duration{0},
			wantRestart: []string{"2024-01-22 07:00"}},
		{name: "supplement restarts an immediate limit", received: "2024-01-15 10:00", limit: days(0),
			events: []domain.ClockEvent{
				calEvent(t, "2024-01-15 11:00", domain.ClockSupplementRequested),
				calEvent(t, "2024-01-17 14:00", domain.ClockSupplementReceived)},
			wantStart: "2024-01-15 10:00", wantDue: "2024-01-17 17:00", wantAdded: []time.Duration{0},
			wantRestart: []string{"2024-01-17 14:00"}},
		{name: "supplement in pause mode", received: "2024-01-15 10:00", limit: days(3), mode: domain.SupplementPause,
			events: []domain.ClockEvent{
				calEvent(t, "2024-01-16 09:00", domain.ClockSupplementRequested),
				calEvent(t, "2024-01-22 15:00", domain.ClockSupplementReceived)},
			wantStart: "2024-01-15 10:00", wantDue: "2024-01-24 16:00", wantAdded: []time.Duration{36 * time.Hour}},
		{name: "awaiting supplement", received: "2024-01-15 10:00", limit: days(3),
			events:    []domain.ClockEvent{calEvent(t, "2024-01-16 09:00", domain.ClockSupplementRequested)},
			wantStart: "2024-01-15 10:00", wantDue: "2024-01-18 10:00", wantStop: true, wantRemain: 17 * time.Hour, wantAdded: []time.Duration{0}},
		{name: "a pause after the due time changes nothing", received: "2024-01-15 10:00", limit: days(1),
			events:    []domain.ClockEvent{calEvent(t, "2024-01-17 10:00", domain.ClockPaused), calEvent(t, "2024-01-18 10:00", domain.ClockResumed)},
			wantStart: "2024-01-15 10:00", wantDue: "2024-01-16 10:00", wantAdded: []time.Duration{0}},
		{name: "a pause exactly at the due time changes nothing", received: "2024-01-15 10:00", limit: days(1),
			events:    []domain.ClockEvent{calEvent(t, "2024-01-16 10:00", domain.ClockPaused), calEvent(t, "2024-01-18 10:00", domain.ClockResumed)},
			wantStart: "2024-01-15 10:00", wantDue: "2024-01-16 10:00", wantAdded: []time.Duration{0}},
		{name: "two pauses", received: "2024-01-15 10:00", limit: days(3),
			events: []domain.ClockEvent{
				calEvent(t, "2024-01-15 13:00", domain.ClockPaused), calEvent(t, "2024-01-15 15:00", domain.ClockResumed),
				calEvent(t, "2024-01-16 07:00", domain.ClockPaused), calEvent(t, "2024-01-16 11:00", domain.ClockResumed)},
			wantStart: "2024-01-15 10:00", wantDue: "2024-01-19 08:00", wantAdded: []time.Duration{2 * time.Hour, 4 * time.Hour}},
		{name: "events out of order, a repeated stop, an unknown kind", received: "2024-01-18 10:00", limit: days(3),
			events: []domain.ClockEvent{
				calEvent(t, "2024-01-22 09:00", domain.ClockResumed),
				calEvent(t, "2024-01-19 14:00", domain.ClockPaused),
				calEvent(t, "2024-01-19 15:00", domain.ClockPaused),
				calEvent(t, "2024-01-19 16:00", "withdrawn"),
				calEvent(t, "2024-01-23 08:00", domain.ClockResumed)},
			wantStart: "2024-01-18 10:00", wantDue: "2024-01-23 17:00", wantAdded: []time.Duration{5 * time.Hour}},
		{name: "an event before intake counts at intake", received: "2024-01-20 21:30", limit: days(1),
			events:    []domain.ClockEvent{calEvent(t, "2024-01-01 00:00", domain.ClockPaused), calEvent(t, "2024-01-22 09:00", domain.ClockResumed)},
			wantStart: "2024-01-22 07:00", wantDue: "2024-01-23 09:00", wantAdded: []time.Duration{2 * time.Hour}},
		{name: "a resume on a holiday continues after it", received: "2024-02-06 10:00", limit: days(2),
			events:    []domain.ClockEvent{calEvent(t, "2024-02-06 11:00", domain.ClockPaused), calEvent(t, "2024-02-10 09:00", domain.ClockResumed)},
			wantStart: "2024-02-06 10:00", wantDue: "2024-02-16 16:00", wantAdded: []time.Duration{12 * time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := domain.ComputeDeadline(c, calTime(t, tt.received), tt.limit, tt.events, tt.mode)
			if want := calTime(t, tt.wantStart); !got.ClockStart.Equal(want) {
				t.Errorf("ClockStart: got %v, want %v", got.ClockStart, want)
			}
			if want := calTime(t, tt.wantDue); !got.Due.Equal(want) {
				t.Errorf("Due: got %v, want %v", got.Due, want)
			}
			if got.Due.Location() != domain.Location || got.ClockStart.Location() != domain.Location {
				t.Errorf("times not in Vietnam: %v %v", got.Due, got.ClockStart)
			}
			if got.Stopped != tt.wantStop || got.Remaining != tt.wantRemain {
				t.Errorf("Stopped, Remaining: got %v %v, want %v %v", got.Stopped, got.Remaining, tt.wantStop, tt.wantRemain)
			}
			var added []time.Duration
			for _, s := range got.Stops {
				added = append(added, s.WorkingTimeAdded)
			}
			if fmt.Sprint(added) != fmt.Sprint(tt.wantAdded) {
				t.Errorf("stops added: got %v, want %v", added, tt.wantAdded)
			}
			var restarts []string
			for _, r := range got.Restarts {
				restarts = append(restarts, r.Format("2006-01-02 15:04"))
			}
			if fmt.Sprint(restarts) != fmt.Sprint(tt.wantRestart) {
				t.Errorf("Restarts: got %v, want %v", restarts, tt.wantRestart)
			}
			if len(got.MissingYears) != 0 {
				t.Errorf("MissingYears: got %v, want none", got.MissingYears)
			}
			if len(got.Steps) == 0 {
				t.Error("no steps")
			}
		})
	}
}

func TestComputeDeadline_Explains(t *testing.T) {
	c := MustCalendar2024(t)
	t.Run("Tết", func(t *testing.T) {
		got := domain.ComputeDeadline(c, calTime(t, "2024-02-07 10:00"), domain.TimeLimit{Days: 3}, nil, "")
		want := "[{2024-02-08 holiday} {2024-02-09 holiday} {2024-02-10 weekend} {2024-02-11 weekend} " +
			"{2024-02-12 holiday} {2024-02-13 holiday} {2024-02-14 holiday} {2024-02-17 weekend} {2024-02-18 weekend}]"
		if fmt.Sprint(got.SkippedDays) != want {
			t.Errorf("SkippedDays: got %v, want %v", got.SkippedDays, want)
		}
		if got.WorkingTime != 24*time.Hour || got.LimitText != "3 ngày làm việc" {
			t.Errorf("WorkingTime, LimitText: got %v %q", got.WorkingTime, got.LimitText)
		}
		if last := got.Steps[len(got.Steps)-1]; last != "Hạn trả kết quả: 10:00 Thứ Hai, 19/02/2024." {
			t.Errorf("last step: got %q", last)
		}
	})
	t.Run("make-up Saturday", func(t *testing.T) {
		got := domain.ComputeDeadline(c, calTime(t, "2024-04-26 10:00"), domain.TimeLimit{Days: 3}, nil, "")
		if fmt.Sprint(got.ExtraWorkdays) != "[2024-05-04]" {
			t.Errorf("ExtraWorkdays: got %v", got.ExtraWorkdays)
		}
		want := "[{2024-04-27 weekend} {2024-04-28 weekend} {2024-04-29 holiday} {2024-04-30 holiday} {2024-05-01 holiday}]"
		if fmt.Sprint(got.SkippedDays) != want {
			t.Errorf("SkippedDays: got %v, want %v", got.SkippedDays, want)
		}
		if !strings.Contains(strings.Join(got.Steps, "\n"), "làm bù: 04/05/2024") {
			t.Errorf("steps do not name the make-up Saturday: %q", got.Steps)
		}
	})
	t.Run("intake outside working hours", func(t *testing.T) {
		got := domain.ComputeDeadline(c, calTime(t, "2024-01-20 21:30"), domain.TimeLimit{Days: 2}, nil, "")
		if got.Steps[1] != "Tiếp nhận ngoài giờ làm việc: bắt đầu tính thời hạn từ 07:00 Thứ Hai, 22/01/2024." {
			t.Errorf("step: got %q", got.Steps[1])
		}
	})
	t.Run("limit text of an out-of-range limit says what was counted", func(t *testing.T) {
		got := domain.ComputeDeadline(c, calTime(t, "2024-01-15 10:00"), domain.TimeLimit{Days: -2}, nil, "")
		if got.LimitText != "Trong ngày" || got.WorkingTime != 5*time.Hour {
			t.Errorf("LimitText, WorkingTime: got %q %v", got.LimitText, got.WorkingTime)
		}
	})
	t.Run("stopped", func(t *testing.T) {
		got := domain.ComputeDeadline(c, calTime(t, "2024-01-15 10:00"), domain.TimeLimit{Days: 3},
			[]domain.ClockEvent{calEvent(t, "2024-01-16 09:00", domain.ClockSupplementRequested)}, "")
		if len(got.Stops) != 1 || got.Stops[0].To != nil || got.Stops[0].Kind != domain.ClockSupplementRequested {
			t.Errorf("Stops: got %+v", got.Stops)
		}
		last := got.Steps[len(got.Steps)-1]
		if !strings.HasPrefix(last, "Đang dừng tính thời hạn, còn lại 17 giờ làm việc") {
			t.Errorf("last step: got %q", last)
		}
	})
}

func TestComputeDeadline_CalendarChange(t *testing.T) {
	received := calTime(t, "2024-03-11 10:00")
	before := domain.ComputeDeadline(MustCalendar2024(t), received, domain.TimeLimit{Days: 3}, nil, "")
	y := cal2024(t)
	y.Holidays = append(y.Holidays, calDay(t, "2024-03-13"))
	after := domain.ComputeDeadline(domain.NewCalendar(nil, []domain.CalendarYear{y}), received, domain.TimeLimit{Days: 3}, nil, "")
	if got, want := before.Due, calTime(t, "2024-03-14 10:00"); !got.Equal(want) {
		t.Errorf("before: got %v, want %v", got, want)
	}
	if got, want := after.Due, calTime(t, "2024-03-15 10:00"); !got.Equal(want) {
		t.Errorf("after adding 13/03: got %v, want %v", got, want)
	}
}

func TestComputeDeadline_MissingYears(t *testing.T) {
	tests := []struct {
		name     string
		years    []domain.CalendarYear
		received string
		wantDue  string
		want     []int
	}{
		{"no calendar at all", nil, "2027-01-01 10:00", "2027-01-06 10:00", []int{2027}},
		{"due in a year not loaded", []domain.CalendarYear{cal2024(t)}, "2024-12-31 10:00", "2025-01-03 10:00", []int{2025}},
		{"loaded", []domain.CalendarYear{cal2024(t)}, "2024-01-15 10:00", "2024-01-18 10:00", []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := domain.ComputeDeadline(domain.NewCalendar(nil, tt.years), calTime(t, tt.received), domain.TimeLimit{Days: 3}, nil, "")
			if want := calTime(t, tt.wantDue); !got.Due.Equal(want) {
				t.Errorf("Due: got %v, want %v", got.Due, want)
			}
			if fmt.Sprint(got.MissingYears) != fmt.Sprint(tt.want) {
				t.Errorf("MissingYears: got %v, want %v", got.MissingYears, tt.want)
			}
			if len(tt.want) > 0 && !strings.Contains(strings.Join(got.Steps, "\n"), fmt.Sprintf("Chưa có lịch nghỉ lễ năm %d", tt.want[0])) {
				t.Errorf("steps do not mention the missing year: %q", got.Steps)
			}
		})
	}
}

func TestDeadline_JSON(t *testing.T) {
	c := MustCalendar2024(t)
	dl := domain.ComputeDeadline(c, calTime(t, "2024-01-18 10:00"), domain.TimeLimit{Days: 3},
		[]domain.ClockEvent{calEvent(t, "2024-01-19 14:00", domain.ClockPaused), calEvent(t, "2024-01-22 09:00", domain.ClockResumed)}, "")
	b, err := json.Marshal(dl)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]any{
		"received_at": "2024-01-18T10:00:00+07:00", "clock_start": "2024-01-18T10:00:00+07:00",
		"due_at": "2024-01-23T17:00:00+07:00", "limit_text": "3 ngày làm việc", "working_time_minutes": 1440.0,
		"stopped": false, "remaining_minutes": 0.0,
	} {
		if m[key] != want {
			t.Errorf("%s: got %v, want %v", key, m[key], want)
		}
	}
	stop := m["stops"].([]any)[0].(map[string]any)
	if stop["working_time_added_minutes"] != 300.0 || stop["kind"] != "paused" || stop["to"] != "2024-01-22T09:00:00+07:00" {
		t.Errorf("stop: got %v", stop)
	}
	for _, key := range []string{"skipped_days", "extra_workdays", "restarts", "missing_years", "steps"} {
		if _, ok := m[key].([]any); !ok {
			t.Errorf("%s: got %v, want a list", key, m[key])
		}
	}
	if _, ok := m["WorkingTime"]; ok {
		t.Error("Go field names leak into JSON")
	}
	var back domain.Deadline
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.WorkingTime != dl.WorkingTime || !back.Due.Equal(dl.Due) || back.Stops[0].WorkingTimeAdded != 5*time.Hour {
		t.Errorf("round trip: got %+v", back)
	}
}

func TestTimeLimit(t *testing.T) {
	tests := []struct {
		limit    domain.TimeLimit
		text     string
		duration time.Duration
		fields   []string
	}{
		{domain.TimeLimit{Days: 3}, "3 ngày làm việc", 24 * time.Hour, nil},
		{domain.TimeLimit{Hours: 4}, "4 giờ làm việc", 4 * time.Hour, nil},
		{domain.TimeLimit{}, "Trong ngày", 0, nil},
		{domain.TimeLimit{Days: 1, Hours: 4}, "1 ngày 4 giờ làm việc", 12 * time.Hour, []string{"time_limit_hours"}},
		{domain.TimeLimit{Days: -1}, "-1 ngày làm việc", 0, []string{"time_limit_days"}},
		{domain.TimeLimit{Days: domain.MaxLimitDays + 1}, "3651 ngày làm việc", domain.MaxLimitDays * 8 * time.Hour, []string{"time_limit_days"}},
		{domain.TimeLimit{Hours: -3}, "-3 giờ làm việc", 0, []string{"time_limit_hours"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := tt.limit.String(); got != tt.text {
				t.Errorf("String: got %q, want %q", got, tt.text)
			}
			if got := tt.limit.Duration(domain.DefaultWorkHours); got != tt.duration {
				t.Errorf("Duration: got %v, want %v", got, tt.duration)
			}
			err := tt.limit.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Errorf("Validate: got %v", err)
				}
			} else if got := calFields(t, err); fmt.Sprint(got) != fmt.Sprint(tt.fields) {
				t.Errorf("Validate fields: got %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestParseSupplementClock(t *testing.T) {
	tests := []struct {
		in   string
		want domain.SupplementClock
		ok   bool
	}{
		{"restart", domain.SupplementRestart, true},
		{"pause", domain.SupplementPause, true},
		{"", domain.SupplementRestart, true},
		{" pause ", domain.SupplementPause, true},
		{"Pause", "", false},
		{"stop", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := domain.ParseSupplementClock(tt.in)
			if tt.ok != (err == nil) || got != tt.want {
				t.Errorf("got %q, %v; want %q, ok=%v", got, err, tt.want, tt.ok)
			}
			if !tt.ok {
				calFields(t, err)
			}
		})
	}
}

func TestTimelinessOf(t *testing.T) {
	due := calTime(t, "2024-01-18 10:00")
	tests := []struct {
		name     string
		resolved time.Time
		want     domain.Timeliness
	}{
		{"the day before", calTime(t, "2024-01-17 16:00"), domain.TimelinessEarly},
		{"last second of the day before", calTime(t, "2024-01-18 00:00").Add(-time.Second), domain.TimelinessEarly},
		{"first moment of the due day", calTime(t, "2024-01-18 00:00"), domain.TimelinessOnTime},
		{"due day before the due time", calTime(t, "2024-01-18 09:00"), domain.TimelinessOnTime},
		{"at the due time", due, domain.TimelinessOnTime},
		{"within the printed minute", due.Add(59 * time.Second), domain.TimelinessOnTime},
		{"the minute after", due.Add(time.Minute), domain.TimelinessLate},
		{"due day after the due time", calTime(t, "2024-01-18 16:00"), domain.TimelinessLate},
		{"the day after", calTime(t, "2024-01-19 08:00"), domain.TimelinessLate},
		{"due day in UTC is still the due day", calTime(t, "2024-01-18 00:30").UTC(), domain.TimelinessOnTime},
		{"a week early", calTime(t, "2024-01-11 10:00"), domain.TimelinessEarly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := domain.TimelinessOf(due.UTC(), tt.resolved); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestApologyLate(t *testing.T) {
	c := MustCalendar2024(t)
	tests := []struct {
		name    string
		due, at string
		extra   time.Duration
		want    bool
	}{
		{"a day and a bit before", "2024-01-18 10:00", "2024-01-17 09:59", 0, false},
		{"exactly one working day before", "2024-01-18 10:00", "2024-01-17 10:00", 0, false},
		{"a second too late", "2024-01-18 10:00", "2024-01-17 10:00", time.Second, true},
		{"on the due day", "2024-01-18 10:00", "2024-01-18 08:00", 0, true},
		{"after the due time", "2024-01-18 10:00", "2024-01-19 08:00", 0, true},
		{"over a weekend: Friday is in time", "2024-01-22 10:00", "2024-01-19 10:00", 0, false},
		{"over a weekend: Saturday is late", "2024-01-22 10:00", "2024-01-20 09:00", 0, true},
		{"due at closing: the evening before is in time", "2024-01-18 17:00", "2024-01-17 17:30", 0, false},
		{"due at closing: the morning of is late", "2024-01-18 17:00", "2024-01-18 07:01", 0, true},
		{"across Tết: the day before Tết is in time", "2024-02-15 10:00", "2024-02-07 10:00", 0, false},
		{"across Tết: during Tết is late", "2024-02-15 10:00", "2024-02-09 10:00", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := calTime(t, tt.at).Add(tt.extra)
			if got := domain.ApologyLate(c, calTime(t, tt.due), at); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
