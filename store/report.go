package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"motcua/domain"
)

// periodArgs are the bound parameters of every report query: the subtree's LIKE pattern,
// the period's first moment and the moment after it, in UTC, and the minute before that.
func periodArgs(scopePath string, p domain.Period) map[string]any {
	end := utc(p.End())
	return map[string]any{"scope": likePrefix(scopePath), "start": utc(p.Start()), "end": end, "end_1m": end.Add(-time.Minute)}
}

// lateBeforeEnd is true for a dossier that was late before @end: its running clock had passed
// its due time (domain.Rules.StateBefore). late_at holds when (NULL while the clock stood
// before the due time); a dossier closed before migration 0009 has none, and is late from the
// minute after its due time unless its clock stood (@end_1m is @end less a minute).
const lateBeforeEnd = `COALESCE(late_at < @end, NOT clock_stopped AND due_at < @end_1m)`

// reportSQL counts, per agency level, procedure and field, the dossiers in scope of a period
// (DOMAIN.md "Counting"; domain.Rules.Count is the same rule, dossier by dossier) in one query;
// scope is one of the two ways of finding them below. A dossier's closing time is when it was
// resolved or, failing that, withdrawn; it is in scope when received before the end and not
// closed before the start. Each dossier in scope falls in exactly one of carried over and new
// (by channel; a channel other than online and postal counts as direct) and in exactly one of
// resolved in the period (by its timeliness, judged at resolution; a late one apologised for in
// time or too late), withdrawn in the period and pending at the end (overdue when late then).
// The last column counts results returned by post in the period.
func reportSQL(scope string) string {
	return `
SELECT agency_level, procedure_code, field,
	COUNT(*),
	SUM(CASE WHEN received_at < @start THEN 1 ELSE 0 END),
	SUM(CASE WHEN channel = 'online' AND received_at >= @start THEN 1 ELSE 0 END),
	SUM(CASE WHEN channel = 'postal' AND received_at >= @start THEN 1 ELSE 0 END),
	SUM(CASE WHEN channel NOT IN ('online', 'postal') AND received_at >= @start THEN 1 ELSE 0 END),
	SUM(CASE WHEN resolved_at < @end AND timeliness = 'early' THEN 1 ELSE 0 END),
	SUM(CASE WHEN resolved_at < @end AND timeliness = 'on_time' THEN 1 ELSE 0 END),
	SUM(CASE WHEN resolved_at < @end AND timeliness = 'late' THEN 1 ELSE 0 END),
	SUM(CASE WHEN resolved_at < @end AND timeliness = 'late' AND apologized_at IS NOT NULL AND NOT apology_late THEN 1 ELSE 0 END),
	SUM(CASE WHEN resolved_at < @end AND timeliness = 'late' AND apologized_at IS NOT NULL AND apology_late THEN 1 ELSE 0 END),
	SUM(CASE WHEN (closed_at IS NULL OR closed_at >= @end) AND NOT ` + lateBeforeEnd + ` THEN 1 ELSE 0 END),
	SUM(CASE WHEN (closed_at IS NULL OR closed_at >= @end) AND ` + lateBeforeEnd + ` THEN 1 ELSE 0 END),
	SUM(CASE WHEN resolved_at IS NULL AND withdrawn_at < @end THEN 1 ELSE 0 END),
	SUM(CASE WHEN returned_channel = 'postal' AND returned_at >= @start AND returned_at < @end THEN 1 ELSE 0 END)
FROM (` + scope + `) d
GROUP BY agency_level, procedure_code, field`
}

