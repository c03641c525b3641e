package importer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"testing"
	"time"

	"motcua/domain"
	"motcua/importer"
	"motcua/store/storetest"
)

// FuzzImportCSV feeds the importer arbitrary bytes: it must never panic, must answer a bad file
// with EINVALID or EUNPROCESSABLE and store nothing of it, and, when it accepts a file, must have
// stored or skipped every one of its rows. Seeds are in testdata/fuzz/FuzzImportCSV.
func FuzzImportCSV(f *testing.F) {
	st := storetest.MustOpen(f)
	ctx := context.Background()
	for _, a := range []*domain.Agency{
		{Code: "000.00.24.H50", Name: "UBND thành phố", Level: domain.LevelDistrict},
		{Code: "000.01.24.H50", Name: "UBND Phường 1", Level: domain.LevelCommune, ParentCode: "000.00.24.H50"},
	} {
		if err := st.CreateAgency(ctx, a); err != nil {
			f.Fatal(err)
		}
	}
	days := 3
	published, _ := domain.ParseDate("2023-01-01")
	for _, code := range []string{"1.000001.000.00.00.H50", "2.000002.000.00.00.H50"} {
		if err := st.CreateProcedure(ctx, &domain.Procedure{Code: code, Name: "Thủ tục " + code, Field: "Hộ tịch", Level: domain.LevelCommune,
			TimeLimitDays: &days, OnlineEligible: domain.OnlineFull, OnlineProvided: domain.OnlinePartial, Postal: code[0] == '1',
			PublishedOn: published}); err != nil {
			f.Fatal(err)
		}
	}
	rules := domain.Rules{Calendar: domain.NewCalendar(domain.DefaultWorkHours, nil), Supplement: domain.SupplementRestart}
	now := time.Date(2024, 6, 1, 9, 0, 0, 0, domain.Location)
	counts := func(t *testing.T) [3]int64 {
		var out [3]int64
		for i, table := range []string{"dossiers", "dossier_events", "dossier_sequences"} {
			if err := st.DB().Raw("SELECT COUNT(*) FROM " + table).Scan(&out[i]).Error; err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	f.Add([]byte(header + "\n,000.01.24.H50,1.000001.000.00.00.H50,Nguyễn Văn An,,,direct,direct,2024-03-01T08:00:00+07:00,,,,,,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		before := counts(t)
		res, err := importer.Run(ctx, st, rules, bytes.NewReader(data), importer.Options{Who: &domain.Principal{Username: "fuzz", Roles: []domain.Role{domain.RoleAdmin}}, Now: now})
		after := counts(t)
		if err != nil {
			if code := domain.ErrorCode(err); code != domain.EINVALID && code != domain.EUNPROCESSABLE {
				t.Fatalf("a bad file is answered %s (%v), want %s or %s", code, err, domain.EINVALID, domain.EUNPROCESSABLE)
			}
			if after != before {
				t.Fatalf("a refused file changed the database: dossiers, events, sequences %v → %v (%v)", before, after, err)
			}
			return
		}
		rows := dataRows(t, data)
		if res.Imported+res.Skipped != rows {
			t.Fatalf("accepted a file of %d rows but imported %d and skipped %d", rows, res.Imported, res.Skipped)
		}
		if after[0]-before[0] != int64(res.Imported) || after[1]-before[1] < int64(res.Imported) {
			t.Fatalf("imported %d rows but dossiers went %d → %d and events %d → %d", res.Imported, before[0], after[0], before[1], after[1])
		}
	})
}

// header is the import's header row.
const header = "code,agency_code,procedure_code,applicant_name,applicant_id,applicant_phone,channel,return_channel,received_at,due_at,resolved_at,outcome,returned_at,apologized_at,new_appointment_at,withdrawn_at"

// dataRows counts the records after the header of an accepted file; the file must be valid CSV
// of the import's sixteen columns.
func dataRows(t *testing.T, data []byte) int {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	n := -1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("accepted a file that is not CSV: %v", err)
		}
		if n >= 0 && len(rec) != len(domain.ImportColumns) {
			t.Fatalf("accepted a row of %d columns: %q", len(rec), rec)
		}
		n++
	}
	return n
}
