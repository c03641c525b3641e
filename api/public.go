package api

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/store"
)

// publicDossier is what anyone holding a dossier's lookup token (or its code and the last
// four digits of the applicant's phone) may read: no identity number, phone, e-mail,
// address, note or staff name, and the applicant's name masked.
type publicDossier struct {
	Code                string            `json:"code"`
	ProcedureName       string            `json:"procedure_name"`
	AgencyName          string            `json:"agency_name"`
	Status              domain.Status     `json:"status"`
	StatusLabel         string            `json:"status_label"`
	ReceivedAt          time.Time         `json:"received_at"`
	DueAt               time.Time         `json:"due_at"`
	AppointmentAt       time.Time         `json:"appointment_at"`
	ResolvedAt          *time.Time        `json:"resolved_at"`
	ReturnedAt          *time.Time        `json:"returned_at"`
	Timeliness          *string           `json:"timeliness"`
	ApplicantNameMasked string            `json:"applicant_name_masked"`
	History             []publicHistory   `json:"history"`
	Apology             *publicApology    `json:"apology"`            // the apology letter, once issued
	SupplementRequest   *publicSupplement `json:"supplement_request"` // what is asked for, while awaited

	id           int64 // for the citizen's page: its survey
	clockStopped bool
	lateAt       *time.Time
}

// publicAnswer is a public view rendered as JSON, with what the citizen's page needs beside
// it: what the cache of public answers keeps (about 1 KB each).
type publicAnswer struct {
	body         []byte // JSON of a publicDossier
	id           int64
	clockStopped bool
	lateAt       *time.Time
}

// publicAnswer builds and renders the public answer for d.
func (s *Server) publicAnswer(ctx context.Context, d *domain.Dossier) (*publicAnswer, error) {
	v, err := s.publicView(ctx, d)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &publicAnswer{body: b, id: d.ID, clockStopped: d.ClockStopped, lateAt: d.LateAt}, nil
}

// view reads the answer back, for the citizen's page.
func (a *publicAnswer) view() (*publicDossier, error) {
	v := &publicDossier{id: a.id, clockStopped: a.clockStopped, lateAt: a.lateAt}
	return v, json.Unmarshal(a.body, v)
}

// overdue reports whether the dossier is late at now (domain.Dossier.Overdue).
func (v *publicDossier) overdue(now time.Time) bool {
	return (&domain.Dossier{Status: v.Status, LateAt: v.lateAt}).Overdue(now)
}

// publicHistory is one change of status: when, and to which status.
type publicHistory struct {
	At     time.Time     `json:"at"`
	Status domain.Status `json:"status"`
}

// publicApology is the apology letter of a late dossier as the citizen reads of it: when it
// was issued, why the dossier is late, and the new appointment.
type publicApology struct {
	IssuedAt         time.Time `json:"issued_at"`
	Reason           string    `json:"reason"`
	NewAppointmentAt time.Time `json:"new_appointment_at"`
}

// IssuedText and NewAppointmentText are the times as the citizen's page shows them.
func (a *publicApology) IssuedText() string         { return vnTime(a.IssuedAt) }
func (a *publicApology) NewAppointmentText() string { return vnTime(a.NewAppointmentAt) }

// publicSupplement is the request for a supplement a dossier awaits: when it was made, what is
// missing, and by when the citizen is asked to bring it (nil when no time was set).
type publicSupplement struct {
	RequestedAt time.Time  `json:"requested_at"`
	Reason      string     `json:"reason"`
	DueAt       *time.Time `json:"due_at"`
}

// RequestedText and DueText are the times as the citizen's page shows them.
func (r *publicSupplement) RequestedText() string { return vnTime(r.RequestedAt) }
func (r *publicSupplement) DueText() string {
	if r.DueAt == nil {
		return ""
	}
	return vnTime(*r.DueAt)
}