// The two ways of finding a period's dossiers, which give the same rows. scopeByRanges reads
// three disjoint sets, each from an index (migrations 0002 and 0005): received in the
// period; received before and closed in or after it; received before and still open. Its
// cost follows the period, not the history before it, which is what a month or a quarter
// needs. For half a year or more the first set alone is a large part of the table, and one
// sequential scan of every dossier received before the end (scopeByScan) is cheaper: at
// 10,000,000 dossiers the ranges took a year's appendix to 1.55 times the cost of one
// hand-written aggregate (BENCHMARKS.md).
const (
	scopeByRanges = `
	SELECT ` + scopeColumns + ` FROM dossiers
	WHERE agency_path LIKE @scope AND received_at >= @start AND received_at < @end
	UNION ALL
	SELECT ` + scopeColumns + ` FROM dossiers
	WHERE agency_path LIKE @scope AND COALESCE(resolved_at, withdrawn_at) >= @start AND received_at < @start
	UNION ALL
	SELECT ` + scopeColumns + ` FROM dossiers
	WHERE agency_path LIKE @scope AND resolved_at IS NULL AND withdrawn_at IS NULL AND received_at < @start`
	scopeByScan = `
	SELECT * FROM (SELECT ` + scopeColumns + ` FROM dossiers WHERE agency_path LIKE @scope AND received_at < @end) r
	WHERE closed_at IS NULL OR closed_at >= @start`
	scopeColumns = `agency_level, procedure_code, field, channel, timeliness, apologized_at, apology_late, due_at, late_at,
	clock_stopped, received_at, resolved_at, withdrawn_at, returned_at, returned_channel, COALESCE(resolved_at, withdrawn_at) AS closed_at`
)

// reportScope returns the way of finding p's dossiers.
func reportScope(p domain.Period) string {
	if p.Kind == domain.PeriodMonth || p.Kind == domain.PeriodQuarter {
		return scopeByRanges
	}
	return scopeByScan
}

// returnedOutOfScopeSQL counts results returned by post in a period of dossiers closed before
// it (resolved before the period, returned in it), which reportSQL does not see.
const returnedOutOfScopeSQL = `
SELECT agency_level, procedure_code, COUNT(*)
FROM dossiers
WHERE agency_path LIKE @scope AND returned_channel = 'postal' AND returned_at >= @start AND returned_at < @end
	AND COALESCE(resolved_at, withdrawn_at) < @start
GROUP BY agency_level, procedure_code`

// reportGroup is the dossier figures of one level, procedure and field, and the results
// of that group returned by post in the period.
type reportGroup struct {
	level, procedure, field string
	figures                 domain.DossierFigures
	returnedPostal          int64
}

// reportGroups runs the report's scan for the subtree at scopePath and period p, and with
// returns the scan for the results returned by post of dossiers closed before the period.
func (s *Store) reportGroups(ctx context.Context, scopePath string, p domain.Period, returns bool) (out []reportGroup, err error) {
	db := s.reader(ctx)
	if s.dialect != Postgres { // (a transaction on the embedded database takes its write lock)
		out, err = s.scanReportGroups(db, scopePath, p, returns)
		return out, translate(err)
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		// A prepared statement's generic plan, chosen after a few runs for one kind of period,
		// is the wrong one for another (for a month after a year: a scan of the history
		// instead of three index ranges): plan each report for its own period.
		if err := tx.Exec("SET LOCAL plan_cache_mode = force_custom_plan").Error; err != nil {
			return err
		}
		out, err = s.scanReportGroups(tx, scopePath, p, returns)
		return err
	})
	return out, translate(err)
}

// scanReportGroups runs the queries of reportGroups in db.
func (s *Store) scanReportGroups(db *gorm.DB, scopePath string, p domain.Period, returns bool) ([]reportGroup, error) {
	args := periodArgs(scopePath, p)
	rows, err := db.Raw(reportSQL(reportScope(p)), args).Rows()
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []reportGroup
	for rows.Next() {
		var g reportGroup
		f := &g.figures
		if err := rows.Scan(&g.level, &g.procedure, &g.field, &f.Received, &f.CarriedOver, &f.NewOnline, &f.NewPostal,
			&f.NewDirect, &f.Early, &f.OnTime, &f.Late, &f.LateWithApology, &f.LateWithLateApology, &f.PendingWithin, &f.PendingOverdue,
			&f.Withdrawn, &g.returnedPostal); err != nil {
			return nil, translate(err)
		}
		f.New = f.NewOnline + f.NewDirect + f.NewPostal
		f.Resolved = f.Early + f.OnTime + f.Late
		f.Pending = f.PendingWithin + f.PendingOverdue
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	rows.Close()
	if !returns {
		return out, nil
	}
	more, err := db.Raw(returnedOutOfScopeSQL, args).Rows()
	if err != nil {
		return nil, translate(err)
	}
	defer more.Close()
	for more.Next() {
		var g reportGroup
		if err := more.Scan(&g.level, &g.procedure, &g.returnedPostal); err != nil {
			return nil, translate(err)
		}
		out = append(out, g)
	}
	return out, translate(more.Err())
}

// fieldRows sums the groups per field and level, ordered by level from the top down, then by field.
func fieldRows(groups []reportGroup) []domain.FieldRow {
	index := map[[2]string]int{}
	var out []domain.FieldRow
	for _, g := range groups {
		if g.figures == (domain.DossierFigures{}) {
			continue
		}
		k := [2]string{g.field, g.level}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, domain.FieldRow{Field: g.field, Level: g.level})
		}
		out[i].Add(g.figures)
	}
	sortFieldRows(out)
	return out
}

