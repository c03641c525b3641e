package api

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/export"
	"motcua/store"
)

// Content types of the report files.
const (
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimeCSV  = "text/csv; charset=utf-8"
)

// reportQuery is what the report endpoints are asked for: an agency the caller may see and a period.
type reportQuery struct {
	agency *domain.Agency
	period domain.Period
	format string
	live   bool
}

// parseReportQuery reads agency_code, period (the year), kind, number, cutoff, and format
// (one of formats; the first is the default) and live. Bad values are EINVALID naming each
// parameter; an agency outside the caller's subtree is ENOTFOUND. Without agency_code the
// report is the caller's agency's, or for an admin of the whole deployment the one agency at
// the top of the tree (EINVALID naming agency_code when there are several).
func (s *Server) parseReportQuery(c *fiber.Ctx, formats ...string) (*reportQuery, error) {
	var p domain.Problems
	q := &reportQuery{}
	year, err := strconv.Atoi(c.Query("period"))
	if c.Query("period") == "" {
		p.Add("period", "is required: the year, e.g. 2024")
	} else if err != nil {
		p.Add("period", "must be a year, e.g. 2024")
	}
	kind, number, cutoff := periodParams(c, &p)
	if len(formats) > 0 {
		q.format = c.Query("format", formats[0])
		if !contains(formats, q.format) {
			p.Add("format", "must be one of %s", strings.Join(formats, ", "))
		}
	}
	switch v := c.Query("live"); v {
	case "", "false":
	case "true":
		q.live = true
	default:
		p.Add("live", "must be true or false")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if q.period, err = domain.NewPeriod(kind, year, number, cutoff); err != nil {
		return nil, err
	}
	code := c.Query("agency_code", principal(c).AgencyCode)
	if code == "" {
		if code, err = s.topAgency(c); err != nil {
			return nil, err
		}
	}
	if q.agency, err = s.findVisibleAgency(c, code); err != nil {
		return nil, err
	}
	return q, nil
}

// periodParams reads kind (year by default), number (0 to 12, 0 by default) and cutoff
// (calendar by default), adding a problem naming each bad one to p.
func periodParams(c *fiber.Ctx, p *domain.Problems) (domain.PeriodKind, int, domain.Cutoff) {
	kind := domain.PeriodKind(c.Query("kind", string(domain.PeriodYear)))
	if !kind.Valid() {
		p.Add("kind", "must be one of year, half, nine_months, quarter, month")
	}
	number := 0
	if v := c.Query("number"); v != "" {
		var err error
		if number, err = strconv.Atoi(v); err != nil || number < 0 || number > 12 {
			p.Add("number", "must be a whole number from 0 to 12")
		}
	}
	cutoff := domain.Cutoff(c.Query("cutoff", string(domain.CutoffCalendar)))
	if !cutoff.Valid() {
		p.Add("cutoff", "must be calendar or decree09")
	}
	return kind, number, cutoff
}

// topAgency returns the code of the one agency at the top of the tree, the report of an
// admin of the whole deployment who names none; EINVALID naming agency_code when the tree
// has no agency or several at the top.
func (s *Server) topAgency(c *fiber.Ctx) (string, error) {
	all, err := s.store.ListAgencies(c.UserContext(), principal(c).AgencyPath)
	if err != nil {
		return "", err
	}
	var tops []string
	for _, a := range all {
		if a.ParentCode == "" {
			tops = append(tops, a.Code)
		}
	}
	if len(tops) != 1 {
		return "", domain.Invalidf("agency_code", "is required: %d agencies are at the top of the tree", len(tops))
	}
	return tops[0], nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// reportAppendix returns the appendix asked for and its per-field rows: the latest snapshot
// of the agency and period unless q.live (or there is none, or it is stale), else computed
// now, a period not over yet up to today (Period.SoFar). The manual figures are the ones
// entered for the period, also on a snapshot: the snapshot freezes what the records say, an
// officer's entries may come later.
func (s *Server) reportAppendix(c *fiber.Ctx, q *reportQuery) (*domain.Appendix, []domain.FieldRow, error) {
	ctx := c.UserContext()
	if !q.live {
		snap, err := s.store.LatestSnapshot(ctx, q.agency.Code, q.period.Key())
		switch {
		case err == nil && snap.StaleSince != nil:
			// A calendar change judged its dossiers again: computed now until the scheduler
			// makes the next revision.
		case err == nil:
			manual, entry, err := s.store.ManualFigures(ctx, q.agency.Code, q.period.Key())
			if err != nil {
				return nil, nil, err
			}
			if entry != nil {
				snap.Appendix.Manual = manual
			}
			return snap.Appendix, snap.Fields, nil
		case domain.ErrorCode(err) != domain.ENOTFOUND:
			return nil, nil, err
		}
	}
	return s.desk.Appendix(ctx, q.agency, q.period.SoFar(domain.DateOf(s.now())))
}

func (s *Server) getAppendix(c *fiber.Ctx) error {
	q, err := s.parseReportQuery(c, "json", "xlsx", "csv")
	if err != nil {
		return err
	}
	app, fields, err := s.reportAppendix(c, q)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch q.format {
	case "xlsx":
		if err := export.AppendixXLSX(&buf, app, fields, q.agency.Name); err != nil {
			return err
		}
		return sendFile(c, mimeXLSX, reportFilename("phu-luc", q, "xlsx"), buf.Bytes())
	case "csv":
		if err := export.AppendixCSV(&buf, app); err != nil {
			return err
		}
		return sendFile(c, mimeCSV, reportFilename("phu-luc", q, "csv"), buf.Bytes())
	}
	return c.JSON(app)
}

// byFieldView is the Biểu 06 table as JSON.
type byFieldView struct {
	AgencyCode  string            `json:"agency_code"`
	Period      domain.Period     `json:"period"`
	GeneratedAt time.Time         `json:"generated_at"`
	Source      string            `json:"source"`
	Rows        []domain.FieldRow `json:"rows"`
}

func (s *Server) getByField(c *fiber.Ctx) error {
	q, err := s.parseReportQuery(c, "json", "csv")
	if err != nil {
		return err
	}
	app, rows, err := s.reportAppendix(c, q)
	if err != nil {
		return err
	}
	v := byFieldView{AgencyCode: q.agency.Code, Period: q.period, GeneratedAt: app.GeneratedAt, Source: app.Source, Rows: rows}
	if v.Rows == nil {
		v.Rows = []domain.FieldRow{}
	}
	if q.format == "csv" {
		var buf bytes.Buffer
		if err := export.FieldsCSV(&buf, v.Rows); err != nil {
			return err
		}
		return sendFile(c, mimeCSV, reportFilename("bieu-06", q, "csv"), buf.Bytes())
	}
	return c.JSON(v)
}

// reportFilename names a report file after the agency and period, e.g.
// phu-luc_000.00.24.H50_decree09-quarter-2024-4.xlsx.
func reportFilename(prefix string, q *reportQuery, ext string) string {
	return prefix + "_" + q.agency.Code + "_" + strings.ReplaceAll(q.period.Key(), "/", "-") + "." + ext
}

func sendFile(c *fiber.Ctx, contentType, filename string, b []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	return c.Send(b)
}

// manualView is an agency's manual figures for a period.
type manualView struct {
	AgencyCode string               `json:"agency_code"`
	Period     domain.Period        `json:"period"`
	Figures    domain.ManualFigures `json:"figures"`
	UpdatedBy  *string              `json:"updated_by"`
	UpdatedAt  *time.Time           `json:"updated_at"`
}

func (s *Server) manualView(c *fiber.Ctx, q *reportQuery) error {
	m, entry, err := s.store.ManualFigures(c.UserContext(), q.agency.Code, q.period.Key())
	if err != nil {
		return err
	}
	v := manualView{AgencyCode: q.agency.Code, Period: q.period, Figures: m}
	if entry != nil {
		v.UpdatedBy, v.UpdatedAt = &entry.UpdatedBy, &entry.UpdatedAt
	}
	return c.JSON(v)
}

func (s *Server) getManual(c *fiber.Ctx) error {
	q, err := s.parseReportQuery(c)
	if err != nil {
		return err
	}
	return s.manualView(c, q)
}

type manualRequest struct {
	Figures *domain.ManualFigures `json:"figures"`
}

func (s *Server) putManual(c *fiber.Ctx) error {
	q, err := s.parseReportQuery(c)
	if err != nil {
		return err
	}
	var req manualRequest
	if err := decode(c, &req, false); err != nil {
		return err
	}
	if req.Figures == nil {
		return domain.Invalid("figures", "is required: an object of item key to number")
	}
	if err := req.Figures.Validate(); err != nil {
		if e, ok := err.(*domain.Error); ok {
			for i := range e.Fields {
				e.Fields[i].Field = "figures." + e.Fields[i].Field
			}
		}
		return err
	}
	if err := s.store.PutManualFigures(c.UserContext(), q.agency.Code, q.period.Key(), *req.Figures,
		principal(c).Username, s.now()); err != nil {
		return err
	}
	return s.manualView(c, q)
}

func (s *Server) createSnapshot(c *fiber.Ctx) error {
	return s.idempotent(c, func(b []byte) (int, any, error) {
		if err := decodeBytes(c, b, &struct{}{}, true); err != nil {
			return 0, nil, err
		}
		q, err := s.parseReportQuery(c)
		if err != nil {
			return 0, nil, err
		}
		snap, _, err := s.desk.Freeze(c.UserContext(), q.agency, q.period, q.period.Key(), principal(c).Username, false)
		if err != nil {
			return 0, nil, err
		}
		return fiber.StatusCreated, snap, nil
	})
}

func (s *Server) listSnapshots(c *fiber.Ctx) error {
	p := principal(c)
	f := store.SnapshotFilter{Scope: p.AgencyPath}
	var err error
	if f.Page, err = pageParam(c); err != nil {
		return err
	}
	if c.Query("period") != "" {
		q, err := s.parseReportQuery(c)
		if err != nil {
			return err
		}
		f.AgencyCode, f.PeriodKey = q.agency.Code, q.period.Key()
	} else if err := periodWithoutYear(c); err != nil {
		return err
	} else if code := c.Query("agency_code"); code != "" {
		a, err := s.findVisibleAgency(c, code)
		if err != nil {
			return err
		}
		f.AgencyCode = a.Code
	}
	items, next, err := s.store.ListSnapshots(c.UserContext(), f)
	if err != nil {
		return err
	}
	if items == nil {
		items = []*store.Snapshot{}
	}
	return listAnswer(c, items, next)
}

// periodWithoutYear refuses kind, number or cutoff given without period: EINVALID naming
// each bad value, and period.
func periodWithoutYear(c *fiber.Ctx) error {
	var p domain.Problems
	periodParams(c, &p)
	for _, name := range []string{"kind", "number", "cutoff"} {
		if c.Query(name) != "" {
			p.Add("period", "is required with %s: the year, e.g. 2024", name)
			break
		}
	}
	return p.Err()
}

// findVisibleSnapshot returns the snapshot with the id in field if the caller may see its
// agency; ENOTFOUND otherwise.
func (s *Server) findVisibleSnapshot(c *fiber.Ctx, field, value string) (*store.Snapshot, error) {
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil || id < 1 {
		return nil, domain.Invalid(field, "must be a snapshot id")
	}
	snap, err := s.store.FindSnapshot(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if _, err := s.findVisibleAgency(c, snap.AgencyCode); err != nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "snapshot not found")
	}
	return snap, nil
}

// snapshotDiff is how two snapshots differ, figure by figure.
type snapshotDiff struct {
	Snapshot     *store.Snapshot `json:"snapshot"`
	ComparedWith *store.Snapshot `json:"compared_with"`
	Differences  []figureDiff    `json:"differences"`
}

// figureDiff is one figure that differs: its path in the appendix JSON (by_field.<level>.<field>.<figure>
// for the Biểu 06 rows), its value in the snapshot and in the one compared with (null when absent).
type figureDiff struct {
	Figure       string   `json:"figure"`
	Value        *float64 `json:"value"`
	CompareValue *float64 `json:"compare_value"`
}

func (s *Server) getSnapshot(c *fiber.Ctx) error {
	other := c.Query("compare")
	if id, err := strconv.ParseInt(other, 10, 64); other != "" && (err != nil || id < 1) {
		return domain.Invalid("compare", "must be a snapshot id")
	}
	snap, err := s.findVisibleSnapshot(c, "id", c.Params("id"))
	if err != nil {
		return err
	}
	if other == "" {
		return c.JSON(snap)
	}
	cmp, err := s.findVisibleSnapshot(c, "compare", other)
	if err != nil {
		return err
	}
	diff := snapshotDiff{Differences: diffFigures(figures(snap), figures(cmp))}
	diff.Snapshot, diff.ComparedWith = withoutFigures(snap), withoutFigures(cmp)
	return c.JSON(diff)
}

func withoutFigures(s *store.Snapshot) *store.Snapshot {
	out := *s
	out.Appendix, out.Fields = nil, nil
	return &out
}

// figures flattens a snapshot's figures into paths and values: sections III and VII, the
// manual items, and the Biểu 06 rows.
func figures(s *store.Snapshot) map[string]float64 {
	out := map[string]float64{}
	if s.Appendix != nil {
		b, _ := json.Marshal(struct {
			SectionIII any `json:"section_iii"`
			SectionVII any `json:"section_vii"`
			Manual     any `json:"manual"`
		}{s.Appendix.SectionIII, s.Appendix.SectionVII, s.Appendix.Manual})
		var m map[string]any
		json.Unmarshal(b, &m)
		flatten("", m, out)
	}
	for _, r := range s.Fields {
		b, _ := json.Marshal(r.DossierFigures)
		var m map[string]any
		json.Unmarshal(b, &m)
		flatten("by_field."+r.Level+"."+r.Field+".", m, out)
	}
	return out
}

func flatten(prefix string, m map[string]any, out map[string]float64) {
	for k, v := range m {
		switch x := v.(type) {
		case float64:
			out[prefix+k] = x
		case map[string]any:
			flatten(prefix+k+".", x, out)
		}
	}
}

// diffFigures lists the figures whose values differ, in path order.
func diffFigures(a, b map[string]float64) []figureDiff {
	out := []figureDiff{}
	for k, va := range a {
		if vb, ok := b[k]; !ok || vb != va {
			d := figureDiff{Figure: k, Value: &va}
			if ok {
				d.CompareValue = &vb
			}
			out = append(out, d)
		}
	}
	for k, vb := range b {
		if _, ok := a[k]; !ok {
			out = append(out, figureDiff{Figure: k, CompareValue: &vb})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Figure < out[j].Figure })
	return out
}
