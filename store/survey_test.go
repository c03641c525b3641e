package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"motcua/domain"
	"motcua/store"
	"motcua/store/storetest"
)

// mustSurveyDossier stores a dossier in status at a new ward and returns its id.
func mustSurveyDossier(tb testing.TB, s *store.Store, n int, status domain.Status) int64 {
	tb.Helper()
	ctx := context.Background()
	code := fmt.Sprintf("000.%02d.24.H50", n)
	if err := s.CreateAgency(ctx, &domain.Agency{Code: code, Name: "UBND Phường", Level: domain.LevelCommune}); err != nil {
		tb.Fatal(err)
	}
	at := time.Date(2024, 3, 4, 9, 0, 0, 0, domain.Location)
	d := &domain.Dossier{LookupID: fmt.Sprintf("%032x", n), AgencyCode: code, AgencyPath: "/" + code + "/",
		AgencyLevel: domain.LevelCommune, ProcedureCode: "1.001", ProcedureName: "Thủ tục", Field: "Hộ tịch",
		Channel: domain.ChannelDirect, ReturnChannel: domain.ChannelDirect, Applicant: domain.Applicant{Name: "Lê Thị Hoa"},
		Status: status, ReceivedAt: at, ClockStart: at, DueAt: at.Add(72 * time.Hour), AppointmentAt: at.Add(72 * time.Hour), Version: 1}
	if status == domain.StatusReturned {
		d.ResolvedAt, d.ReturnedAt = &at, &at
	}
	ev := &domain.Event{Seq: 1, At: at, Action: domain.ActionIntake, ToStatus: domain.StatusReceived, Actor: "test"}
	if err := s.CreateDossier(ctx, d, ev); err != nil {
		tb.Fatal(err)
	}
	return d.ID
}

func TestSurveyOncePerReturnedDossier(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	returned := mustSurveyDossier(t, s, 1, domain.StatusReturned)
	open := mustSurveyDossier(t, s, 2, domain.StatusResolved)

	if _, err := s.FindSurvey(ctx, returned); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("FindSurvey before rating: %v, want not_found", err)
	}
	at := time.Date(2024, 3, 8, 10, 5, 0, 0, domain.Location)
	sv := &store.Survey{DossierID: returned, Satisfied: true, Comment: "Cán bộ nhiệt tình", CreatedAt: at}
	if err := s.CreateSurvey(ctx, sv); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindSurvey(ctx, returned)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Satisfied || got.Comment != "Cán bộ nhiệt tình" || !got.CreatedAt.Equal(at) || got.CreatedAt.Location() != domain.Location {
		t.Errorf("FindSurvey = %+v, want satisfied, the comment, created at %v in Vietnam", got, at)
	}

	tests := []struct {
		name string
		sv   store.Survey
		code string
	}{
		{"second rating", store.Survey{DossierID: returned, Satisfied: false}, domain.ECONFLICT},
		{"not returned", store.Survey{DossierID: open, Satisfied: true}, domain.ETRANSITION},
		{"unknown dossier", store.Survey{DossierID: 999999, Satisfied: true}, domain.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := domain.ErrorCode(s.CreateSurvey(ctx, &tt.sv)); got != tt.code {
				t.Errorf("CreateSurvey = %q, want %q", got, tt.code)
			}
		})
	}
	// The refused ratings changed nothing.
	if got, err := s.FindSurvey(ctx, returned); err != nil || !got.Satisfied {
		t.Errorf("after refused ratings: %+v, %v", got, err)
	}
	if _, err := s.FindSurvey(ctx, open); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("the unreturned dossier has a survey: %v", err)
	}
}

func TestSurveyConcurrentRatingsKeepOne(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	id := mustSurveyDossier(t, s, 1, domain.StatusReturned)
	const n = 8
	var wg sync.WaitGroup
	codes := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = domain.ErrorCode(s.CreateSurvey(ctx, &store.Survey{DossierID: id, Satisfied: i%2 == 0}))
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		switch c {
		case "":
			ok++
		case domain.ECONFLICT:
		default:
			t.Errorf("CreateSurvey = %q, want success or conflict", c)
		}
	}
	if ok != 1 {
		t.Errorf("%d ratings stored, want exactly 1 (%v)", ok, codes)
	}
}