// activity sums the groups per level and procedure: received in the period (the new
// dossiers: a dossier received in the period is in scope), online, by post, and returned by post.
func activity(groups []reportGroup) []domain.ProcedureActivity {
	index := map[[2]string]int{}
	var out []domain.ProcedureActivity
	for _, g := range groups {
		if g.figures.New == 0 && g.returnedPostal == 0 {
			continue
		}
		k := [2]string{g.level, g.procedure}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, domain.ProcedureActivity{Level: g.level, ProcedureCode: g.procedure})
		}
		a := &out[i]
		a.Received += g.figures.New
		a.ReceivedOnline += g.figures.NewOnline
		a.ReceivedPostal += g.figures.NewPostal
		a.ReturnedPostal += g.returnedPostal
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Level != out[j].Level {
			return out[i].Level < out[j].Level
		}
		return out[i].ProcedureCode < out[j].ProcedureCode
	})
	return out
}

// FieldFigures returns the dossier figures of a period per field and agency level for the
// agencies whose path starts with scopePath (DOMAIN.md "Counting"; Biểu 06), aggregated by
// the database. Rows are ordered by level from the top down, then by field.
func (s *Store) FieldFigures(ctx context.Context, scopePath string, p domain.Period) ([]domain.FieldRow, error) {
	groups, err := s.reportGroups(ctx, scopePath, p, false)
	if err != nil {
		return nil, err
	}
	return fieldRows(groups), nil
}

// sortFieldRows orders rows by level from the top down, then by field.
func sortFieldRows(rows []domain.FieldRow) {
	rank := map[string]int{}
	for i, l := range domain.Levels {
		rank[string(l)] = i + 1
	}
	sort.SliceStable(rows, func(i, j int) bool {
		ri, rj := rank[rows[i].Level], rank[rows[j].Level]
		if ri == 0 {
			ri = len(rank) + 1
		}
		if rj == 0 {
			rj = len(rank) + 1
		}
		if ri != rj {
			return ri < rj
		}
		if rows[i].Level != rows[j].Level {
			return rows[i].Level < rows[j].Level
		}
		return rows[i].Field < rows[j].Field
	})
}

// ProcedureActivity returns, per level and procedure, what section VII needs of a period's
// dossiers under scopePath: received, of which online and by post, and results returned by
// post; ordered by level and procedure code.
func (s *Store) ProcedureActivity(ctx context.Context, scopePath string, p domain.Period) ([]domain.ProcedureActivity, error) {
	groups, err := s.reportGroups(ctx, scopePath, p, true)
	if err != nil {
		return nil, err
	}
	return activity(groups), nil
}

// FeedbackCounts returns how many feedback items (phản ánh, kiến nghị) the agencies under
// scopePath received in the period and how many they resolved in it (appendix III.4).
func (s *Store) FeedbackCounts(ctx context.Context, scopePath string, p domain.Period) (received, resolved int64, err error) {
	row := s.reader(ctx).Raw(`SELECT
		COALESCE(SUM(CASE WHEN received_at >= @start AND received_at < @end THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN resolved_at >= @start AND resolved_at < @end THEN 1 ELSE 0 END), 0)
		FROM feedback WHERE agency_path LIKE @scope`, periodArgs(scopePath, p)).Row()
	if err := row.Scan(&received, &resolved); err != nil {
		return 0, 0, translate(err)
	}
	return received, resolved, nil
}

