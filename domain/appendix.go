package domain

import (
	"sort"
	"time"
)

// ProcedureActivity counts, for one procedure at one level, the dossiers of a period that the
// online and postal items of section VII need.
type ProcedureActivity struct {
	Level          string
	ProcedureCode  string
	Received       int64 // dossiers received in the period
	ReceivedOnline int64 // of which online
	ReceivedPostal int64 // of which by post
	ReturnedPostal int64 // results returned by post in the period
}

// SurveyCounts are the satisfaction ratings given in a period (appendix I.7).
type SurveyCounts struct {
	Surveyed  int64
	Satisfied int64
}

// AppendixInput is what the records give for one agency and period; BuildAppendix turns it
// into the appendix figures.
type AppendixInput struct {
	AgencyCode       string
	Period           Period
	Levels           []Level      // levels present under the agency, top down
	Fields           []FieldRow   // dossier figures per field and level
	Catalogue        []*Procedure // the catalogue as it stood at the end of the period
	Activity         []ProcedureActivity
	FeedbackReceived int64
	FeedbackResolved int64
	Surveys          SurveyCounts
	Manual           ManualFigures
	GeneratedAt      time.Time
}

// BuildAppendix computes sections I.7, III and VII from the records of one agency and period,
// as DOMAIN.md ("The appendix") defines each figure. Catalogue figures count the procedures
// of the levels shown: published or repealed in the period, in force on its last day.
func BuildAppendix(in AppendixInput) *Appendix {
	a := &Appendix{AgencyCode: in.AgencyCode, Period: in.Period, GeneratedAt: in.GeneratedAt, Source: SourceLive,
		Manual: in.Manual, SectionI: SectionI{Surveys: surveyFigures(in.Surveys)}}
	shown := map[string]bool{}
	for _, l := range in.Levels {
		a.Levels = append(a.Levels, string(l))
		shown[string(l)] = true
	}
	var catalogue []*Procedure // the procedures of the levels shown
	for _, p := range in.Catalogue {
		if shown[string(p.Level)] {
			catalogue = append(catalogue, p)
		}
	}
	var activity []ProcedureActivity
	for _, x := range in.Activity {
		if shown[x.Level] {
			activity = append(activity, x)
		}
	}
	a.SectionIII = sectionIII(in, a.Levels, catalogue)
	a.SectionVII = SectionVII{Online: onlineFigures(in.Period, catalogue, activity),
		OnlineByLevel: map[string]OnlineFigures{}, Postal: postalFigures(in.Period, a.Levels, catalogue, activity)}
	for _, l := range a.Levels {
		a.SectionVII.OnlineByLevel[l] = onlineFigures(in.Period, ofLevel(catalogue, l), activityOfLevel(activity, l))
	}
	return a
}

// surveyFigures is item I.7: how many rated, and the share satisfied in percent (0 when none).
func surveyFigures(c SurveyCounts) SurveyFigures {
	f := SurveyFigures{Surveyed: c.Surveyed, Satisfied: c.Satisfied}
	if c.Surveyed > 0 {
		f.SatisfiedRate = float64(c.Satisfied*10000/c.Surveyed) / 100
	}
	return f
}

// sectionIII is section III: the catalogue's procedures of the levels shown, the feedback,
// and the dossier figures per level.
func sectionIII(in AppendixInput, levels []string, catalogue []*Procedure) SectionIII {
	s3 := SectionIII{ProceduresInForce: map[string]int64{}, Dossiers: map[string]DossierFigures{},
		FeedbackReceived: in.FeedbackReceived, FeedbackResolved: in.FeedbackResolved}
	for _, l := range levels {
		s3.ProceduresInForce[l] = 0
		s3.Dossiers[l] = DossierFigures{}
	}
	for _, r := range in.Fields {
		if f, ok := s3.Dossiers[r.Level]; ok {
			f.Add(r.DossierFigures)
			s3.Dossiers[r.Level] = f
		}
	}
	p := in.Period
	within := func(d *Date) bool { return d != nil && !d.Before(p.From) && !d.After(p.To) }
	for _, pr := range catalogue {
		if within(&pr.PublishedOn) {
			s3.ProceduresPublished++
		}
		if within(pr.RepealedOn) {
			s3.ProceduresRepealed++
		}
		if !pr.InForce(p.To) {
			continue
		}
		s3.ProceduresInForce[string(pr.Level)]++
		if pr.InterlinkedSameLevel {
			s3.InterlinkedSameLevel++
		}
		if pr.InterlinkedCrossLevel {
			s3.InterlinkedCrossLevel++
		}
	}
	return s3
}

