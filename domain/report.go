package domain

import (
	"sort"
	"time"
)

// DossierFigures counts an agency's (or a level's, or a field's) dossiers over a period;
// see "Counting" in DOMAIN.md.
type DossierFigures struct {
	Received            int64 `json:"received"`
	CarriedOver         int64 `json:"carried_over"`
	New                 int64 `json:"new"`
	NewOnline           int64 `json:"new_online"`
	NewDirect           int64 `json:"new_direct"`
	NewPostal           int64 `json:"new_postal"`
	Resolved            int64 `json:"resolved"`
	Early               int64 `json:"early"`
	OnTime              int64 `json:"on_time"`
	Late                int64 `json:"late"`
	LateWithApology     int64 `json:"late_with_apology"`      // late, apologised for in time
	LateWithLateApology int64 `json:"late_with_late_apology"` // late, apologised for too late
	Pending             int64 `json:"pending"`
	PendingWithin       int64 `json:"pending_within"`
	PendingOverdue      int64 `json:"pending_overdue"`
	Withdrawn           int64 `json:"withdrawn"`
}

// ResolvedOnTime is what the appendix calls "giải quyết đúng hạn": early plus on time.
func (f DossierFigures) ResolvedOnTime() int64 { return f.Early + f.OnTime }

// Check verifies the counting invariants: received = carried_over + new =
// resolved + pending + withdrawn; new = online + direct + postal; resolved = early +
// on_time + late; pending = within + overdue; late_with_apology + late_with_late_apology <=
// late; nothing negative.
// Figures are computed, so a broken invariant is a bug: the error is EINTERNAL and names
// each broken invariant by its left-hand field.
func (f DossierFigures) Check() error {
	var p Problems
	f.check(&p, "")
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINTERNAL, Message: "report figures are inconsistent", Fields: p}
}

func (f DossierFigures) check(p *Problems, prefix string) {
	for _, v := range []struct {
		name  string
		value int64
	}{
		{"received", f.Received}, {"carried_over", f.CarriedOver}, {"new", f.New},
		{"new_online", f.NewOnline}, {"new_direct", f.NewDirect}, {"new_postal", f.NewPostal},
		{"resolved", f.Resolved}, {"early", f.Early}, {"on_time", f.OnTime}, {"late", f.Late},
		{"late_with_apology", f.LateWithApology}, {"late_with_late_apology", f.LateWithLateApology}, {"pending", f.Pending},
		{"pending_within", f.PendingWithin}, {"pending_overdue", f.PendingOverdue}, {"withdrawn", f.Withdrawn},
	} {
		if v.value < 0 {
			p.Add(prefix+v.name, "is negative (%d)", v.value)
		}
	}
	if f.Received != f.CarriedOver+f.New {
		p.Add(prefix+"received", "%d ≠ carried_over %d + new %d", f.Received, f.CarriedOver, f.New)
	}
	if f.Received != f.Resolved+f.Pending+f.Withdrawn {
		p.Add(prefix+"received", "%d ≠ resolved %d + pending %d + withdrawn %d", f.Received, f.Resolved, f.Pending, f.Withdrawn)
	}
	if f.New != f.NewOnline+f.NewDirect+f.NewPostal {
		p.Add(prefix+"new", "%d ≠ online %d + direct %d + postal %d", f.New, f.NewOnline, f.NewDirect, f.NewPostal)
	}
	if f.Resolved != f.Early+f.OnTime+f.Late {
		p.Add(prefix+"resolved", "%d ≠ early %d + on_time %d + late %d", f.Resolved, f.Early, f.OnTime, f.Late)
	}
	if f.Pending != f.PendingWithin+f.PendingOverdue {
		p.Add(prefix+"pending", "%d ≠ within %d + overdue %d", f.Pending, f.PendingWithin, f.PendingOverdue)
	}
	if f.LateWithApology+f.LateWithLateApology > f.Late {
		p.Add(prefix+"late_with_apology", "%d + late_with_late_apology %d > late %d", f.LateWithApology, f.LateWithLateApology, f.Late)
	}
}

// Add adds g to f, figure by figure (to total fields or agencies).
func (f *DossierFigures) Add(g DossierFigures) {
	f.Received += g.Received
	f.CarriedOver += g.CarriedOver
	f.New += g.New
	f.NewOnline += g.NewOnline
	f.NewDirect += g.NewDirect
	f.NewPostal += g.NewPostal
	f.Resolved += g.Resolved
	f.Early += g.Early
	f.OnTime += g.OnTime
	f.Late += g.Late
	f.LateWithApology += g.LateWithApology
	f.LateWithLateApology += g.LateWithLateApology
	f.Pending += g.Pending
	f.PendingWithin += g.PendingWithin
	f.PendingOverdue += g.PendingOverdue
	f.Withdrawn += g.Withdrawn
}

// check records what cannot be: more online dossiers than dossiers, or more procedures with
// online dossiers than provide the service.
func (o OnlineFigures) check(p *Problems, prefix string) {
	if o.DossiersOnline > o.DossiersTotal {
		p.Add(prefix+"dossiers_online", "%d > dossiers_total %d", o.DossiersOnline, o.DossiersTotal)
	}
	if o.Partial.WithOnlineDossiers > o.Partial.Provided {
		p.Add(prefix+"partial.with_online_dossiers", "%d > provided %d", o.Partial.WithOnlineDossiers, o.Partial.Provided)
	}
	if o.Full.WithOnlineDossiers > o.Full.Provided {
		p.Add(prefix+"full.with_online_dossiers", "%d > provided %d", o.Full.WithOnlineDossiers, o.Full.Provided)
	}
}

