package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"motcua/domain"
	"motcua/store"
	"motcua/store/storetest"
)

// TestListsComeInPages: every list read a page at a time gives, page after page, exactly the
// list read whole, and the last page says there is no next one; a cursor that no page of
// that list gave is EINVALID naming "cursor".
func TestListsComeInPages(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	city := &domain.Agency{Code: "000.00.24.H50", Name: "UBND thành phố", Level: domain.LevelDistrict}
	if err := s.CreateAgency(ctx, city); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 4; i++ {
		ward := &domain.Agency{Code: fmt.Sprintf("000.%02d.24.H50", i), Name: fmt.Sprintf("UBND Phường %d", i), Level: domain.LevelCommune, ParentCode: city.Code}
		if err := s.CreateAgency(ctx, ward); err != nil {
			t.Fatal(err)
		}
		three := 3
		p := &domain.Procedure{Code: fmt.Sprintf("1.00%d", 5-i), Name: "Thủ tục", Field: "Hộ tịch", Level: domain.LevelCommune,
			TimeLimitDays: &three, OnlineEligible: domain.OnlineFull, OnlineProvided: domain.OnlineFull, PublishedOn: domain.Date{Year: 2023, Month: 1, Day: 1}}
		if err := s.CreateProcedure(ctx, p); err != nil {
			t.Fatal(err)
		}
		f := &domain.Feedback{AgencyCode: ward.Code, AgencyPath: ward.Path, Content: "Phản ánh", ReceivedAt: time.Date(2024, 3, i, 9, 0, 0, 0, domain.Location), CreatedBy: "test"}
		if err := s.CreateFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	asOf := domain.Date{Year: 2024, Month: 6, Day: 1}
	tests := []struct {
		name    string
		foreign string                                     // a cursor of another kind of list
		list    func(store.Page) ([]string, string, error) // the keys of a page, and the next cursor
	}{
		{"agencies", "ZDEy" /* "d12", an id */, func(pg store.Page) ([]string, string, error) {
			list, next, err := s.ListAgenciesPage(ctx, city.Path, pg)
			return keys(list, func(a *domain.Agency) string { return a.Code }), next, err
		}},
		{"procedures", "ZDEy", func(pg store.Page) ([]string, string, error) {
			list, next, err := s.ListProcedures(ctx, store.ProcedureFilter{AsOf: asOf, Page: pg})
			return keys(list, func(p *domain.Procedure) string { return p.Code }), next, err
		}},
		{"feedback", "azEuMDAx" /* "k1.001", a code */, func(pg store.Page) ([]string, string, error) {
			list, next, err := s.ListFeedback(ctx, store.FeedbackFilter{Scope: city.Path, Page: pg})
			return keys(list, func(f *domain.Feedback) string { return fmt.Sprint(f.ID) }), next, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			whole, next, err := tt.list(store.Page{})
			if err != nil || next != "" || len(whole) < 4 {
				t.Fatalf("whole list = %v, next %q, %v", whole, next, err)
			}
			for _, limit := range []int{1, 2, 3, len(whole), len(whole) + 1} {
				var got []string
				cursor := ""
				for pages := 0; ; pages++ {
					if pages > len(whole) {
						t.Fatalf("limit %d: more pages than items", limit)
					}
					page, next, err := tt.list(store.Page{Limit: limit, Cursor: cursor})
					if err != nil {
						t.Fatalf("limit %d, cursor %q: %v", limit, cursor, err)
					}
					if len(page) > limit || len(page) == 0 {
						t.Fatalf("limit %d: a page of %d", limit, len(page))
					}
					got = append(got, page...)
					if next == "" {
						break
					}
					cursor = next
				}
				if !slices.Equal(got, whole) {
					t.Errorf("limit %d: pages %v, want %v", limit, got, whole)
				}
			}
			for _, bad := range []string{"nonsense", "aw" /* "k" and no key */, "a_8" /* "k" and invalid UTF-8 */, tt.foreign} {
				_, _, err := tt.list(store.Page{Limit: 2, Cursor: bad})
				if e, ok := err.(*domain.Error); !ok || e.Code != domain.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "cursor" {
					t.Errorf("cursor %q: %v, want EINVALID naming cursor", bad, err)
				}
			}
		})
	}
}

func keys[T any](list []T, key func(T) string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = key(v)
	}
	return out
}
