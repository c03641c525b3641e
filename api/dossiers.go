package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/qr"
	"motcua/store"
)

// dossierView is a dossier as staff see it.
type dossierView struct {
	*domain.Dossier
	LookupURL      string         `json:"lookup_url"`
	Overdue        bool           `json:"overdue"`
	TimeLimitDays  *int           `json:"time_limit_days,omitempty"`
	TimeLimitHours *int           `json:"time_limit_hours,omitempty"`
	Events         []domain.Event `json:"events,omitempty"`
}

func (s *Server) view(d *domain.Dossier, events []domain.Event) (*dossierView, error) {
	token, err := s.lookup.TokenFor(d.LookupID)
	if err != nil {
		return nil, err
	}
	d.Localize()
	v := &dossierView{Dossier: d, LookupURL: qr.LookupURL(s.cfg.PublicURL, token), Overdue: d.Overdue(s.now()), Events: events}
	if d.TimeLimit.Hours > 0 {
		h := d.TimeLimit.Hours
		v.TimeLimitHours = &h
	} else {
		days := d.TimeLimit.Days
		v.TimeLimitDays = &days
	}
	return v, nil
}

type intakeRequest struct {
	AgencyCode    string           `json:"agency_code"`
	ProcedureCode string           `json:"procedure_code"`
	Applicant     domain.Applicant `json:"applicant"`
	Channel       domain.Channel   `json:"channel"`
	ReturnChannel domain.Channel   `json:"return_channel"`
	ReceivedAt    string           `json:"received_at"`
	Digitized     bool             `json:"digitized"`
	Note          string           `json:"note"`
}

func (s *Server) createDossier(c *fiber.Ctx) error {
	var req intakeRequest
	if err := decode(c, &req, false); err != nil {
		return err
	}
	d, err := s.intake(c, &req)
	if err != nil {
		return err
	}
	v, err := s.view(d, nil)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(d.Version))
	return c.Status(fiber.StatusCreated).JSON(v)
}

// intake validates and stores one dossier received at the counter or online.
func (s *Server) intake(c *fiber.Ctx, req *intakeRequest) (*domain.Dossier, error) {
	ctx := c.UserContext()
	p := principal(c)
	now := s.now()
	var pr domain.Problems
	if req.AgencyCode == "" {
		pr.Add("agency_code", "is required")
	}
	if req.ProcedureCode == "" {
		pr.Add("procedure_code", "is required")
	}
	req.Applicant.Validate("applicant.", &pr)
	if !req.Channel.Valid() {
		pr.Add("channel", "must be direct, online or postal")
	}
	if req.ReturnChannel == "" {
		req.ReturnChannel = domain.ChannelDirect
	} else if !req.ReturnChannel.Valid() {
		pr.Add("return_channel", "must be direct, online or postal")
	}
	domain.CheckText(&pr, "note", req.Note, 2000, false)
	receivedAt := now
	if req.ReceivedAt != "" {
		t, err := parseTime("received_at", req.ReceivedAt)
		if err != nil {
			return nil, err
		}
		if t.After(now.Add(time.Minute)) {
			pr.Add("received_at", "is in the future")
		} else if t.Before(now.Add(-time.Minute)) && !p.Has(domain.RoleAdmin) {
			return nil, domain.Errorf(domain.EFORBIDDEN, "Only an admin may record a past intake time.")
		}
		receivedAt = t
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if err := s.checkAgencyScope(c, req.AgencyCode, "agency_code"); err != nil {
		return nil, err
	}
	agency, err := s.store.FindAgency(ctx, req.AgencyCode)
	if err != nil {
		return nil, err
	}
	day := domain.DateOf(receivedAt)
	proc, err := s.store.FindProcedure(ctx, req.ProcedureCode, day)
	if domain.ErrorCode(err) == domain.ENOTFOUND || err == nil && !proc.InForce(day) {
		return nil, &domain.Error{Code: domain.EUNPROCESSABLE, Message: "The procedure is not in force on the intake date.",
			Fields: []domain.FieldError{{Field: "procedure_code", Message: "not in force on " + day.String()}}}
	} else if err != nil {
		return nil, err
	}
	if !proc.Postal {
		for field, ch := range map[string]domain.Channel{"channel": req.Channel, "return_channel": req.ReturnChannel} {
			if ch == domain.ChannelPostal {
				return nil, &domain.Error{Code: domain.EUNPROCESSABLE, Message: "The procedure does not offer the public postal service.",
					Fields: []domain.FieldError{{Field: field, Message: "postal is not offered for this procedure"}}}
			}
		}
	}
	rules, err := s.rules(ctx)
	if err != nil {
		return nil, err
	}
	_, lookupID, err := s.lookup.NewToken()
	if err != nil {
		return nil, err
	}
	d := &domain.Dossier{LookupID: lookupID, AgencyCode: agency.Code, AgencyPath: agency.Path, AgencyLevel: agency.Level,
		ProcedureCode: proc.Code, ProcedureName: proc.Name, Field: proc.Field, TimeLimit: proc.Limit(),
		Channel: req.Channel, ReturnChannel: req.ReturnChannel, Applicant: req.Applicant, Note: req.Note,
		Digitized: req.Digitized, ReceivedAt: receivedAt.Truncate(time.Second)}
	ev := rules.Intake(d, p.Username, req.Note)
	if err := s.store.CreateDossier(ctx, d, ev); err != nil {
		return nil, err
	}
	return d, nil
}

// findVisibleDossier returns the dossier with the code in the URL if the caller may see it;
// ENOTFOUND otherwise, so that another agency's dossiers are not confirmed to exist.
func (s *Server) findVisibleDossier(c *fiber.Ctx) (*domain.Dossier, error) {
	d, err := s.store.FindDossierByCode(c.UserContext(), strings.ToUpper(c.Params("code")))
	if err != nil {
		return nil, err
	}
	if !principal(c).Sees(d.AgencyPath) {
		return nil, domain.Errorf(domain.ENOTFOUND, "dossier not found")
	}
	return d, nil
}

func (s *Server) getDossier(c *fiber.Ctx) error {
	d, err := s.findVisibleDossier(c)
	if err != nil {
		return err
	}
	return s.sendDossier(c, d, fiber.StatusOK)
}

// sendDossier answers with the dossier, its history and its version as ETag.
func (s *Server) sendDossier(c *fiber.Ctx, d *domain.Dossier, status int) error {
	events, err := s.store.DossierEvents(c.UserContext(), d.ID)
	if err != nil {
		return err
	}
	v, err := s.view(d, events)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(d.Version))
	return c.Status(status).JSON(v)
}

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