// OnlineLevelFigures counts procedures in force for one online service level (partial or full).
type OnlineLevelFigures struct {
	Eligible           int64 `json:"eligible"`
	Provided           int64 `json:"provided"`
	WithOnlineDossiers int64 `json:"with_online_dossiers"`
}

// OnlineFigures is appendix item VII.6, online public services.
type OnlineFigures struct {
	Partial                 OnlineLevelFigures `json:"partial"`
	Full                    OnlineLevelFigures `json:"full"`
	OnNationalPortal        int64              `json:"on_national_portal"`
	DossiersTotal           int64              `json:"dossiers_total"`
	DossiersOnline          int64              `json:"dossiers_online"`
	ProceduresWithFee       int64              `json:"procedures_with_fee"`
	ProceduresOnlinePayment int64              `json:"procedures_online_payment"`
}

// PostalFigures is appendix items VII.7–11, the public postal service (BCCI), for one level.
type PostalFigures struct {
	ProceduresOffered  int64 `json:"procedures_offered"`
	ProceduresReceived int64 `json:"procedures_received"`
	ProceduresReturned int64 `json:"procedures_returned"`
	DossiersReceived   int64 `json:"dossiers_received"`
	DossiersReturned   int64 `json:"dossiers_returned"`
}

// SectionIII is the appendix's section III (administrative procedures); maps are keyed by level.
type SectionIII struct {
	ProceduresPublished   int64                     `json:"procedures_published"`
	ProceduresRepealed    int64                     `json:"procedures_repealed"`
	ProceduresInForce     map[string]int64          `json:"procedures_in_force"`
	InterlinkedSameLevel  int64                     `json:"interlinked_same_level"`
	InterlinkedCrossLevel int64                     `json:"interlinked_cross_level"`
	FeedbackReceived      int64                     `json:"feedback_received"`
	FeedbackResolved      int64                     `json:"feedback_resolved"`
	Dossiers              map[string]DossierFigures `json:"dossiers"`
}

// SectionVII is the part of the appendix's section VII (e-government) derived from records:
// item 6 for the levels shown together (Online) and per level, and items 7–11 per level.
type SectionVII struct {
	Online        OnlineFigures            `json:"online"`
	OnlineByLevel map[string]OnlineFigures `json:"online_by_level"`
	Postal        map[string]PostalFigures `json:"postal"`
}

// SurveyFigures is appendix item I.7 from the citizens' ratings given in the period: how many
// rated the service, how many were satisfied, and that share in percent (0 when none rated).
type SurveyFigures struct {
	Surveyed      int64   `json:"surveyed"`
	Satisfied     int64   `json:"satisfied"`
	SatisfiedRate float64 `json:"satisfied_rate"`
}

// SectionI is the part of the appendix's section I derived from records.
type SectionI struct {
	Surveys SurveyFigures `json:"surveys"`
}

// Sources of an appendix.
const (
	SourceSnapshot = "snapshot" // stored by the scheduler at the end of the period
	SourceLive     = "live"     // computed on request
)

// Appendix is the appendix of the administrative-reform report for one agency and period:
// sections III and VII computed from the records, per level in Levels, and the items an
// officer enters (Manual).
type Appendix struct {
	AgencyCode  string        `json:"agency_code"`
	Period      Period        `json:"period"`
	GeneratedAt time.Time     `json:"generated_at"`
	Source      string        `json:"source"`
	Levels      []string      `json:"levels"`
	SectionI    SectionI      `json:"section_i"`
	SectionIII  SectionIII    `json:"section_iii"`
	SectionVII  SectionVII    `json:"section_vii"`
	Manual      ManualFigures `json:"manual"`
}

// FieldRow is one row of Biểu 06 (Thông tư 01/2020/TT-VPCP): the dossier figures of one
// field (lĩnh vực) at one level.
type FieldRow struct {
	Field string `json:"field"`
	Level string `json:"level"`
	DossierFigures
}

// Check verifies every level's dossier figures (see DossierFigures.Check), that online
// dossiers and procedures with online dossiers do not exceed their totals, and that every
// level in the per-level maps is listed in Levels, once. It returns EINTERNAL naming each problem.
func (a *Appendix) Check() error {
	var p Problems
	listed := make(map[string]bool, len(a.Levels))
	for _, l := range a.Levels {
		if listed[l] {
			p.Add("levels", "level %q is listed twice", l)
		}
		listed[l] = true
	}
	for _, l := range reportKeys(a.SectionIII.Dossiers) {
		a.SectionIII.Dossiers[l].check(&p, "section_iii.dossiers."+l+".")
		if !listed[l] {
			p.Add("section_iii.dossiers."+l, "level %q is not in levels", l)
		}
	}
	for _, l := range reportKeys(a.SectionIII.ProceduresInForce) {
		if !listed[l] {
			p.Add("section_iii.procedures_in_force."+l, "level %q is not in levels", l)
		}
	}
	for _, l := range reportKeys(a.SectionVII.Postal) {
		if !listed[l] {
			p.Add("section_vii.postal."+l, "level %q is not in levels", l)
		}
	}
	a.SectionVII.Online.check(&p, "section_vii.online.")
	for _, l := range reportKeys(a.SectionVII.OnlineByLevel) {
		a.SectionVII.OnlineByLevel[l].check(&p, "section_vii.online_by_level."+l+".")
		if !listed[l] {
			p.Add("section_vii.online_by_level."+l, "level %q is not in levels", l)
		}
	}
	if sv := a.SectionI.Surveys; sv.Satisfied > sv.Surveyed || sv.Satisfied < 0 {
		p.Add("section_i.surveys.satisfied", "%d is not between 0 and surveyed %d", sv.Satisfied, sv.Surveyed)
	}
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINTERNAL, Message: "report figures are inconsistent", Fields: p}
}

func reportKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
