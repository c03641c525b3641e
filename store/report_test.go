package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/calendars"
	"motcua/demo"
	"motcua/desk"
	"motcua/domain"
	"motcua/store"
	"motcua/store/storetest"
)

// reportNow is when the test data stops: late December 2024, so that December's periods
// still have pending dossiers.
var reportNow = time.Date(2024, 12, 20, 10, 0, 0, 0, domain.Location)

// reportFixture is a database with a generated city-year (and the end of the year before),
// dossiers placed exactly on the boundaries of every period tested, and feedback; dossiers
// and feedback hold what was stored, so that tests can count them independently.
type reportFixture struct {
	st         *store.Store
	data       *demo.Data
	rules      domain.Rules
	items      []*domain.ImportedDossier // the dossiers with their histories
	dossiers   []*domain.Dossier
	feedback   []feedbackItem
	procedures []*domain.Procedure
}

type feedbackItem struct {
	path               string
	received, resolved time.Time // resolved zero when open
}

// reportPeriods are the periods the known-answer tests check, under both cut-offs.
func reportPeriods(tb testing.TB) []domain.Period {
	tb.Helper()
	var out []domain.Period
	for _, c := range []domain.Cutoff{domain.CutoffCalendar, domain.CutoffDecree09} {
		for _, k := range []struct {
			kind   domain.PeriodKind
			number int
		}{{domain.PeriodMonth, 1}, {domain.PeriodMonth, 8}, {domain.PeriodQuarter, 4}, {domain.PeriodHalf, 1},
			{domain.PeriodNineMonths, 0}, {domain.PeriodYear, 0}} {
			p, err := domain.NewPeriod(k.kind, 2024, k.number, c)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, p)
		}
	}
	return out
}