func (s *Server) listDossiers(c *fiber.Ctx) error {
	p := principal(c)
	f := store.DossierFilter{Scope: p.AgencyPath, AgencyCode: c.Query("agency_code"), ProcedureCode: c.Query("procedure_code"),
		Field: c.Query("field"), Query: strings.TrimSpace(c.Query("q")), Now: s.now(), Cursor: c.Query("cursor")}
	var pr domain.Problems
	var err error
	if f.Limit, err = limitParam(c); err != nil {
		return err
	}
	if v := c.Query("status"); v != "" {
		if f.Status = domain.Status(v); !f.Status.Valid() {
			pr.Add("status", "is not a status")
		}
	}
	if v := c.Query("channel"); v != "" {
		if f.Channel = domain.Channel(v); !f.Channel.Valid() {
			pr.Add("channel", "must be direct, online or postal")
		}
	}
	switch c.Query("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		pr.Add("overdue", "must be true or false")
	}
	for _, q := range []struct {
		name string
		dst  **time.Time
		next bool
	}{{"received_from", &f.ReceivedFrom, false}, {"received_to", &f.ReceivedTo, true}} {
		if v := c.Query(q.name); v != "" {
			d, err := domain.ParseDate(v)
			if err != nil {
				pr.Add(q.name, "is not a date (YYYY-MM-DD)")
				continue
			}
			if q.next {
				d = d.AddDays(1)
			}
			t := d.Start()
			*q.dst = &t
		}
	}
	if len(f.Query) > 200 {
		pr.Add("q", "is longer than 200 bytes")
	}
	if err := pr.Err(); err != nil {
		return err
	}
	list, next, err := s.store.ListDossiers(c.UserContext(), f)
	if err != nil {
		return err
	}
	items := make([]*dossierView, len(list))
	for i, d := range list {
		if items[i], err = s.view(d, nil); err != nil {
			return err
		}
	}
	return listAnswer(c, items, next)
}