// onlineFigures is item VII.6 over the given procedures and their dossiers' activity: the
// procedures in force at the period's end by the online service they are eligible for and
// provide, with online dossiers in the period, on the national portal, with a fee (payable
// online); and the dossiers of the procedures provided online that had online dossiers.
func onlineFigures(p Period, catalogue []*Procedure, activity []ProcedureActivity) OnlineFigures {
	type act struct{ received, online int64 }
	byProc := map[string]*act{}
	for _, x := range activity {
		a := byProc[x.ProcedureCode]
		if a == nil {
			a = &act{}
			byProc[x.ProcedureCode] = a
		}
		a.received += x.Received
		a.online += x.ReceivedOnline
	}
	var on OnlineFigures
	for _, pr := range catalogue {
		if !pr.InForce(p.To) {
			continue
		}
		if pr.Fee {
			on.ProceduresWithFee++
		}
		if pr.OnlinePayment {
			on.ProceduresOnlinePayment++
		}
		x := byProc[pr.Code]
		hadOnline := x != nil && x.online > 0
		for _, lv := range []struct {
			level OnlineLevel
			f     *OnlineLevelFigures
		}{{OnlinePartial, &on.Partial}, {OnlineFull, &on.Full}} {
			if pr.OnlineEligible == lv.level {
				lv.f.Eligible++
			}
			if pr.OnlineProvided == lv.level {
				lv.f.Provided++
				if hadOnline {
					lv.f.WithOnlineDossiers++
				}
			}
		}
		if pr.OnlineProvided != OnlineNone {
			if pr.NationalPortal {
				on.OnNationalPortal++
			}
			if hadOnline {
				on.DossiersTotal += x.received
				on.DossiersOnline += x.online
			}
		}
	}
	return on
}

// postalFigures is items VII.7–11 per level: procedures in force offering the postal
// service, procedures with dossiers received or results returned by post in the period, and
// those dossiers and results.
func postalFigures(p Period, levels []string, catalogue []*Procedure, activity []ProcedureActivity) map[string]PostalFigures {
	out := make(map[string]PostalFigures, len(levels))
	for _, l := range levels {
		out[l] = PostalFigures{}
	}
	type seen struct{ received, returned bool }
	procs := map[[2]string]*seen{} // level, code
	for _, x := range activity {
		pf := out[x.Level]
		pf.DossiersReceived += x.ReceivedPostal
		pf.DossiersReturned += x.ReturnedPostal
		out[x.Level] = pf
		k := [2]string{x.Level, x.ProcedureCode}
		if procs[k] == nil {
			procs[k] = &seen{}
		}
		procs[k].received = procs[k].received || x.ReceivedPostal > 0
		procs[k].returned = procs[k].returned || x.ReturnedPostal > 0
	}
	for k, v := range procs {
		pf := out[k[0]]
		if v.received {
			pf.ProceduresReceived++
		}
		if v.returned {
			pf.ProceduresReturned++
		}
		out[k[0]] = pf
	}
	for _, pr := range catalogue {
		if pr.Postal && pr.InForce(p.To) {
			pf := out[string(pr.Level)]
			pf.ProceduresOffered++
			out[string(pr.Level)] = pf
		}
	}
	return out
}

func ofLevel(catalogue []*Procedure, level string) []*Procedure {
	var out []*Procedure
	for _, p := range catalogue {
		if string(p.Level) == level {
			out = append(out, p)
		}
	}
	return out
}

func activityOfLevel(activity []ProcedureActivity, level string) []ProcedureActivity {
	var out []ProcedureActivity
	for _, x := range activity {
		if x.Level == level {
			out = append(out, x)
		}
	}
	return out
}

// SortLevels orders levels from the top down (province, district, commune); unknown ones last.
func SortLevels(levels []Level) {
	rank := func(l Level) int {
		for i, k := range Levels {
			if k == l {
				return i
			}
		}
		return len(Levels)
	}
	sort.SliceStable(levels, func(i, j int) bool { return rank(levels[i]) < rank(levels[j]) })
}