func lookupID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// importAll stores items through the bulk import, in small chunks as demo.Load does.
func importAll(tb testing.TB, st *store.Store, items []*domain.ImportedDossier) {
	tb.Helper()
	for start := 0; start < len(items); start += 50 {
		chunk := items[start:min(start+50, len(items))]
		i := 0
		_, err := st.ImportDossiers(context.Background(), func() (store.ImportItem, error) {
			if i >= len(chunk) {
				return store.ImportItem{}, io.EOF
			}
			it := chunk[i]
			i++
			if it.Dossier.LookupID == "" {
				it.Dossier.LookupID = lookupID()
			}
			return store.ImportItem{Line: start + i, ImportedDossier: it}, nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func mustReportFixture(tb testing.TB, dossiers int) *reportFixture {
	tb.Helper()
	ctx := context.Background()
	cal, err := calendars.Years()
	if err != nil {
		tb.Fatal(err)
	}
	st := storetest.MustOpen(tb)
	data, err := demo.Generate(demo.Config{Seed: 11, Year: 2024, Dossiers: dossiers, Wards: 10, Now: reportNow, Calendar: cal})
	if err != nil {
		tb.Fatal(err)
	}
	if err := demo.Load(ctx, st, data); err != nil {
		tb.Fatal(err)
	}
	// The year before, still being resolved in 2024: carried over into January's periods.
	before, err := demo.Generate(demo.Config{Seed: 12, Year: 2023, Dossiers: dossiers / 4, Wards: 10, Now: reportNow, Calendar: cal})
	if err != nil {
		tb.Fatal(err)
	}
	rules := domain.Rules{Calendar: domain.NewCalendar(domain.DefaultWorkHours, cal), Supplement: domain.SupplementRestart}
	extra := before.Dossiers
	extra = append(extra, boundaryDossiers(rules, data, reportPeriods(tb))...)
	importAll(tb, st, extra)

	f := &reportFixture{st: st, data: data, rules: rules, procedures: data.Procedures}
	f.items = append(data.Dossiers, extra...)
	for _, imp := range f.items {
		f.dossiers = append(f.dossiers, imp.Dossier)
	}
	f.feedback = insertFeedback(tb, st, data, reportPeriods(tb))
	return f
}

// boundaryDossiers places dossiers exactly on and just beside the first and last moments
// of each period: the cases where < and <= differ. Each is built as the service builds one,
// from its history (rules.Judge), with the due time an import gives where the case needs one.
func boundaryDossiers(rules domain.Rules, data *demo.Data, periods []domain.Period) []*domain.ImportedDossier {
	ward := data.Agencies[1]
	var proc *domain.Procedure
	for _, p := range data.Procedures {
		if p.Level == domain.LevelCommune && p.Postal && p.RepealedOn == nil && p.PublishedOn.Year < 2023 {
			proc = p
			break
		}
	}
	const eps = time.Microsecond
	seq := 9000
	var out []*domain.ImportedDossier
	// mk takes a dossier in at received, due at due (zero: as the rules say), and lets then
	// add the events of its life, each at an exact time.
	mk := func(received, due time.Time, channel domain.Channel, then ...domain.Event) {
		seq++
		d := &domain.Dossier{Code: domain.FormatCode(ward.Code, domain.DateOf(received), seq), AgencyCode: ward.Code,
			AgencyPath: ward.Path, AgencyLevel: ward.Level, ProcedureCode: proc.Code, ProcedureName: proc.Name,
			Field: proc.Field, TimeLimit: proc.Limit(), Channel: channel, ReturnChannel: domain.ChannelPostal,
			Applicant: domain.Applicant{Name: "Kiểm Thử Biên"}, ReceivedAt: received}
		intake := rules.Intake(d, "test", "")
		if !due.IsZero() {
			intake.Details["due_at"], intake.Details["due_at_given"] = due, true
		}
		events := []domain.Event{*intake}
		for i, e := range then {
			e.Seq, e.Actor, e.FromStatus = i+2, "test", events[len(events)-1].ToStatus
			events = append(events, e)
			switch e.Action {
			case domain.ActionResolve:
				d.ResolvedAt, d.Outcome = &e.At, domain.OutcomeApproved
			case domain.ActionReturn:
				d.ReturnedAt, d.ReturnedChannel = &e.At, domain.ChannelPostal
			case domain.ActionWithdraw:
				d.WithdrawnAt = &e.At
			case domain.ActionApologize:
				d.ApologizedAt = &e.At
			}
			d.Status = e.ToStatus
		}
		rules.Judge(d, events)
		d.AppointmentAt, d.UpdatedAt = d.DueAt, events[len(events)-1].At
		out = append(out, &domain.ImportedDossier{Dossier: d, Events: events})
	}
	ev := func(a domain.Action, at time.Time, to domain.Status) domain.Event {
		return domain.Event{Action: a, At: at, ToStatus: to}
	}
	resolve := func(at time.Time) domain.Event { return ev(domain.ActionResolve, at, domain.StatusResolved) }
	for _, p := range periods {
		start, end := p.Start(), p.End()
		// New at the first moment; resolved at the moment after the period: pending, late only
		// from the minute after its due time (within).
		mk(start, end.Add(-time.Minute), domain.ChannelOnline, resolve(end))
		// Received at the last moment by post, late a moment before the end: pending and overdue.
		mk(end.Add(-eps), end.Add(-time.Minute-eps), domain.ChannelPostal)
		// Carried over; apologised for, then resolved at the first moment, late.
		mk(start.Add(-time.Hour), start.Add(-30*time.Minute), domain.ChannelDirect,
			ev(domain.ActionApologize, start.Add(-40*time.Minute), domain.StatusReceived), resolve(start))
		// Resolved just before the period: out of scope.
		mk(start.Add(-2*time.Hour), time.Time{}, domain.ChannelDirect, resolve(start.Add(-eps)))
		// Withdrawn at the first moment: in scope, withdrawn.
		mk(start.Add(-3*time.Hour), time.Time{}, domain.ChannelPostal, ev(domain.ActionWithdraw, start, domain.StatusWithdrawn))
		// Received at the moment after the period: not in it.
		mk(end, time.Time{}, domain.ChannelOnline)
		// Resolved within the minute of its due time (on time), and a minute after (late).
		mk(start.Add(time.Hour), start.Add(90*time.Minute), domain.ChannelDirect, resolve(start.Add(90*time.Minute+59*time.Second)))
		mk(start.Add(time.Hour), start.Add(90*time.Minute), domain.ChannelOnline, resolve(start.Add(91*time.Minute)))
		// Results returned by post at the first moment (in) and at the moment after (out).
		for _, at := range []time.Time{start, end} {
			mk(at.Add(-5*time.Hour), time.Time{}, domain.ChannelDirect, resolve(at.Add(-4*time.Hour)),
				ev(domain.ActionReturn, at, domain.StatusReturned))
		}
	}
	return out
}

// insertFeedback stores feedback around the periods' boundaries.
func insertFeedback(tb testing.TB, st *store.Store, data *demo.Data, periods []domain.Period) []feedbackItem {
	tb.Helper()
	ctx := context.Background()
	var out []feedbackItem
	for _, f := range data.Feedback { // stored by demo.Load
		it := feedbackItem{path: f.AgencyPath, received: f.ReceivedAt}
		if f.ResolvedAt != nil {
			it.resolved = *f.ResolvedAt
		}
		out = append(out, it)
	}
	for i, p := range periods {
		a := data.Agencies[i%len(data.Agencies)]
		for _, fb := range []feedbackItem{
			{path: a.Path, received: p.Start(), resolved: p.End().Add(-time.Microsecond)},
			{path: a.Path, received: p.End()},
			{path: a.Path, received: p.Start().Add(-time.Hour), resolved: p.Start().Add(-time.Microsecond)},
			{path: a.Path, received: p.Start().Add(-time.Hour), resolved: p.End()},
		} {
			f := &domain.Feedback{AgencyCode: a.Code, AgencyPath: a.Path, Content: "Phản ánh thử", ReceivedAt: fb.received, CreatedBy: "test"}
			if err := st.CreateFeedback(ctx, f); err != nil {
				tb.Fatal(err)
			}
			if !fb.resolved.IsZero() {
				if _, err := st.ResolveFeedback(ctx, f.ID, "Đã trả lời", fb.resolved); err != nil {
					tb.Fatal(err)
				}
			}
			out = append(out, fb)
		}
	}
	return out
}

type rowKey struct{ field, level string }

// expectFields counts, dossier by dossier from their histories, the figures of the dossiers
// under scope: domain.Rules.Count, the definition the report's SQL must follow.
func expectFields(rules domain.Rules, ds []*domain.ImportedDossier, scope string, p domain.Period) map[rowKey]domain.DossierFigures {
	out := map[rowKey]domain.DossierFigures{}
	for _, imp := range ds {
		d := imp.Dossier
		if !strings.HasPrefix(d.AgencyPath, scope) {
			continue
		}
		k := rowKey{d.Field, string(d.AgencyLevel)}
		f := out[k]
		rules.Count(&f, d, imp.Events, p)
		if f != (domain.DossierFigures{}) {
			out[k] = f
		}
	}
	return out
}

type actKey struct{ level, code string }

func expectActivity(ds []*domain.Dossier, scope string, p domain.Period) map[actKey]domain.ProcedureActivity {
	start, end := p.Start(), p.End()
	in := func(t *time.Time) bool { return t != nil && !t.Before(start) && t.Before(end) }
	out := map[actKey]domain.ProcedureActivity{}
	for _, d := range ds {
		if !strings.HasPrefix(d.AgencyPath, scope) {
			continue
		}
		k := actKey{string(d.AgencyLevel), d.ProcedureCode}
		a := out[k]
		if in(&d.ReceivedAt) {
			a.Received++
			if d.Channel == domain.ChannelOnline {
				a.ReceivedOnline++
			}
			if d.Channel == domain.ChannelPostal {
				a.ReceivedPostal++
			}
		}
		if in(d.ReturnedAt) && d.ReturnedChannel == domain.ChannelPostal {
			a.ReturnedPostal++
		}
		if a != (domain.ProcedureActivity{}) {
			a.Level, a.ProcedureCode = k.level, k.code
			out[k] = a
		}
	}
	return out
}

// scopes are the agencies reported on: the city (two levels) and the ward that holds the
// boundary dossiers (one level).
func (f *reportFixture) scopes() []*domain.Agency {
	return []*domain.Agency{f.data.Agencies[0], f.data.Agencies[1]}
}

func TestReportFiguresMatchKnownAnswers(t *testing.T) {
	f := mustReportFixture(t, 1000)
	ctx := context.Background()
	for _, p := range reportPeriods(t) {
		for _, a := range f.scopes() {
			t.Run(p.Key()+"/"+a.Code, func(t *testing.T) {
				app, rows, err := computeAppendix(ctx, f.st, a, p, reportNow)
				if err != nil {
					t.Fatal(err)
				}
				want := expectFields(f.rules, f.items, a.Path, p)
				got := map[rowKey]domain.DossierFigures{}
				for _, r := range rows {
					if err := r.Check(); err != nil {
						t.Errorf("%s/%s: %v", r.Field, r.Level, err)
					}
					got[rowKey{r.Field, r.Level}] = r.DossierFigures
				}
				compareFigures(t, got, want)

				acts, err := f.st.ProcedureActivity(ctx, a.Path, p)
				if err != nil {
					t.Fatal(err)
				}
				gotActs := map[actKey]domain.ProcedureActivity{}
				for _, x := range acts {
					gotActs[actKey{x.Level, x.ProcedureCode}] = x
				}
				wantActs := expectActivity(f.dossiers, a.Path, p)
				for k, w := range wantActs {
					if gotActs[k] != w {
						t.Errorf("activity %v: got %+v, want %+v", k, gotActs[k], w)
					}
				}
				for k, g := range gotActs {
					if _, ok := wantActs[k]; !ok {
						t.Errorf("activity %v: got %+v, want nothing", k, g)
					}
				}

				var wantRecv, wantResolved int64
				for _, fb := range f.feedback {
					if !strings.HasPrefix(fb.path, a.Path) {
						continue
					}
					if !fb.received.Before(p.Start()) && fb.received.Before(p.End()) {
						wantRecv++
					}
					if !fb.resolved.IsZero() && !fb.resolved.Before(p.Start()) && fb.resolved.Before(p.End()) {
						wantResolved++
					}
				}
				recv, resolved, err := f.st.FeedbackCounts(ctx, a.Path, p)
				if err != nil || recv != wantRecv || resolved != wantResolved {
					t.Errorf("feedback = %d, %d, %v; want %d, %d", recv, resolved, err, wantRecv, wantResolved)
				}
				checkAppendix(t, f, a, p, app, want, wantActs, wantRecv, wantResolved)

				if p.Kind == domain.PeriodYear && a.Level == domain.LevelDistrict {
					// FieldFigures alone gives the rows the appendix was built from.
					alone, err := f.st.FieldFigures(ctx, a.Path, p)
					if err != nil || !reflect.DeepEqual(alone, rows) {
						t.Errorf("FieldFigures = %v, %v; want the appendix's rows", alone, err)
					}
					if len(want) < 10 || want[rowKey{"Hộ tịch", "commune"}].Late == 0 {
						t.Errorf("the data are too thin to test much: %v", want)
					}
				}
			})
		}
	}
}

func compareFigures(t *testing.T, got, want map[rowKey]domain.DossierFigures) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s/%s: no row, want %+v", k.field, k.level, w)
			continue
		}
		gj, wj := figureMap(g), figureMap(w)
		for name, wv := range wj {
			if gj[name] != wv {
				t.Errorf("%s/%s: %s = %v, want %v", k.field, k.level, name, gj[name], wv)
			}
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s/%s: row %+v, want none", k.field, k.level, g)
		}
	}
}

func figureMap(f domain.DossierFigures) map[string]float64 {
	b, _ := json.Marshal(f)
	var m map[string]float64
	json.Unmarshal(b, &m)
	return m
}

// checkAppendix compares the appendix with figures counted in Go.
func checkAppendix(t *testing.T, f *reportFixture, a *domain.Agency, p domain.Period, app *domain.Appendix,
	fields map[rowKey]domain.DossierFigures, acts map[actKey]domain.ProcedureActivity, fbRecv, fbResolved int64) {
	t.Helper()
	if err := app.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	if app.Source != domain.SourceLive || app.AgencyCode != a.Code || app.Period != p {
		t.Errorf("appendix heading = %s %s %+v", app.Source, app.AgencyCode, app.Period)
	}
	wantLevels := []string{"district", "commune"}
	if a.Level == domain.LevelCommune {
		wantLevels = []string{"commune"}
	}
	if !reflect.DeepEqual(app.Levels, wantLevels) {
		t.Errorf("levels = %v, want %v", app.Levels, wantLevels)
	}
	perLevel := map[string]domain.DossierFigures{}
	for k, v := range fields {
		x := perLevel[k.level]
		x.Add(v)
		perLevel[k.level] = x
	}
	for _, l := range wantLevels {
		if got, want := app.SectionIII.Dossiers[l], perLevel[l]; got != want {
			t.Errorf("section_iii.dossiers.%s = %+v, want %+v", l, got, want)
		}
	}
	s3 := app.SectionIII
	if s3.FeedbackReceived != fbRecv || s3.FeedbackResolved != fbResolved {
		t.Errorf("feedback = %d/%d, want %d/%d", s3.FeedbackReceived, s3.FeedbackResolved, fbRecv, fbResolved)
	}

	shown := map[string]bool{}
	for _, l := range wantLevels {
		shown[l] = true
	}
	var published, repealed int64
	inForce := map[string]int64{}
	postal := map[string]domain.PostalFigures{}
	var online domain.OnlineFigures
	byCode := map[string]struct{ received, online int64 }{}
	for k, x := range acts {
		v := byCode[k.code]
		v.received += x.Received
		v.online += x.ReceivedOnline
		byCode[k.code] = v
		pf := postal[k.level]
		pf.DossiersReceived += x.ReceivedPostal
		pf.DossiersReturned += x.ReturnedPostal
		if x.ReceivedPostal > 0 {
			pf.ProceduresReceived++
		}
		if x.ReturnedPostal > 0 {
			pf.ProceduresReturned++
		}
		postal[k.level] = pf
	}
	onlineByLevel := map[string]domain.OnlineFigures{}
	for _, pr := range f.procedures {
		if pr.PublishedOn.After(p.To) || !shown[string(pr.Level)] {
			continue // not yet in the catalogue at the end of the period, or of a level not shown
		}
		if !pr.PublishedOn.Before(p.From) {
			published++
		}
		if pr.RepealedOn != nil && !pr.RepealedOn.Before(p.From) && !pr.RepealedOn.After(p.To) {
			repealed++
		}
		if !pr.InForce(p.To) || !shown[string(pr.Level)] {
			continue
		}
		inForce[string(pr.Level)]++
		if pr.Postal {
			pf := postal[string(pr.Level)]
			pf.ProceduresOffered++
			postal[string(pr.Level)] = pf
		}
		if pr.OnlineProvided != domain.OnlineNone && byCode[pr.Code].online > 0 {
			online.DossiersTotal += byCode[pr.Code].received
			online.DossiersOnline += byCode[pr.Code].online
		}
		if x := acts[actKey{string(pr.Level), pr.Code}]; pr.OnlineProvided != domain.OnlineNone && x.ReceivedOnline > 0 {
			o := onlineByLevel[string(pr.Level)]
			o.DossiersTotal += x.Received
			o.DossiersOnline += x.ReceivedOnline
			onlineByLevel[string(pr.Level)] = o
		}
	}
	for _, l := range wantLevels {
		got, want := app.SectionVII.OnlineByLevel[l], onlineByLevel[l]
		if got.DossiersTotal != want.DossiersTotal || got.DossiersOnline != want.DossiersOnline {
			t.Errorf("online_by_level.%s dossiers = %d/%d, want %d/%d", l, got.DossiersTotal, got.DossiersOnline, want.DossiersTotal, want.DossiersOnline)
		}
	}
	if s3.ProceduresPublished != published || s3.ProceduresRepealed != repealed {
		t.Errorf("published/repealed = %d/%d, want %d/%d", s3.ProceduresPublished, s3.ProceduresRepealed, published, repealed)
	}
	for _, l := range wantLevels {
		if s3.ProceduresInForce[l] != inForce[l] {
			t.Errorf("procedures_in_force.%s = %d, want %d", l, s3.ProceduresInForce[l], inForce[l])
		}
		if got := app.SectionVII.Postal[l]; got != postal[l] {
			t.Errorf("section_vii.postal.%s = %+v, want %+v", l, got, postal[l])
		}
	}
	if o := app.SectionVII.Online; o.DossiersTotal != online.DossiersTotal || o.DossiersOnline != online.DossiersOnline {
		t.Errorf("online dossiers = %d/%d, want %d/%d", o.DossiersTotal, o.DossiersOnline, online.DossiersTotal, online.DossiersOnline)
	}
}

func TestReportLevelsUnder(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	for _, a := range []*domain.Agency{
		{Code: "000.00.00.H50", Name: "UBND tỉnh", Level: domain.LevelProvince},
		{Code: "000.01.00.H50", Name: "Xã A", Level: domain.LevelCommune, ParentCode: "000.00.00.H50"},
		{Code: "000.02.00.H50", Name: "Sở B", Level: domain.LevelProvince, ParentCode: "000.00.00.H50"},
	} {
		if err := st.CreateAgency(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.LevelsUnder(ctx, "/000.00.00.H50/")
	if want := []domain.Level{domain.LevelProvince, domain.LevelCommune}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("LevelsUnder(province) = %v, %v; want %v", got, err, want)
	}
	got, err = st.LevelsUnder(ctx, "/000.00.00.H50/000.01.00.H50/")
	if want := []domain.Level{domain.LevelCommune}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("LevelsUnder(commune) = %v, %v; want %v", got, err, want)
	}
}

func TestReportManualFigures(t *testing.T) {
	f := mustReportFixture(t, 200)
	ctx := context.Background()
	city := f.data.Agencies[0]
	p, _ := domain.NewPeriod(domain.PeriodYear, 2024, 0, domain.CutoffCalendar)
	if m, e, err := f.st.ManualFigures(ctx, city.Code, p.Key()); err != nil || m != nil || e != nil {
		t.Fatalf("ManualFigures before = %v, %v, %v", m, e, err)
	}
	if err := f.st.PutManualFigures(ctx, city.Code, p.Key(), domain.ManualFigures{"plan_tasks": 1.5}, "x", reportNow); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("bad figure: %v, want EINVALID", err)
	}
	for _, m := range []domain.ManualFigures{{"plan_tasks": 12, "plan_completion_rate": 99.5}, {"plan_tasks": 14}} {
		if err := f.st.PutManualFigures(ctx, city.Code, p.Key(), m, "city.reporter", reportNow); err != nil {
			t.Fatal(err)
		}
		got, e, err := f.st.ManualFigures(ctx, city.Code, p.Key())
		if err != nil || !reflect.DeepEqual(got, m) || e.UpdatedBy != "city.reporter" || !e.UpdatedAt.Equal(reportNow) {
			t.Fatalf("ManualFigures = %v, %+v, %v; want %v", got, e, err, m)
		}
	}
	app, _, err := computeAppendix(ctx, f.st, city, p, reportNow)
	if err != nil || app.Manual["plan_tasks"] != 14 {
		t.Fatalf("appendix manual = %v, %v", app.Manual, err)
	}
}

