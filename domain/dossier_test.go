package domain

import (
	"strings"
	"testing"
	"time"
)

func TestTransitionTable(t *testing.T) {
	statuses := []Status{StatusReceived, StatusProcessing, StatusAwaitingSupplement, StatusPaused, StatusResolved, StatusReturned, StatusWithdrawn}
	// want[action][from] = to; a missing entry means the action is refused from that status.
	want := map[Action]map[Status]Status{
		ActionStart:             {StatusReceived: StatusProcessing},
		ActionRequestSupplement: {StatusReceived: StatusAwaitingSupplement, StatusProcessing: StatusAwaitingSupplement},
		ActionSupplement:        {StatusAwaitingSupplement: StatusProcessing},
		ActionPause:             {StatusProcessing: StatusPaused},
		ActionResume:            {StatusPaused: StatusProcessing},
		ActionResolve:           {StatusReceived: StatusResolved, StatusProcessing: StatusResolved},
		ActionReturn:            {StatusResolved: StatusReturned},
		ActionApologize: {StatusReceived: StatusReceived, StatusProcessing: StatusProcessing,
			StatusAwaitingSupplement: StatusAwaitingSupplement, StatusPaused: StatusPaused},
		ActionWithdraw: {StatusReceived: StatusWithdrawn, StatusProcessing: StatusWithdrawn,
			StatusAwaitingSupplement: StatusWithdrawn, StatusPaused: StatusWithdrawn},
		"fly": {},
	}
	for action, allowed := range want {
		for _, from := range statuses {
			t.Run(string(action)+"/"+string(from), func(t *testing.T) {
				got, err := Transition(from, action)
				wantTo, ok := allowed[from]
				switch {
				case ok && (err != nil || got != wantTo):
					t.Errorf("Transition = %q, %v; want %q", got, err, wantTo)
				case !ok && ErrorCode(err) != ETRANSITION:
					t.Errorf("Transition = %q, %v; want %s", got, err, ETRANSITION)
				}
			})
		}
	}
}

func TestCodes(t *testing.T) {
	day := Date{2024, 12, 12}
	if got, want := FormatCode("000.00.24.H50", day, 1), "000.00.24.H50-241212-0001"; got != want {
		t.Errorf("FormatCode = %q, want %q", got, want)
	}
	tests := []struct {
		code   string
		ok     bool
		agency string
		seq    int
	}{
		{"000.00.24.H50-241212-0001", true, "000.00.24.H50", 1},
		{"H50-240229-12345", true, "H50", 12345},
		{"000.00.24.H50-241312-0001", false, "", 0},
		{"000.00.24.H50-230229-0001", false, "", 0},
		{"000.00.24.H50-241212-0000", false, "", 0},
		{"000.00.24.h50-241212-0001", false, "", 0},
		{"../etc/passwd", false, "", 0},
		{"", false, "", 0},
		{"A-241212-0001' OR 1=1", false, "", 0},
	}
	for _, tt := range tests {
		agency, _, seq, err := ParseCode(tt.code)
		if (err == nil) != tt.ok || agency != tt.agency || seq != tt.seq {
			t.Errorf("ParseCode(%q) = %q, %d, %v; want ok=%v %q %d", tt.code, agency, seq, err, tt.ok, tt.agency, tt.seq)
		}
	}
}

// newTestDossier is received on Monday 2024-03-04 at 09:00 with a 3-day limit.
func newTestDossier(r Rules) (*Dossier, []Event) {
	d := &Dossier{Code: "X-240304-0001", ReceivedAt: time.Date(2024, 3, 4, 9, 0, 0, 0, Location), TimeLimit: TimeLimit{Days: 3}}
	ev := r.Intake(d, "staff", "")
	return d, []Event{*ev}
}