// SurveyCounts returns how many citizens rated the dossiers of the agencies under scopePath in
// the period, and how many of them were satisfied (appendix I.7).
func (s *Store) SurveyCounts(ctx context.Context, scopePath string, p domain.Period) (domain.SurveyCounts, error) {
	var c domain.SurveyCounts
	row := s.reader(ctx).Raw(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN v.satisfied THEN 1 ELSE 0 END), 0)
		FROM surveys v JOIN dossiers d ON d.id = v.dossier_id
		WHERE d.agency_path LIKE @scope AND v.created_at >= @start AND v.created_at < @end`, periodArgs(scopePath, p)).Row()
	if err := row.Scan(&c.Surveyed, &c.Satisfied); err != nil {
		return c, translate(err)
	}
	return c, nil
}

// LevelsUnder returns the distinct levels of the agencies whose path starts with path, from
// the top down.
func (s *Store) LevelsUnder(ctx context.Context, path string) ([]domain.Level, error) {
	var names []string
	if err := s.reader(ctx).Model(&agencyRow{}).Where("path LIKE ?", likePrefix(path)).
		Distinct("level").Pluck("level", &names).Error; err != nil {
		return nil, translate(err)
	}
	sort.Strings(names)
	out := make([]domain.Level, len(names))
	for i, n := range names {
		out[i] = domain.Level(n)
	}
	domain.SortLevels(out)
	return out, nil
}

// ReportFigures returns what one scan of a period's dossiers under scopePath gives the
// appendix: the dossier figures per field and level (as FieldFigures) and the activity per
// level and procedure (as ProcedureActivity).
func (s *Store) ReportFigures(ctx context.Context, scopePath string, p domain.Period) ([]domain.FieldRow, []domain.ProcedureActivity, error) {
	groups, err := s.reportGroups(ctx, scopePath, p, true)
	if err != nil {
		return nil, nil, err
	}
	return fieldRows(groups), activity(groups), nil
}

type manualRow struct {
	AgencyCode string `gorm:"primaryKey"`
	PeriodKey  string `gorm:"primaryKey"`
	Data       string
	UpdatedBy  string
	UpdatedAt  time.Time
}

func (manualRow) TableName() string { return "manual_figures" }

// ManualEntry says who last entered an agency's manual figures for a period, and when.
type ManualEntry struct {
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ManualFigures returns the manual figures entered for the agency and period key, and who
// entered them (nil and no error when none were entered).
func (s *Store) ManualFigures(ctx context.Context, agencyCode, periodKey string) (domain.ManualFigures, *ManualEntry, error) {
	var rows []manualRow
	if err := s.reader(ctx).Where("agency_code = ? AND period_key = ?", agencyCode, periodKey).
		Limit(1).Find(&rows).Error; err != nil {
		return nil, nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, nil, nil
	}
	var m domain.ManualFigures
	if err := json.Unmarshal([]byte(rows[0].Data), &m); err != nil {
		return nil, nil, err
	}
	return m, &ManualEntry{UpdatedBy: rows[0].UpdatedBy, UpdatedAt: rows[0].UpdatedAt.In(domain.Location)}, nil
}

// PutManualFigures replaces the manual figures of the agency for the period key; EINVALID
// (from ManualFigures.Validate) for a bad figure.
func (s *Store) PutManualFigures(ctx context.Context, agencyCode, periodKey string, m domain.ManualFigures, by string, at time.Time) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m == nil {
		m = domain.ManualFigures{}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	row := manualRow{AgencyCode: agencyCode, PeriodKey: periodKey, Data: string(b), UpdatedBy: by, UpdatedAt: utc(at)}
	return translate(s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "agency_code"}, {Name: "period_key"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "updated_by", "updated_at"}),
	}).Create(&row).Error)
}

// scanInt64 reads one integer from a query; NULL is 0.
func scanInt64(tx *gorm.DB, query string, args ...any) (int64, error) {
	var v sql.NullInt64
	if err := tx.Raw(query, args...).Row().Scan(&v); err != nil {
		return 0, translate(err)
	}
	return v.Int64, nil
}
