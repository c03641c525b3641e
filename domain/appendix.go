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
	Manual           ManualFigures
	GeneratedAt      time.Time
}

// BuildAppendix computes sections III and VII from the records of one agency and period,
// as DOMAIN.md ("The appendix") defines each figure. Catalogue figures count the procedures
// in force on the period's last day at the levels shown.
func BuildAppendix(in AppendixInput) *Appendix {
	a := &Appendix{AgencyCode: in.AgencyCode, Period: in.Period, GeneratedAt: in.GeneratedAt, Source: SourceLive,
		Manual: in.Manual}
	shown := map[string]bool{}
	for _, l := range in.Levels {
		a.Levels = append(a.Levels, string(l))
		shown[string(l)] = true
	}
	s3 := &a.SectionIII
	s3.ProceduresInForce = map[string]int64{}
	s3.Dossiers = map[string]DossierFigures{}
	a.SectionVII.Postal = map[string]PostalFigures{}
	for _, l := range a.Levels {
		s3.ProceduresInForce[l] = 0
		s3.Dossiers[l] = DossierFigures{}
		a.SectionVII.Postal[l] = PostalFigures{}
	}
	for _, r := range in.Fields {
		if shown[r.Level] {
			f := s3.Dossiers[r.Level]
			f.Add(r.DossierFigures)
			s3.Dossiers[r.Level] = f
		}
	}
	s3.FeedbackReceived, s3.FeedbackResolved = in.FeedbackReceived, in.FeedbackResolved

	// Activity per procedure (all levels together) and per level.
	type act struct{ received, online int64 }
	byProc := map[string]*act{}
	for _, x := range in.Activity {
		if !shown[x.Level] {
			continue
		}
		p := byProc[x.ProcedureCode]
		if p == nil {
			p = &act{}
			byProc[x.ProcedureCode] = p
		}
		p.received += x.Received
		p.online += x.ReceivedOnline
		pf := a.SectionVII.Postal[x.Level]
		pf.DossiersReceived += x.ReceivedPostal
		pf.DossiersReturned += x.ReturnedPostal
		a.SectionVII.Postal[x.Level] = pf
	}
	postalProcs := map[string]map[string][2]bool{} // level → code → {received, returned}
	for _, x := range in.Activity {
		if !shown[x.Level] || x.ReceivedPostal == 0 && x.ReturnedPostal == 0 {
			continue
		}
		if postalProcs[x.Level] == nil {
			postalProcs[x.Level] = map[string][2]bool{}
		}
		v := postalProcs[x.Level][x.ProcedureCode]
		v[0] = v[0] || x.ReceivedPostal > 0
		v[1] = v[1] || x.ReturnedPostal > 0
		postalProcs[x.Level][x.ProcedureCode] = v
	}
	for l, procs := range postalProcs {
		pf := a.SectionVII.Postal[l]
		for _, v := range procs {
			if v[0] {
				pf.ProceduresReceived++
			}
			if v[1] {
				pf.ProceduresReturned++
			}
		}
		a.SectionVII.Postal[l] = pf
	}

	end := in.Period.To
	on := &a.SectionVII.Online
	for _, p := range in.Catalogue {
		if !p.PublishedOn.Before(in.Period.From) && !p.PublishedOn.After(end) {
			s3.ProceduresPublished++
		}
		if p.RepealedOn != nil && !p.RepealedOn.Before(in.Period.From) && !p.RepealedOn.After(end) {
			s3.ProceduresRepealed++
		}
		if !p.InForce(end) || !shown[string(p.Level)] {
			continue
		}
		s3.ProceduresInForce[string(p.Level)]++
		if p.InterlinkedSameLevel {
			s3.InterlinkedSameLevel++
		}
		if p.InterlinkedCrossLevel {
			s3.InterlinkedCrossLevel++
		}
		if p.Postal {
			pf := a.SectionVII.Postal[string(p.Level)]
			pf.ProceduresOffered++
			a.SectionVII.Postal[string(p.Level)] = pf
		}
		if p.Fee {
			on.ProceduresWithFee++
		}
		if p.OnlinePayment {
			on.ProceduresOnlinePayment++
		}
		for _, lv := range []struct {
			level OnlineLevel
			f     *OnlineLevelFigures
		}{{OnlinePartial, &on.Partial}, {OnlineFull, &on.Full}} {
			if p.OnlineEligible == lv.level {
				lv.f.Eligible++
			}
			if p.OnlineProvided == lv.level {
				lv.f.Provided++
				if x := byProc[p.Code]; x != nil && x.online > 0 {
					lv.f.WithOnlineDossiers++
				}
			}
		}
		if p.OnlineProvided != OnlineNone {
			if p.NationalPortal {
				on.OnNationalPortal++
			}
			if x := byProc[p.Code]; x != nil && x.online > 0 {
				on.DossiersTotal += x.received
				on.DossiersOnline += x.online
			}
		}
	}
	return a
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
