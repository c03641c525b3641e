package domain_test

import (
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"

	"motcua/domain"
)

// validFigures satisfies every invariant: 10 carried over + 90 new = 100 received
// = 80 resolved + 15 pending + 5 withdrawn.
func validFigures() domain.DossierFigures {
	return domain.DossierFigures{
		Received: 100, CarriedOver: 10, New: 90, NewOnline: 50, NewDirect: 35, NewPostal: 5,
		Resolved: 80, Early: 40, OnTime: 30, Late: 10, LateWithApology: 4,
		Pending: 15, PendingWithin: 12, PendingOverdue: 3, Withdrawn: 5,
	}
}

func errorFields(tb testing.TB, err error, code string) []string {
	tb.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != code {
		tb.Fatalf("err = %v, want code %s", err, code)
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	return fields
}

func TestDossierFigures_Check(t *testing.T) {
	if err := validFigures().Check(); err != nil {
		t.Fatalf("valid figures: %v", err)
	}
	if err := (domain.DossierFigures{}).Check(); err != nil {
		t.Fatalf("zero figures: %v", err)
	}
	tests := []struct {
		name   string
		break_ func(*domain.DossierFigures)
		fields []string
	}{
		{"received ≠ carried over + new", func(f *domain.DossierFigures) { f.CarriedOver++ },
			[]string{"received"}},
		{"received ≠ resolved + pending + withdrawn", func(f *domain.DossierFigures) { f.Withdrawn++ },
			[]string{"received"}},
		{"new ≠ online + direct + postal", func(f *domain.DossierFigures) { f.NewPostal++ },
			[]string{"new"}},
		{"resolved ≠ early + on time + late", func(f *domain.DossierFigures) { f.Early-- },
			[]string{"resolved"}},
		{"pending ≠ within + overdue", func(f *domain.DossierFigures) { f.PendingOverdue++ },
			[]string{"pending"}},
		{"apologies exceed late", func(f *domain.DossierFigures) { f.LateWithApology = 11 },
			[]string{"late_with_apology"}},
		{"negative", func(f *domain.DossierFigures) { f.NewPostal, f.NewDirect = -1, 41 },
			[]string{"new_postal"}},
		{"received alone", func(f *domain.DossierFigures) { f.Received++ },
			[]string{"received", "received"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validFigures()
			tt.break_(&f)
			got := errorFields(t, f.Check(), domain.EINTERNAL)
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestDossierFigures_Add(t *testing.T) {
	var total domain.DossierFigures
	total.Add(validFigures())
	total.Add(validFigures())
	if err := total.Check(); err != nil {
		t.Fatal(err)
	}
	want := validFigures()
	if total.Received != 2*want.Received || total.NewPostal != 2*want.NewPostal ||
		total.LateWithApology != 2*want.LateWithApology || total.Withdrawn != 2*want.Withdrawn ||
		total.PendingOverdue != 2*want.PendingOverdue {
		t.Errorf("total = %+v", total)
	}
	if got := want.ResolvedOnTime(); got != 70 {
		t.Errorf("ResolvedOnTime = %d, want 70", got)
	}
}

func testAppendix(tb testing.TB) *domain.Appendix {
	tb.Helper()
	p, err := domain.NewPeriod(domain.PeriodYear, 2024, 0, domain.CutoffDecree09)
	if err != nil {
		tb.Fatal(err)
	}
	return &domain.Appendix{
		AgencyCode: "000.00.24.H50", Period: p, Source: domain.SourceLive,
		Levels: []string{"district", "commune"},
		SectionIII: domain.SectionIII{
			ProceduresInForce: map[string]int64{"district": 287, "commune": 129},
			Dossiers:          map[string]domain.DossierFigures{"district": validFigures(), "commune": validFigures()},
		},
		SectionVII: domain.SectionVII{
			Online: domain.OnlineFigures{Partial: domain.OnlineLevelFigures{Eligible: 82, Provided: 82, WithOnlineDossiers: 41},
				DossiersTotal: 14992, DossiersOnline: 14871},
			Postal: map[string]domain.PostalFigures{"district": {ProceduresOffered: 220}},
		},
	}
}

func TestAppendix_Check(t *testing.T) {
	if err := testAppendix(t).Check(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		break_ func(*domain.Appendix)
		fields []string
	}{
		{"a level's figures", func(a *domain.Appendix) {
			f := a.SectionIII.Dossiers["commune"]
			f.Late++
			a.SectionIII.Dossiers["commune"] = f
		}, []string{"section_iii.dossiers.commune.resolved"}},
		{"a level not listed", func(a *domain.Appendix) { a.Levels = a.Levels[:1] },
			[]string{"section_iii.dossiers.commune", "section_iii.procedures_in_force.commune"}},
		{"a level listed twice", func(a *domain.Appendix) { a.Levels = append(a.Levels, "district") },
			[]string{"levels"}},
		{"postal level not listed", func(a *domain.Appendix) { a.SectionVII.Postal["province"] = domain.PostalFigures{} },
			[]string{"section_vii.postal.province"}},
		{"online dossiers exceed total", func(a *domain.Appendix) { a.SectionVII.Online.DossiersOnline = 15000 },
			[]string{"section_vii.online.dossiers_online"}},
		{"procedures with online dossiers exceed provided", func(a *domain.Appendix) { a.SectionVII.Online.Full.WithOnlineDossiers = 1 },
			[]string{"section_vii.online.full.with_online_dossiers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testAppendix(t)
			tt.break_(a)
			got := errorFields(t, a.Check(), domain.EINTERNAL)
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

// The JSON names are the contract of API.md's appendix example.
func TestAppendix_JSON(t *testing.T) {
	b, err := json.Marshal(testAppendix(t))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"agency_code", "period", "generated_at", "source", "levels", "section_iii", "section_vii", "manual"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, b)
		}
	}
	if got, ok := m["manual"].(map[string]any); !ok || len(got) != 0 {
		t.Errorf("manual = %v, want {}", m["manual"])
	}
	iii := m["section_iii"].(map[string]any)
	for _, k := range []string{"procedures_published", "procedures_repealed", "procedures_in_force", "interlinked_same_level",
		"interlinked_cross_level", "feedback_received", "feedback_resolved", "dossiers"} {
		if _, ok := iii[k]; !ok {
			t.Errorf("no section_iii.%s", k)
		}
	}
	d := iii["dossiers"].(map[string]any)["district"].(map[string]any)
	for _, k := range []string{"received", "carried_over", "new", "new_online", "new_direct", "new_postal", "resolved", "early",
		"on_time", "late", "late_with_apology", "late_with_late_apology", "pending", "pending_within", "pending_overdue", "withdrawn"} {
		if _, ok := d[k]; !ok {
			t.Errorf("no section_iii.dossiers.district.%s", k)
		}
	}
	if len(d) != 16 {
		t.Errorf("dossier figures have %d names, want 16", len(d))
	}
	vii := m["section_vii"].(map[string]any)
	online := vii["online"].(map[string]any)
	for _, k := range []string{"partial", "full", "on_national_portal", "dossiers_total", "dossiers_online",
		"procedures_with_fee", "procedures_online_payment"} {
		if _, ok := online[k]; !ok {
			t.Errorf("no section_vii.online.%s", k)
		}
	}
	for _, k := range []string{"eligible", "provided", "with_online_dossiers"} {
		if _, ok := online["partial"].(map[string]any)[k]; !ok {
			t.Errorf("no section_vii.online.partial.%s", k)
		}
	}
	postal := vii["postal"].(map[string]any)["district"].(map[string]any)
	for _, k := range []string{"procedures_offered", "procedures_received", "procedures_returned", "dossiers_received", "dossiers_returned"} {
		if _, ok := postal[k]; !ok {
			t.Errorf("no section_vii.postal.district.%s", k)
		}
	}

	row, _ := json.Marshal(domain.FieldRow{Field: "Hộ tịch", Level: "commune", DossierFigures: validFigures()})
	if !strings.HasPrefix(string(row), `{"field":"Hộ tịch","level":"commune","received":100,`) {
		t.Errorf("field row JSON = %s", row)
	}
}

func TestManualItems(t *testing.T) {
	keyRE := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	ttRE := regexp.MustCompile(`^(I|II|III|IV|V|VI|VII)(\.[0-9]+)?$`)
	seen := map[string]bool{}
	for _, it := range domain.ManualItems {
		if !keyRE.MatchString(it.Key) {
			t.Errorf("key %q is not snake_case", it.Key)
		}
		if seen[it.Key] {
			t.Errorf("key %q twice", it.Key)
		}
		seen[it.Key] = true
		if !ttRE.MatchString(it.TT) {
			t.Errorf("%s: TT %q", it.Key, it.TT)
		}
		if strings.TrimSpace(it.Label) == "" || strings.TrimSpace(it.Unit) == "" {
			t.Errorf("%s: empty label or unit", it.Key)
		}
		if got, ok := domain.FindManualItem(it.Key); !ok || got != it {
			t.Errorf("FindManualItem(%q) = %v, %v", it.Key, got, ok)
		}
	}
	// The items the service cannot derive that DOMAIN.md names: document exchange, ISO, staff numbers.
	for _, k := range []string{"outgoing_documents_district", "iso_communes_announced", "civil_servants_present", "survey_method"} {
		if !seen[k] {
			t.Errorf("no manual item %q", k)
		}
	}
	// I.7's figures come from the citizens' ratings: not entered by hand.
	for _, k := range []string{"survey_forms", "survey_satisfaction_rate"} {
		if seen[k] {
			t.Errorf("manual item %q is computed from the surveys", k)
		}
	}
}

func TestManualFigures_Validate(t *testing.T) {
	ok := domain.ManualFigures{
		"plan_completion_rate": 84, "outgoing_documents_district": 17900,
		"digital_plan": 1, "survey_method": 2, "discipline_compliance": 0, "public_employees_streamlined_rate": 153.38,
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (domain.ManualFigures{}).Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		m     domain.ManualFigures
		field string
	}{
		{"unknown key", domain.ManualFigures{"received": 1}, "received"},
		{"a computed figure", domain.ManualFigures{"survey_satisfaction_rate": 99.5}, "survey_satisfaction_rate"},
		{"negative", domain.ManualFigures{"it_staff": -1}, "it_staff"},
		{"negative rate", domain.ManualFigures{"plan_completion_rate": -0.5}, "plan_completion_rate"},
		{"NaN", domain.ManualFigures{"it_staff": math.NaN()}, "it_staff"},
		{"infinite", domain.ManualFigures{"it_staff": math.Inf(1)}, "it_staff"},
		{"fraction of a person", domain.ManualFigures{"it_staff": 1.5}, "it_staff"},
		{"yes/no is 0 or 1", domain.ManualFigures{"digital_plan": 2}, "digital_plan"},
		{"survey method code", domain.ManualFigures{"survey_method": 3}, "survey_method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errorFields(t, tt.m.Validate(), domain.EINVALID)
			if len(got) != 1 || got[0] != tt.field {
				t.Errorf("fields = %v, want [%s]", got, tt.field)
			}
		})
	}
	got := errorFields(t, domain.ManualFigures{"zzz": 1, "aaa": 1, "it_staff": 2}.Validate(), domain.EINVALID)
	if strings.Join(got, ",") != "aaa,zzz" {
		t.Errorf("fields = %v, want [aaa zzz]", got)
	}
}