// publicLetters finds in d's history the apology letter, and the supplement request d awaits.
func publicLetters(d *domain.Dossier, events []domain.Event) (*publicApology, *publicSupplement) {
	var apology *publicApology
	var supplement *publicSupplement
	for _, e := range events {
		reason, _ := e.Details["reason"].(string)
		switch e.Action {
		case domain.ActionApologize:
			apology = &publicApology{IssuedAt: e.At.In(domain.Location), Reason: reason, NewAppointmentAt: d.AppointmentAt.In(domain.Location)}
			if t, ok := detailTime(e.Details["new_appointment_at"]); ok {
				apology.NewAppointmentAt = t
			}
		case domain.ActionRequestSupplement:
			supplement = &publicSupplement{RequestedAt: e.At.In(domain.Location), Reason: reason}
			if t, ok := detailTime(e.Details["supplement_due_at"]); ok {
				supplement.DueAt = &t
			}
		}
	}
	if d.Status != domain.StatusAwaitingSupplement {
		supplement = nil
	}
	return apology, supplement
}

// detailTime reads a time of an event's details, as stored (RFC 3339 text) or as built.
func detailTime(v any) (time.Time, bool) {
	switch v := v.(type) {
	case time.Time:
		return v.In(domain.Location), true
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		return t.In(domain.Location), err == nil
	}
	return time.Time{}, false
}

// dossierNotFound is the one answer for every dossier a public caller may not read: unknown,
// forged or altered tokens, unknown codes and wrong code/phone pairs alike.
func dossierNotFound() error { return domain.Errorf(domain.ENOTFOUND, "dossier not found") }

// dossierByToken verifies a lookup token, then finds its dossier; a token this server did not
// sign is ENOTFOUND without a database query.
func (s *Server) dossierByToken(ctx context.Context, token string) (*domain.Dossier, error) {
	id, ok := s.lookup.Verify(token)
	if !ok {
		return nil, dossierNotFound()
	}
	return s.dossierByLookupID(ctx, id)
}

// dossierByLookupID finds the dossier of a verified lookup id.
func (s *Server) dossierByLookupID(ctx context.Context, id string) (*domain.Dossier, error) {
	d, err := s.store.FindDossierByLookupID(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, dossierNotFound()
	}
	return d, err
}

// publicView builds the public answer for d.
func (s *Server) publicView(ctx context.Context, d *domain.Dossier) (*publicDossier, error) {
	agency, err := s.store.FindAgency(ctx, d.AgencyCode)
	if err != nil {
		return nil, err
	}
	events, err := s.store.DossierEvents(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	loc := domain.Location
	v := &publicDossier{Code: d.Code, ProcedureName: d.ProcedureName, AgencyName: agency.Name, Status: d.Status,
		StatusLabel: d.Status.Label(), ReceivedAt: d.ReceivedAt.In(loc), DueAt: d.DueAt.In(loc),
		AppointmentAt: d.AppointmentAt.In(loc), ResolvedAt: inVietnam(d.ResolvedAt), ReturnedAt: inVietnam(d.ReturnedAt),
		ApplicantNameMasked: domain.MaskName(d.Applicant.Name), History: []publicHistory{}}
	if d.Timeliness != "" {
		t := string(d.Timeliness)
		v.Timeliness = &t
	}
	for _, e := range events {
		if e.ToStatus != "" && e.ToStatus != e.FromStatus {
			v.History = append(v.History, publicHistory{At: e.At.In(loc), Status: e.ToStatus})
		}
	}
	v.Apology, v.SupplementRequest = publicLetters(d, events)
	return v, nil
}

func inVietnam(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.In(domain.Location)
	return &v
}

// publicByToken verifies a lookup token and returns the public answer for its dossier, from
// the cache when it holds it (a kept answer is never stale: see store.Cache). A token this
// server did not sign is ENOTFOUND without a database query.
func (s *Server) publicByToken(ctx context.Context, token string) (*publicAnswer, error) {
	id, ok := s.lookup.Verify(token)
	if !ok {
		return nil, dossierNotFound()
	}
	if a, ok := s.public.Get(id); ok {
		s.metrics.publicHits.Inc()
		return a, nil
	}
	s.metrics.publicMisses.Inc()
	ticket := s.public.Begin()
	d, err := s.dossierByLookupID(ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := s.publicAnswer(ctx, d)
	if err != nil {
		return nil, err
	}
	s.public.Put(id, a, ticket)
	return a, nil
}

// sendPublic sends a public answer; browsers and proxies must not keep it.
func (s *Server) sendPublic(c *fiber.Ctx, a *publicAnswer) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(a.body)
}

// getPublicDossier answers GET /public/dossiers/:token.
func (s *Server) getPublicDossier(c *fiber.Ctx) error {
	v, err := s.publicByToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return s.sendPublic(c, v)
}

// publicLookup answers GET /public/lookup?code=&phone_last4=; a wrong pair is answered as an unknown code.
func (s *Server) publicLookup(c *fiber.Ctx) error {
	code := strings.ToUpper(strings.TrimSpace(c.Query("code")))
	last4 := strings.TrimSpace(c.Query("phone_last4"))
	var p domain.Problems
	if code == "" {
		p.Add("code", "is required")
	} else if _, _, _, err := domain.ParseCode(code); err != nil {
		p.Add("code", "is not a dossier code (agency-YYMMDD-NNNN)")
	}
	if !fourDigits(last4) {
		p.Add("phone_last4", "must be the last 4 digits of the phone number given at intake")
	}
	if err := p.Err(); err != nil {
		return err
	}
	d, err := s.store.FindDossierByCode(c.UserContext(), code)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return dossierNotFound()
	} else if err != nil {
		return err
	}
	phone := d.Applicant.Phone
	if len(phone) < 4 || subtle.ConstantTimeCompare([]byte(phone[len(phone)-4:]), []byte(last4)) != 1 {
		return dossierNotFound()
	}
	a, err := s.publicAnswer(c.UserContext(), d)
	if err != nil {
		return err
	}
	return s.sendPublic(c, a)
}