func TestApply(t *testing.T) {
	r := Rules{Calendar: NewCalendar(DefaultWorkHours, nil), Supplement: SupplementRestart}
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, Location)
		if err != nil {
			panic(err)
		}
		return t
	}
	appt := at("2024-03-12 10:00")
	early := at("2024-03-05 08:00")
	tests := []struct {
		name  string
		steps []ActionRequest
		check func(t *testing.T, d *Dossier)
		code  string // error code of the last step; "" = all succeed
		field string
	}{
		{"resolve early", []ActionRequest{{Action: ActionResolve, At: at("2024-03-06 10:00"), Outcome: OutcomeApproved}},
			func(t *testing.T, d *Dossier) {
				if d.Timeliness != TimelinessEarly || d.Status != StatusResolved || d.Version != 2 {
					t.Errorf("got %s %s v%d", d.Timeliness, d.Status, d.Version)
				}
			}, "", ""},
		{"resolve on the due day", []ActionRequest{{Action: ActionResolve, At: at("2024-03-07 08:30"), Outcome: OutcomeRefused}},
			func(t *testing.T, d *Dossier) {
				if d.Timeliness != TimelinessOnTime {
					t.Errorf("timeliness = %s", d.Timeliness)
				}
			}, "", ""},
		{"resolve late after apology", []ActionRequest{
			{Action: ActionApologize, At: at("2024-03-05 16:00"), Reason: "x", NewAppointmentAt: &appt},
			{Action: ActionResolve, At: at("2024-03-11 10:00"), Outcome: OutcomeApproved}},
			func(t *testing.T, d *Dossier) {
				if d.Timeliness != TimelinessLate || d.ApologyLate || !d.AppointmentAt.Equal(appt) || !d.DueAt.Equal(at("2024-03-07 09:00")) {
					t.Errorf("got %s apologyLate=%v appt=%v due=%v", d.Timeliness, d.ApologyLate, d.AppointmentAt, d.DueAt)
				}
			}, "", ""},
		{"late apology", []ActionRequest{{Action: ActionApologize, At: at("2024-03-06 10:00"), Reason: "x", NewAppointmentAt: &appt}},
			func(t *testing.T, d *Dossier) {
				if !d.ApologyLate {
					t.Error("apology one working day before due not flagged late")
				}
			}, "", ""},
		{"second apology", []ActionRequest{
			{Action: ActionApologize, At: at("2024-03-05 10:00"), Reason: "x", NewAppointmentAt: &appt},
			{Action: ActionApologize, At: at("2024-03-05 11:00"), Reason: "y", NewAppointmentAt: &appt}}, nil, ECONFLICT, ""},
		{"apology without appointment", []ActionRequest{{Action: ActionApologize, At: at("2024-03-05 10:00"), Reason: "x"}}, nil, EINVALID, "new_appointment_at"},
		{"pause without reason", []ActionRequest{{Action: ActionStart, At: at("2024-03-04 10:00")}, {Action: ActionPause, At: at("2024-03-04 11:00")}}, nil, EINVALID, "reason"},
		{"supplement restarts the clock", []ActionRequest{
			{Action: ActionRequestSupplement, At: at("2024-03-05 09:00"), Reason: "thiếu giấy tờ"},
			{Action: ActionSupplement, At: at("2024-03-08 14:00")}},
			func(t *testing.T, d *Dossier) {
				if want := at("2024-03-13 14:00"); !d.DueAt.Equal(want) || d.ClockStopped {
					t.Errorf("due = %v stopped=%v, want %v", d.DueAt, d.ClockStopped, want)
				}
			}, "", ""},
		{"supplement asked by a time", []ActionRequest{
			{Action: ActionRequestSupplement, At: at("2024-03-05 09:00"), Reason: "thiếu giấy tờ", SupplementDueAt: &appt}},
			func(t *testing.T, d *Dossier) {
				if d.Status != StatusAwaitingSupplement {
					t.Errorf("got %s", d.Status)
				}
			}, "", ""},
		{"supplement asked by a time before the request", []ActionRequest{
			{Action: ActionRequestSupplement, At: at("2024-03-05 09:00"), Reason: "thiếu giấy tờ", SupplementDueAt: &early}}, nil, EINVALID, "supplement_due_at"},
		{"a supplement time on a pause", []ActionRequest{{Action: ActionStart, At: at("2024-03-04 10:00")},
			{Action: ActionPause, At: at("2024-03-04 11:00"), Reason: "x", SupplementDueAt: &appt}}, nil, EINVALID, "supplement_due_at"},
		{"action before the last event", []ActionRequest{{Action: ActionStart, At: at("2024-03-04 08:00")}}, nil, EINVALID, "at"},
		{"return before resolve", []ActionRequest{{Action: ActionReturn, At: at("2024-03-05 08:00"), Channel: ChannelDirect}}, nil, ETRANSITION, ""},
		{"withdraw", []ActionRequest{{Action: ActionWithdraw, At: at("2024-03-05 08:00"), Reason: "không cần nữa"}},
			func(t *testing.T, d *Dossier) {
				if d.Status != StatusWithdrawn || d.WithdrawnAt == nil {
					t.Errorf("got %s", d.Status)
				}
			}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, history := newTestDossier(r)
			var err error
			for i, step := range tt.steps {
				before := *d
				var ev *Event
				ev, err = r.Apply(d, history, step)
				if err != nil {
					if i != len(tt.steps)-1 {
						t.Fatalf("step %d: %v", i, err)
					}
					if d.Version != before.Version || d.Status != before.Status {
						t.Error("a refused action changed the dossier")
					}
					break
				}
				if ev.Seq != len(history)+1 || ev.FromStatus != before.Status || ev.ToStatus != d.Status {
					t.Errorf("event %+v", ev)
				}
				history = append(history, *ev)
			}
			if got := ErrorCode(err); got != tt.code {
				t.Fatalf("error = %v, want code %q", err, tt.code)
			}
			if tt.field != "" && !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %v does not name %s", err, tt.field)
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

func TestLawAt(t *testing.T) {
	for _, tt := range []struct {
		day                  Date
		decree, cite, form04 string
	}{
		{Date{2025, 6, 30}, "Nghị định 61/2018/NĐ-CP", "Nghị định 61/2018/NĐ-CP, điều 19.9", "Mẫu số 04 – Thông tư 01/2018/TT-VPCP"},
		{Date{2025, 7, 1}, "Nghị định 118/2025/NĐ-CP", "Nghị định 118/2025/NĐ-CP (Nghị định 61/2018/NĐ-CP, điều 19.9)", "Mẫu số 04 – Thông tư 03/2025/TT-VPCP"},
	} {
		l := LawAt(tt.day)
		if l.Decree != tt.decree || l.Cite("19.9") != tt.cite || l.Form("04") != tt.form04 {
			t.Errorf("LawAt(%s) = %+v: %q, %q", tt.day, l, l.Cite("19.9"), l.Form("04"))
		}
	}
}
