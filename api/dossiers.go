package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motcua/desk"
	"motcua/domain"
	"motcua/qr"
	"motcua/store"
)

// dossierView is a dossier as staff see it.
type dossierView struct {
	*domain.Dossier
	LookupURL      string         `json:"lookup_url"`
	Overdue        bool           `json:"overdue"`
	LateSince      *time.Time     `json:"late_since"`
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
	v := &dossierView{Dossier: d, LookupURL: qr.LookupURL(s.cfg.PublicURL, token), Overdue: d.Overdue(s.now()),
		LateSince: d.LateSince(s.now()), Events: events}
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
	HandedOverAt  string           `json:"handed_over_at"`
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

// intake hands the request to the desk: the handler only translates.
func (s *Server) intake(c *fiber.Ctx, req *intakeRequest) (*domain.Dossier, error) {
	in := domain.IntakeRequest{AgencyCode: req.AgencyCode, ProcedureCode: req.ProcedureCode, Applicant: req.Applicant,
		Channel: req.Channel, ReturnChannel: req.ReturnChannel, Digitized: req.Digitized, Note: req.Note}
	for _, t := range []struct {
		field, value string
		dst          **time.Time
	}{{"received_at", req.ReceivedAt, &in.ReceivedAt}, {"handed_over_at", req.HandedOverAt, &in.HandedOverAt}} {
		if t.value != "" {
			v, err := parseTime(t.field, t.value)
			if err != nil {
				return nil, err
			}
			*t.dst = &v
		}
	}
	return s.desk.Intake(c.UserContext(), principal(c), in)
}

// findVisibleDossier returns the dossier with the code in the URL if the caller may see it;
// ENOTFOUND otherwise, so that another agency's dossiers are not confirmed to exist.
func (s *Server) findVisibleDossier(c *fiber.Ctx) (*domain.Dossier, error) {
	return s.desk.Dossier(c.UserContext(), principal(c), c.Params("code"))
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

func etag(version int) string { return desk.ETag(version) }

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
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"overdue", &f.Overdue}, {"transfer_overdue", &f.Untransferred}} {
		switch c.Query(b.name) {
		case "", "false":
		case "true":
			*b.dst = true
		default:
			pr.Add(b.name, "must be true or false")
		}
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
	SupplementDueAt  string         `json:"supplement_due_at"`
}

func (s *Server) dossierAction(c *fiber.Ctx) error {
	if err := domain.Action(c.Params("action")).AllowedTo(principal(c)); err != nil {
		return err // before the body is read, as for any route the caller may not use
	}
	var req actionRequest
	if err := decode(c, &req, true); err != nil {
		return err
	}
	ar := domain.ActionRequest{Action: domain.Action(c.Params("action")), Actor: principal(c).Username, Note: req.Note,
		Reason: req.Reason, Outcome: req.Outcome, ResultDigitized: req.ResultDigitized, Channel: req.Channel}
	for _, t := range []struct {
		field, value string
		dst          **time.Time
	}{{"at", req.At, nil}, {"new_appointment_at", req.NewAppointmentAt, &ar.NewAppointmentAt},
		{"supplement_due_at", req.SupplementDueAt, &ar.SupplementDueAt}} {
		if t.value == "" {
			continue
		}
		v, err := parseTime(t.field, t.value)
		if err != nil {
			return err
		}
		if t.dst == nil {
			ar.At = v
		} else {
			*t.dst = &v
		}
	}
	d, err := s.desk.Act(c.UserContext(), principal(c), c.Params("code"), ar, c.Get(fiber.HeaderIfMatch))
	if err != nil {
		return err
	}
	return s.sendDossier(c, d, fiber.StatusOK)
}

func (s *Server) dossierDeadline(c *fiber.Ctx) error {
	d, dl, err := s.desk.Deadline(c.UserContext(), principal(c), c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"code": d.Code, "due_at": d.DueAt, "deadline": dl})
}