func TestSnapshotRevisionsAreFrozen(t *testing.T) {
	f := mustReportFixture(t, 400)
	ctx := context.Background()
	city := f.data.Agencies[0]
	p, _ := domain.NewPeriod(domain.PeriodQuarter, 2024, 4, domain.CutoffCalendar)
	app, fields, err := computeAppendix(ctx, f.st, city, p, reportNow)
	if err != nil {
		t.Fatal(err)
	}
	first := &store.Snapshot{AgencyCode: city.Code, PeriodKey: p.Key(), Appendix: app, Fields: fields, CreatedBy: "scheduler", CreatedAt: reportNow}
	created, err := f.st.CreateFirstSnapshot(ctx, first)
	if err != nil || !created || first.Revision != 1 || first.ID == 0 {
		t.Fatalf("CreateFirstSnapshot = %v, %v, %+v", created, err, first)
	}
	again := &store.Snapshot{AgencyCode: city.Code, PeriodKey: p.Key(), Appendix: app, Fields: fields, CreatedBy: "other"}
	if created, err := f.st.CreateFirstSnapshot(ctx, again); err != nil || created {
		t.Fatalf("second CreateFirstSnapshot = %v, %v; want false", created, err)
	}
	stored, err := f.st.FindSnapshot(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Appendix.Source != domain.SourceSnapshot || stored.CreatedBy != "scheduler" || stored.Period != p {
		t.Errorf("stored = %+v", stored)
	}
	before, _ := json.Marshal(stored)

	// Resolve a dossier that was pending at the end of the quarter, in the quarter.
	var pending *domain.Dossier
	for _, d := range f.dossiers {
		if d.Status == domain.StatusProcessing && d.AgencyLevel == domain.LevelCommune && d.ReceivedAt.After(p.Start()) {
			pending = d
			break
		}
	}
	if pending == nil {
		t.Fatal("no pending dossier in the data")
	}
	_, err = f.st.UpdateDossier(ctx, pending.Code, func(d *domain.Dossier, h []domain.Event) (*domain.Event, error) {
		at := reportNow.Add(time.Hour)
		d.Status, d.ResolvedAt, d.Outcome, d.Timeliness = domain.StatusResolved, &at, domain.OutcomeApproved, domain.TimelinessLate
		return &domain.Event{At: at, Action: domain.ActionResolve, FromStatus: domain.StatusProcessing, ToStatus: domain.StatusResolved, Actor: "test"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stored2, err := f.st.FindSnapshot(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(stored2); string(after) != string(before) {
		t.Fatal("the snapshot changed with the records")
	}

	// New revisions, several at once: each gets its own number.
	app2, fields2, err := computeAppendix(ctx, f.st, city, p, reportNow.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if app2.SectionIII.Dossiers["commune"].Resolved != app.SectionIII.Dossiers["commune"].Resolved+1 {
		t.Errorf("resolved commune = %d, want %d", app2.SectionIII.Dossiers["commune"].Resolved, app.SectionIII.Dossiers["commune"].Resolved+1)
	}
	var wg sync.WaitGroup
	revs := make([]int, 4)
	errs := make([]error, 4)
	for i := range revs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &store.Snapshot{AgencyCode: city.Code, PeriodKey: p.Key(), Appendix: app2, Fields: fields2, CreatedBy: fmt.Sprint("user", i)}
			errs[i] = f.st.CreateSnapshot(ctx, s)
			revs[i] = s.Revision
		}()
	}
	wg.Wait()
	seen := map[int]bool{}
	for i, r := range revs {
		if errs[i] != nil || r < 2 || r > 5 || seen[r] {
			t.Errorf("concurrent revision %d: %d, %v", i, r, errs[i])
		}
		seen[r] = true
	}
	latest, err := f.st.LatestSnapshot(ctx, city.Code, p.Key())
	if err != nil || latest.Revision != 5 {
		t.Fatalf("LatestSnapshot = %+v, %v; want revision 5", latest, err)
	}
	if _, err := f.st.FindSnapshot(ctx, 99999); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("FindSnapshot(unknown) = %v", err)
	}

	list, next, err := f.st.ListSnapshots(ctx, store.SnapshotFilter{Scope: city.Path, Page: store.Page{Limit: 3}})
	if err != nil || len(list) != 3 || next == "" || list[0].Revision != 5 && list[0].ID < list[1].ID || list[0].Appendix != nil {
		t.Fatalf("ListSnapshots = %d, %q, %v", len(list), next, err)
	}
	rest, next, err := f.st.ListSnapshots(ctx, store.SnapshotFilter{Scope: city.Path, Page: store.Page{Limit: 3, Cursor: next}})
	if err != nil || len(rest) != 2 || next != "" || rest[1].Revision != 1 || rest[1].Period != p {
		t.Fatalf("ListSnapshots page 2 = %d, %q, %v", len(rest), next, err)
	}
	ward := f.data.Agencies[1]
	if list, _, err := f.st.ListSnapshots(ctx, store.SnapshotFilter{Scope: ward.Path}); err != nil || len(list) != 0 {
		t.Errorf("ward sees %d snapshots, %v", len(list), err)
	}
}

func TestJobRunClaims(t *testing.T) {
	st, opts := storetest.MustOpenURL(t)
	other, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	if _, ok, err := st.LastSucceededJobRun(ctx, "j"); ok || err != nil {
		t.Fatalf("LastSucceededJobRun on nothing = %v, %v", ok, err)
	}
	claimed, err := st.ClaimJobRun(ctx, "j", "2024-03-01", "a", reportNow)
	if err != nil || !claimed {
		t.Fatalf("first claim = %v, %v", claimed, err)
	}
	claimed, err = other.ClaimJobRun(ctx, "j", "2024-03-01", "b", reportNow)
	if err != nil || claimed {
		t.Fatalf("second replica's claim = %v, %v; want false", claimed, err)
	}
	if _, ok, _ := st.LastSucceededJobRun(ctx, "j"); ok {
		t.Fatal("an unfinished run counts as succeeded")
	}
	if err := st.FinishJobRun(ctx, "j", "2024-03-01", reportNow, nil); err != nil {
		t.Fatal(err)
	}
	st.ClaimJobRun(ctx, "j", "2024-03-02", "a", reportNow)
	st.FinishJobRun(ctx, "j", "2024-03-02", reportNow, fmt.Errorf("boom"))
	if key, ok, err := other.LastSucceededJobRun(ctx, "j"); err != nil || !ok || key != "2024-03-01" {
		t.Fatalf("LastSucceededJobRun = %q, %v, %v", key, ok, err)
	}
	runs, err := st.ListJobRuns(ctx, "j", 0)
	if err != nil || len(runs) != 2 || runs[0].Error != "boom" || runs[1].ClaimedBy != "a" || runs[1].FinishedAt == nil {
		t.Fatalf("ListJobRuns = %+v, %v", runs, err)
	}
	if err := st.FinishJobRun(ctx, "j", "never", reportNow, nil); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("FinishJobRun(unclaimed) = %v", err)
	}
}

// BenchmarkAppendixCityYear builds the appendix of a city and its ten wards for a year of
// about 35,000 dossiers (go test ./store/ -run '^$' -bench AppendixCityYear).
func BenchmarkAppendixCityYear(b *testing.B) {
	cal, err := calendars.Years()
	if err != nil {
		b.Fatal(err)
	}
	st := storetest.MustOpen(b)
	ctx := context.Background()
	cfg := demo.DefaultConfig()
	cfg.Calendar = cal
	data, err := demo.Generate(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Load(ctx, st, data); err != nil {
		b.Fatal(err)
	}
	city := data.Agencies[0]
	p, _ := domain.NewPeriod(domain.PeriodYear, 2024, 0, domain.CutoffCalendar)
	b.ReportMetric(float64(len(data.Dossiers)), "dossiers")
	for b.Loop() {
		app, _, err := computeAppendix(ctx, st, city, p, reportNow)
		if err != nil {
			b.Fatal(err)
		}
		if app.SectionIII.Dossiers["commune"].Received == 0 {
			b.Fatal("no dossiers counted")
		}
	}
}

// computeAppendix computes a's appendix for p live, as the desk does at now.
func computeAppendix(ctx context.Context, st *store.Store, a *domain.Agency, p domain.Period, now time.Time) (*domain.Appendix, []domain.FieldRow, error) {
	return desk.New(st, desk.Config{Now: func() time.Time { return now }}).Appendix(ctx, a, p)
}