// listAnswer is the answer of every list: a page of items and the cursor of the next page,
// null after the last.
func listAnswer(c *fiber.Ctx, items any, next string) error {
	var cursor any
	if next != "" {
		cursor = next
	}
	return c.JSON(fiber.Map{"items": items, "next_cursor": cursor})
}

// pageParam reads ?limit= and ?cursor=.
func pageParam(c *fiber.Ctx) (store.Page, error) {
	limit, err := limitParam(c)
	return store.Page{Limit: limit, Cursor: c.Query("cursor")}, err
}

// limitParam reads ?limit= (default 50, at most 500).
func limitParam(c *fiber.Ctx) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 500 {
		return 0, domain.Invalid("limit", "must be 1 to 500")
	}
	return n, nil
}

type actionRequest struct {
	Note             string         `json:"note"`
	At               string         `json:"at"`
	Reason           string         `json:"reason"`
	Outcome          domain.Outcome `json:"outcome"`
	ResultDigitized  bool           `json:"result_digitized"`
	Channel          domain.Channel `json:"channel"`
	NewAppointmentAt string         `json:"new_appointment_at"`
}

func (s *Server) dossierAction(c *fiber.Ctx) error {
	action := domain.Action(c.Params("action"))
	known := false
	for _, a := range domain.StaffActions {
		known = known || a == action
	}
	if !known {
		return domain.Errorf(domain.ENOTFOUND, "No such action.")
	}
	p := principal(c)
	if !p.Has(action.Roles()...) {
		return domain.Errorf(domain.EFORBIDDEN, "Your role does not allow %s.", action)
	}
	var req actionRequest
	if err := decode(c, &req, true); err != nil {
		return err
	}
	ar := domain.ActionRequest{Action: action, At: s.now().Truncate(time.Second), Actor: p.Username, Note: req.Note,
		Reason: req.Reason, Outcome: req.Outcome, ResultDigitized: req.ResultDigitized, Channel: req.Channel}
	if req.At != "" {
		if !p.Has(domain.RoleAdmin) {
			return domain.Errorf(domain.EFORBIDDEN, "Only an admin may record a past time for an action.")
		}
		t, err := parseTime("at", req.At)
		if err != nil {
			return err
		} else if t.After(s.now()) {
			return domain.Invalid("at", "is in the future")
		}
		ar.At = t
	}
	if req.NewAppointmentAt != "" {
		t, err := parseTime("new_appointment_at", req.NewAppointmentAt)
		if err != nil {
			return err
		}
		ar.NewAppointmentAt = &t
	}
	d, err := s.findVisibleDossier(c)
	if err != nil {
		return err
	}
	if action == domain.ActionReturn && req.Channel == domain.ChannelPostal {
		proc, err := s.store.FindProcedure(c.UserContext(), d.ProcedureCode, domain.DateOf(ar.At))
		if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
			return err
		} else if proc == nil || !proc.Postal {
			return &domain.Error{Code: domain.EUNPROCESSABLE, Message: "The procedure does not offer the public postal service.",
				Fields: []domain.FieldError{{Field: "channel", Message: "postal is not offered for this procedure"}}}
		}
	}
	rules, err := s.rules(c.UserContext())
	if err != nil {
		return err
	}
	ifMatch := c.Get(fiber.HeaderIfMatch)
	d, err = s.store.UpdateDossier(c.UserContext(), d.Code, func(d *domain.Dossier, history []domain.Event) (*domain.Event, error) {
		if ifMatch != "" && ifMatch != etag(d.Version) && ifMatch != "*" {
			return nil, domain.Errorf(domain.EPRECONDITION, "The dossier has changed (version %d).", d.Version)
		}
		return rules.Apply(d, history, ar)
	})
	if err != nil {
		return err
	}
	events, err := s.store.DossierEvents(c.UserContext(), d.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(d.Version))
	v, err := s.view(d, events)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) dossierDeadline(c *fiber.Ctx) error {
	d, err := s.findVisibleDossier(c)
	if err != nil {
		return err
	}
	events, err := s.store.DossierEvents(c.UserContext(), d.ID)
	if err != nil {
		return err
	}
	rules, err := s.rules(c.UserContext())
	if err != nil {
		return err
	}
	dl := rules.Deadline(d, events)
	return c.JSON(fiber.Map{"code": d.Code, "due_at": d.DueAt, "deadline": dl})
}
