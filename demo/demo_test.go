package demo_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"motcua/calendars"
	"motcua/demo"
	"motcua/domain"
	"motcua/store/storetest"
)

func mustCalendar(tb testing.TB) []domain.CalendarYear {
	tb.Helper()
	years, err := calendars.Years()
	if err != nil {
		tb.Fatal(err)
	}
	return years
}

func mustGenerate(tb testing.TB, cfg demo.Config) *demo.Data {
	tb.Helper()
	d, err := demo.Generate(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// summary is what a data set looks like from afar; lookup ids are not part of it.
type summary struct {
	Codes    []string
	Statuses map[domain.Status]int
	Events   int
}

func summarize(d *demo.Data) summary {
	s := summary{Statuses: map[domain.Status]int{}}
	for _, imp := range d.Dossiers {
		s.Codes = append(s.Codes, imp.Dossier.Code+"/"+imp.Dossier.ReceivedAt.String()+"/"+string(imp.Dossier.Timeliness))
		s.Statuses[imp.Dossier.Status]++
		s.Events += len(imp.Events)
	}
	return s
}

func TestGenerateIsDeterministic(t *testing.T) {
	cal := mustCalendar(t)
	cfg := demo.Config{Seed: 7, Year: 2024, Dossiers: 1500, Wards: 4, Calendar: cal}
	a, b := summarize(mustGenerate(t, cfg)), summarize(mustGenerate(t, cfg))
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different data")
	}
	cfg.Seed = 8
	if c := summarize(mustGenerate(t, cfg)); reflect.DeepEqual(a.Codes, c.Codes) {
		t.Fatal("another seed gave the same data")
	}
}

func TestGenerateIsRealistic(t *testing.T) {
	cal := mustCalendar(t)
	now := time.Date(2024, 12, 20, 10, 0, 0, 0, domain.Location)
	d := mustGenerate(t, demo.Config{Seed: 3, Year: 2024, Dossiers: 6000, Wards: 10, Now: now, Calendar: cal})
	if got := len(d.Dossiers); got != 6000 {
		t.Fatalf("dossiers = %d, want 6000", got)
	}
	if got := len(d.Agencies); got != 11 {
		t.Fatalf("agencies = %d, want 11", got)
	}
	if n := len(d.Procedures); n < 35 || n > 50 {
		t.Errorf("procedures = %d, want about 40", n)
	}
	procs := map[string]*domain.Procedure{}
	fields := map[string]bool{}
	var published, repealed int
	for _, p := range d.Procedures {
		if err := p.Validate(); err != nil {
			t.Errorf("procedure %s: %v", p.Code, err)
		}
		procs[p.Code] = p
		fields[p.Field] = true
		if p.PublishedOn.Year == 2024 {
			published++
		}
		if p.RepealedOn != nil && p.RepealedOn.Year == 2024 {
			repealed++
		}
	}
	if published == 0 || repealed == 0 {
		t.Errorf("published in the year %d, repealed %d; want some of each", published, repealed)
	}
	for _, f := range []string{"Đất đai", "Hộ tịch", "Xây dựng", "Chứng thực", "Thành lập và hoạt động của hộ kinh doanh"} {
		if !fields[f] {
			t.Errorf("no procedure in field %s", f)
		}
	}

	calendar := domain.NewCalendar(domain.DefaultWorkHours, cal)
	codes := map[string]bool{}
	count := map[string]int{}
	for _, imp := range d.Dossiers {
		x := imp.Dossier
		if codes[x.Code] {
			t.Fatalf("code %s given twice", x.Code)
		}
		codes[x.Code] = true
		if x.ReceivedAt.Year() != 2024 || !x.ReceivedAt.Before(now) {
			t.Fatalf("%s received at %s", x.Code, x.ReceivedAt)
		}
		p := procs[x.ProcedureCode]
		if !p.InForce(domain.DateOf(x.ReceivedAt)) {
			t.Errorf("%s: procedure %s not in force on intake", x.Code, p.Code)
		}
		if !p.Postal && (x.Channel == domain.ChannelPostal || x.ReturnChannel == domain.ChannelPostal) {
			t.Errorf("%s: postal without the postal service", x.Code)
		}
		if x.Channel != domain.ChannelOnline && !calendar.IsWorkday(domain.DateOf(x.ReceivedAt)) {
			t.Errorf("%s: %s intake on a day off", x.Code, x.Channel)
		}
		if (x.AgencyLevel == domain.LevelDistrict) != (p.Level == domain.LevelDistrict) {
			t.Errorf("%s: a %s procedure at a %s agency", x.Code, p.Level, x.AgencyLevel)
		}
		for i, e := range imp.Events {
			if e.Seq != i+1 || i > 0 && e.At.Before(imp.Events[i-1].At) || !e.At.Before(now) {
				t.Fatalf("%s: event %d (%s at %s) out of order", x.Code, i+1, e.Action, e.At)
			}
		}
		if got := imp.Events[len(imp.Events)-1].ToStatus; got != x.Status {
			t.Errorf("%s: status %s, last event says %s", x.Code, x.Status, got)
		}
		count[string(x.Status)]++
		count[string(x.Channel)]++
		switch {
		case x.ResolvedAt != nil:
			count[string(x.Timeliness)]++
			if x.Timeliness != domain.TimelinessOf(x.DueAt, *x.ResolvedAt) {
				t.Errorf("%s: timeliness %s", x.Code, x.Timeliness)
			}
			if x.Timeliness == domain.TimelinessLate && x.ApologizedAt != nil {
				count["late_with_apology"]++
			}
		case x.Status.Open() && x.DueAt.Before(now):
			count["overdue"]++
		}
		if x.ReturnedChannel == domain.ChannelPostal {
			count["returned_postal"]++
		}
	}
	t.Logf("mix: %v", count)
	for _, k := range []string{"online", "direct", "postal", "early", "on_time", "late", "late_with_apology",
		"withdrawn", "returned", "resolved", "processing", "overdue", "returned_postal"} {
		if count[k] == 0 {
			t.Errorf("no %s dossier in the data", k)
		}
	}
	if late := float64(count["late"]) / float64(count["early"]+count["on_time"]+count["late"]); late > 0.05 {
		t.Errorf("late share %.3f; want a few percent at most", late)
	}
	if online := float64(count["online"]) / 6000; online < 0.2 || online > 0.7 {
		t.Errorf("online share %.2f", online)
	}
}

func TestGenerateRejectsBadConfig(t *testing.T) {
	for _, tt := range []struct {
		cfg   demo.Config
		field string
	}{
		{demo.Config{Year: 1990}, "year"},
		{demo.Config{Dossiers: -1}, "dossiers"},
		{demo.Config{Wards: 31}, "wards"},
	} {
		_, err := demo.Generate(tt.cfg)
		var e *domain.Error
		if !errors.As(err, &e) || e.Code != domain.EINVALID || e.Fields[0].Field != tt.field {
			t.Errorf("Generate(%+v) = %v, want EINVALID naming %s", tt.cfg, err, tt.field)
		}
	}
}

func TestLoad(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	d := mustGenerate(t, demo.Config{Seed: 5, Year: 2024, Dossiers: 800, Wards: 3, Calendar: mustCalendar(t)})
	if err := demo.Load(ctx, st, d); err != nil {
		t.Fatal(err)
	}
	agencies, err := st.ListAgencies(ctx, "")
	if err != nil || len(agencies) != 4 {
		t.Fatalf("agencies = %d, %v", len(agencies), err)
	}
	first := d.Dossiers[0].Dossier
	got, err := st.FindDossierByCode(ctx, first.Code)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != first.Status || !got.ReceivedAt.Equal(first.ReceivedAt) || len(got.LookupID) != 32 {
		t.Errorf("stored %+v, generated %+v", got, first)
	}
	events, err := st.DossierEvents(ctx, got.ID)
	if err != nil || len(events) != len(d.Dossiers[0].Events) {
		t.Errorf("events = %d, %v; want %d", len(events), err, len(d.Dossiers[0].Events))
	}
	p, _ := domain.NewPeriod(domain.PeriodYear, 2024, 0, domain.CutoffCalendar)
	var answered int64
	for _, f := range d.Feedback {
		if f.ResolvedAt != nil {
			answered++
		}
	}
	if recv, resolved, err := st.FeedbackCounts(ctx, d.Agencies[0].Path, p); err != nil || recv != int64(len(d.Feedback)) || resolved != answered || recv == 0 {
		t.Errorf("feedback = %d, %d, %v; want %d, %d", recv, resolved, err, len(d.Feedback), answered)
	}
	if err := demo.Load(ctx, st, d); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("second Load = %v, want ECONFLICT", err)
	}
}
