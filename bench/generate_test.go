package bench

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua/domain"
	"motcua/importer"
	"motcua/store"
	"motcua/store/storetest"
)

// testConfig spans the reform of 2025-07-01, so that districts and both kinds of commune appear.
func testConfig(n int) Config {
	return Config{Dossiers: n, Seed: 7, From: domain.Date{Year: 2025, Month: 3, Day: 1},
		Now: time.Date(2025, 10, 1, 10, 30, 0, 0, domain.Location)}
}

func mustProvince(t *testing.T) *Province {
	t.Helper()
	p, err := NewProvince(3, 4, 10)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, pr := range p.Procedures {
		if seen[pr.Code] {
			t.Fatalf("procedure %s appears twice in the catalogue", pr.Code)
		}
		seen[pr.Code] = true
		if err := pr.Validate(); err != nil {
			t.Fatalf("procedure %s: %v", pr.Code, err)
		}
	}
	return p
}

func TestGenerate(t *testing.T) {
	st, opts := storetest.MustOpenURL(t)
	if opts.URL == "" {
		t.Skip("the generator writes with PostgreSQL's COPY; set " + storetest.EnvURL)
	}
	ctx := context.Background()
	p := mustProvince(t)
	db := st.DB()
	indexes := func() string {
		var names []string
		if err := db.Raw(`SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()
			AND tablename IN ('dossiers', 'dossier_events') ORDER BY indexname`).Scan(&names).Error; err != nil {
			t.Fatal(err)
		}
		return strings.Join(names, ",")
	}
	before := indexes()
	cfg := testConfig(2000)
	stats, err := Generate(ctx, st, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := indexes(); got != before {
		t.Errorf("indexes after the load:\n%s\nwant\n%s", got, before)
	}
	if stats.Dossiers != 2000 || stats.Events < 2000 {
		t.Errorf("stats: %d dossiers, %d events", stats.Dossiers, stats.Events)
	}
	if _, err := Generate(ctx, st, p, cfg); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("a second Generate: %v, want ECONFLICT", err)
	}

	// Each query counts rows that break a rule; every count must be 0.
	rules := map[string]string{
		"dossiers": `SELECT 2000 - COUNT(*) FROM dossiers`,
		"an intake event as the first": `SELECT COUNT(*) FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM dossier_events e
			WHERE e.dossier_id = d.id AND e.seq = 1 AND e.action = 'intake' AND e.to_status = 'received' AND e.at = d.received_at)`,
		"events numbered 1..n, n = version": `SELECT COUNT(*) FROM dossiers d WHERE version <> (SELECT COUNT(*) FROM dossier_events e
			WHERE e.dossier_id = d.id) OR version <> (SELECT MAX(seq) FROM dossier_events e WHERE e.dossier_id = d.id)`,
		"the last event's status": `SELECT COUNT(*) FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id
			AND e.seq = d.version WHERE e.to_status <> d.status`,
		"events in time order": `SELECT COUNT(*) FROM dossier_events a JOIN dossier_events b ON b.dossier_id = a.dossier_id
			AND b.seq = a.seq + 1 WHERE b.at < a.at`,
		"nothing at or after now": `SELECT COUNT(*) FROM dossier_events WHERE at >= '2025-10-01T10:30:00+07:00'`,
		"open: not closed": `SELECT COUNT(*) FROM dossiers WHERE status IN ('received', 'processing', 'awaiting_supplement', 'paused')
			AND (resolved_at IS NOT NULL OR withdrawn_at IS NOT NULL OR returned_at IS NOT NULL OR outcome IS NOT NULL)`,
		"resolved: outcome and timeliness": `SELECT COUNT(*) FROM dossiers WHERE (status IN ('resolved', 'returned')) <>
			(resolved_at IS NOT NULL AND outcome IS NOT NULL AND timeliness IS NOT NULL)`,
		"returned ⇔ returned_at":        `SELECT COUNT(*) FROM dossiers WHERE (status = 'returned') <> (returned_at IS NOT NULL)`,
		"withdrawn ⇔ withdrawn_at":      `SELECT COUNT(*) FROM dossiers WHERE (status = 'withdrawn') <> (withdrawn_at IS NOT NULL)`,
		"late ⇔ resolved after due":     `SELECT COUNT(*) FROM dossiers WHERE resolved_at IS NOT NULL AND (timeliness = 'late') <> (resolved_at > due_at)`,
		"apology before the resolution": `SELECT COUNT(*) FROM dossiers WHERE apologized_at > COALESCE(resolved_at, withdrawn_at)`,
		"lookup ids":                    `SELECT COUNT(*) FROM dossiers WHERE lookup_id !~ '^[0-9a-f]{32}$'`,
		"no district after the reform":  `SELECT COUNT(*) FROM dossiers WHERE agency_level = 'district' AND received_at >= '2025-07-01T00:00:00+07:00'`,
		"no former commune after the reform": `SELECT COUNT(*) FROM dossiers WHERE agency_code LIKE '000.%' AND agency_level = 'commune'
			AND received_at >= '2025-07-01T00:00:00+07:00'`,
		"no new commune before the reform": `SELECT COUNT(*) FROM dossiers WHERE agency_code LIKE '001.%' AND received_at < '2025-07-01T00:00:00+07:00'`,
		"the path of the agency": `SELECT COUNT(*) FROM dossiers d JOIN agencies a ON a.code = d.agency_code
			WHERE a.path <> d.agency_path OR a.level <> d.agency_level`,
		"daily sequences 1..n": `SELECT COUNT(*) FROM (SELECT agency_code, (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
			COUNT(*) AS n, MAX(right(code, 4)::int) AS top FROM dossiers GROUP BY 1, 2) g
			LEFT JOIN dossier_sequences s ON s.agency_code = g.agency_code AND s.day = g.day::text
			WHERE g.n <> g.top OR s.last IS DISTINCT FROM g.top`,
	}
	for name, q := range rules {
		var bad int64
		if err := db.Raw(q).Scan(&bad).Error; err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if bad != 0 {
			t.Errorf("%s: %d rows break it", name, bad)
		}
	}

	// Every kind of life is there.
	var kinds []string
	db.Raw(`SELECT DISTINCT status FROM dossiers ORDER BY 1`).Scan(&kinds)
	if got := strings.Join(kinds, ","); !strings.Contains(got, "returned") || !strings.Contains(got, "withdrawn") {
		t.Errorf("statuses %s: want returned and withdrawn among them", got)
	}
	var late, apologies, online, postal, levels int64
	db.Raw(`SELECT COUNT(*) FILTER (WHERE timeliness = 'late'), COUNT(apologized_at), COUNT(*) FILTER (WHERE channel = 'online'),
		COUNT(*) FILTER (WHERE channel = 'postal'), COUNT(DISTINCT agency_level) FROM dossiers`).Row().Scan(&late, &apologies, &online, &postal, &levels)
	if late == 0 || apologies == 0 || online < 200 || postal == 0 || levels != 3 {
		t.Errorf("late %d, apologies %d, online %d, postal %d, levels %d: want some of each and 3 levels", late, apologies, online, postal, levels)
	}

	// The store reads the rows back as it wrote them, codes included.
	var codes []string
	db.Raw(`SELECT code FROM dossiers ORDER BY id DESC LIMIT 25`).Scan(&codes)
	codeRE := regexp.MustCompile(`^[0-9A-Z.]+-[0-9]{6}-[0-9]{4}$`)
	for _, code := range codes {
		d, err := st.FindDossierByCode(ctx, code)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		agency, day, _, err := domain.ParseCode(code)
		if err != nil || !codeRE.MatchString(code) || agency != d.AgencyCode || day != domain.DateOf(d.ReceivedAt) {
			t.Errorf("%s: agency %s, received %s", code, d.AgencyCode, d.ReceivedAt)
		}
		if d.Applicant.Name == "" || domain.FoldText(d.Applicant.Name) != storedNorm(t, st, d.ID) {
			t.Errorf("%s: applicant %q", code, d.Applicant.Name)
		}
		events, err := st.DossierEvents(ctx, d.ID)
		if err != nil || len(events) != d.Version || events[len(events)-1].ToStatus != d.Status {
			t.Errorf("%s: %d events (err %v) for version %d, status %s", code, len(events), err, d.Version, d.Status)
		}
		if d.ResolvedAt != nil && d.Timeliness != domain.TimelinessOf(d.DueAt, *d.ResolvedAt) {
			t.Errorf("%s: timeliness %s, resolved %s, due %s", code, d.Timeliness, d.ResolvedAt, d.DueAt)
		}

		// Staff find it by name without diacritics within their scope, and by the phone's last digits.
		folded := domain.FoldText(d.Applicant.Name)
		words := strings.Fields(folded)
		queries := []string{folded, strings.ToUpper(d.Applicant.Name), strings.Join(words[1:], " "), d.Applicant.Phone[len(d.Applicant.Phone)-6:], d.Applicant.Phone}
		if w := words[1]; len(w) > 1 {
			queries = append(queries, words[0]+" "+w[:len(w)-1]) // the last word typed in part
		}
		for _, q := range queries {
			found, _, err := st.ListDossiers(ctx, store.DossierFilter{Scope: d.AgencyPath, Query: q, Now: cfg.Now, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if !containsCode(found, code) {
				t.Errorf("search %q in %s did not find %s", q, d.AgencyPath, code)
			}
		}
	}

	// The service goes on where the generator stopped: ids and daily sequence numbers.
	last, err := st.FindDossierByCode(ctx, codes[0])
	if err != nil {
		t.Fatal(err)
	}
	d := &domain.Dossier{LookupID: strings.Repeat("ab", 16), AgencyCode: last.AgencyCode, AgencyPath: last.AgencyPath,
		AgencyLevel: last.AgencyLevel, ProcedureCode: last.ProcedureCode, ProcedureName: last.ProcedureName, Field: last.Field,
		Channel: domain.ChannelDirect, ReturnChannel: domain.ChannelDirect, Applicant: domain.Applicant{Name: "Lê Thị Hoa"},
		ReceivedAt: last.ReceivedAt.Add(time.Second)}
	intake := domain.Rules{}.Intake(d, "test", "")
	if err := st.CreateDossier(ctx, d, intake); err != nil {
		t.Fatalf("an intake after the generated ones: %v", err)
	}
	if d.ID <= last.ID {
		t.Errorf("new id %d, not after %d", d.ID, last.ID)
	}
}

func storedNorm(t *testing.T, st *store.Store, id int64) string {
	var norm string
	if err := st.DB().Raw(`SELECT applicant_name_norm FROM dossiers WHERE id = ?`, id).Scan(&norm).Error; err != nil {
		t.Fatal(err)
	}
	return norm
}

func containsCode(ds []*domain.Dossier, code string) bool {
	for _, d := range ds {
		if d.Code == code {
			return true
		}
	}
	return false
}

// TestWriteCSV imports what WriteCSV writes, on either database: every row must be valid.
// The file spans more than two of the store's batches: with one bad row at its end, none of
// the batches stored before that row is seen is kept.
func TestWriteCSV(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	p := mustProvince(t)
	if err := SeedCatalogue(ctx, st, p); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	rows := 2*store.ImportBatch + 100
	cfg := testConfig(rows)
	n, err := WriteCSV(ctx, &buf, p, cfg)
	if err != nil || n != rows {
		t.Fatalf("WriteCSV: %d rows, %v", n, err)
	}
	again := bytes.Buffer{}
	if _, err := WriteCSV(ctx, &again, p, cfg); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Errorf("the same config wrote another file (err %v)", err)
	}
	rules := domain.Rules{Calendar: domain.NewCalendar(domain.DefaultWorkHours, p.Calendar), Supplement: domain.SupplementRestart}
	bad := append(bytes.Clone(buf.Bytes()), ",001.001.00.H50,1.001,X,,,direct,direct,yesterday,,,,,,,\n"...)
	if _, err := importer.Run(ctx, st, rules, bytes.NewReader(bad), importer.Options{Who: &domain.Principal{Username: "test", Roles: []domain.Role{domain.RoleAdmin}}, Now: cfg.Now}); domain.ErrorCode(err) != domain.EUNPROCESSABLE {
		t.Fatalf("import with a bad last row: %v, want %s", err, domain.EUNPROCESSABLE)
	}
	var stored int64
	if err := st.DB().Raw("SELECT COUNT(*) FROM dossiers").Scan(&stored).Error; err != nil || stored != 0 {
		t.Fatalf("after the failed import: %d dossiers stored (%v), want none", stored, err)
	}
	res, err := importer.Run(ctx, st, rules, bytes.NewReader(buf.Bytes()), importer.Options{Who: &domain.Principal{Username: "test", Roles: []domain.Role{domain.RoleAdmin}}, Now: cfg.Now})
	if err != nil {
		if de, ok := err.(*domain.Error); ok && len(de.Fields) > 0 {
			t.Fatalf("import: %v; first: %+v", err, de.Fields[0])
		}
		t.Fatal(err)
	}
	if res.Imported != rows {
		t.Errorf("imported %d, want %d", res.Imported, rows)
	}
}