func fourDigits(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// maxSurveyComment bounds a survey comment, in bytes.
const maxSurveyComment = 1000

type surveyRequest struct {
	Satisfied *bool  `json:"satisfied"`
	Comment   string `json:"comment"`
}

// surveyView is a stored rating as the survey endpoint answers it.
type surveyView struct {
	Code      string    `json:"code"`
	Satisfied bool      `json:"satisfied"`
	Comment   string    `json:"comment"`
	CreatedAt time.Time `json:"created_at"`
}

// cleanComment normalises a survey comment (line ends, surrounding space) and checks it;
// EINVALID naming "comment" when too long or not plain text.
func cleanComment(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	switch {
	case len(s) > maxSurveyComment:
		return "", domain.Invalid("comment", "is longer than 1000 bytes")
	case !utf8.ValidString(s):
		return "", domain.Invalid("comment", "is not valid UTF-8")
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }):
		return "", domain.Invalid("comment", "contains control characters")
	}
	return s, nil
}

// rateDossier stores the citizen's rating of d: ETRANSITION before its result is returned,
// ECONFLICT for a second rating.
func (s *Server) rateDossier(ctx context.Context, d *domain.Dossier, satisfied bool, comment string) (*store.Survey, error) {
	if d.Status != domain.StatusReturned {
		return nil, domain.Errorf(domain.ETRANSITION, "A dossier can be rated only once its result has been returned.")
	}
	sv := &store.Survey{DossierID: d.ID, Satisfied: satisfied, Comment: comment, CreatedAt: s.now().Truncate(time.Second)}
	if err := s.store.CreateSurvey(ctx, sv); err != nil {
		return nil, err
	}
	return sv, nil
}

// postPublicSurvey answers POST /public/dossiers/:token/survey with the stored rating (201).
func (s *Server) postPublicSurvey(c *fiber.Ctx) error {
	token := c.Params("token")
	if _, ok := s.lookup.Verify(token); !ok {
		return dossierNotFound()
	}
	var req surveyRequest
	if err := decode(c, &req, false); err != nil {
		return err
	}
	if req.Satisfied == nil {
		return domain.Invalid("satisfied", "is required (true or false)")
	}
	comment, err := cleanComment(req.Comment)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	d, err := s.dossierByToken(ctx, token)
	if err != nil {
		return err
	}
	sv, err := s.rateDossier(ctx, d, *req.Satisfied, comment)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(surveyView{Code: d.Code, Satisfied: sv.Satisfied, Comment: sv.Comment,
		CreatedAt: sv.CreatedAt.In(domain.Location)})
}
